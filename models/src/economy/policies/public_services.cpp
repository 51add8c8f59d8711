// Picture 5, public services (幸福). Cash benefits are paid by the government
// through the ledger in the benefits stage (after pensions, so that they
// count as income in the month's dibao test like pensions do), except the
// dibao supplements, which follow the dibao process:
//  - dibao_reform: a higher standard and a higher take-up;
//  - rural_pension: a higher urban-rural resident basic pension (the district
//    tops every resident-scheme pension up to the new level and funds the
//    top-up alone);
//  - childcare_allowance: a monthly allowance per child (childcare and
//    education), optionally means-tested; as income it raises the
//    household's own education spending (education.hpp);
//  - education_investment: public schooling per child raised in villages
//    (and communities), bought from services firms, added to the children's
//    education per child and so to their skill when they enter the labour
//    force;
//  - health_insurance: the resident medical insurance premium paid for every
//    member of an agricultural-hukou household;
//  - elderly_care: home care hours for the elderly of elderly-only
//    households, bought from services firms (in kind); time-bank volunteer
//    hours (culture.cpp) replace hours bought;
//  - housing_support: a rent subsidy for migrant households below an income
//    line;
//  - employment_assistance: training stipends for the unemployed, whose
//    skills grow while in training, and employment services that let seekers
//    send more applications.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "cpsim/engine/parallel.hpp"
#include "economy/education.hpp"
#include "economy/policies/policy.hpp"
#include "economy/transfers.hpp"

namespace cpsim::models::economy {
namespace {

/// Income per person this month before transfers, fen (the dibao test's income).
double income_per_person(PolicyAccess& economy, std::size_t i) {
  const std::int64_t income =
      economy.disposable_income(i) - economy.households()[economy.h().transfer_income][i];
  return static_cast<double>(income) / std::max(1, economy.members(i));
}

struct DibaoReformParameters {
  double standard_increase = 0;
  double take_up = 0;
  static void bind(BoundSchema<DibaoReformParameters>& schema) {
    using P = DibaoReformParameters;
    auto s = schema.root();
    s.real("standard_increase", &P::standard_increase, 100,
           "Added to the dibao standard (baseline 917, Hangzhou 2017)", 0.0, 1e5,
           "RMB/person/month");
    s.real("take_up", &P::take_up, 0.9,
           "Share of eligible households that claim (the higher of this and the "
           "baseline take-up applies)",
           0.0, 1.0, "1");
  }
};

class DibaoReform final : public PolicyWith<DibaoReformParameters> {
 public:
  using PolicyWith::PolicyWith;
  // Acts through pay_dibao_supplements, which the dibao stage runs.
  std::vector<PolicyStage> stages() const override { return {PolicyStage::dibao}; }
  void adjust(EconomyParameters& /*p*/, PolicyShared& shared) override {
    shared.dibao_standard_increase += parameters().standard_increase;
    shared.dibao_take_up = std::max(shared.dibao_take_up, parameters().take_up);
    if (shared.dibao_reform == nullptr) shared.dibao_reform = this;
  }
};

struct RuralPensionParameters {
  double monthly_amount = 0;
  static void bind(BoundSchema<RuralPensionParameters>& schema) {
    schema.root().real("monthly_amount", &RuralPensionParameters::monthly_amount, 600,
                       "New resident basic pension per elderly person (baseline "
                       "pension.rural_basic_month; no cut below it)",
                       0.0, 1e5, "RMB/person/month");
  }
};

class RuralPension final : public PolicyWith<RuralPensionParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    const auto& p = economy.parameters();
    const std::int64_t top_up = monthly_pension_fen(false, 0, 0, parameters().monthly_amount) -
                                monthly_pension_fen(false, 0, 0, p.pension.rural_basic_month);
    if (top_up <= 0) return;
    const auto elderly = economy.households()[economy.h().elderly];
    const auto flags = economy.households()[economy.h().flags];
    pay_households(economy, *this, Flow::pensions, economy.h().pension_income,
                   [&](std::size_t i) -> std::int64_t {
                     return (flags[i] & flag_employee_pension) != 0 ? 0 : elderly[i] * top_up;
                   });
  }
};

struct ChildcareAllowanceParameters {
  double allowance_per_child_month = 0;
  double income_limit_per_person_month = 0;
  static void bind(BoundSchema<ChildcareAllowanceParameters>& schema) {
    using P = ChildcareAllowanceParameters;
    auto s = schema.root();
    s.real("allowance_per_child_month", &P::allowance_per_child_month, 300,
           "Allowance per child (assumption; national childcare subsidy 2025: "
           "3,600 RMB a year under age 3)",
           0.0, 1e5, "RMB/child/month");
    s.real("income_limit_per_person_month", &P::income_limit_per_person_month, 0,
           "Only households below this income per person before transfers "
           "(0: every household with children)",
           0.0, 1e7, "RMB/person/month");
  }
};

class ChildcareAllowance final : public PolicyWith<ChildcareAllowanceParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    const auto children = economy.households()[economy.h().children];
    const auto allowance =
        static_cast<std::int64_t>(parameters().allowance_per_child_month * fen_per_rmb);
    const double limit = parameters().income_limit_per_person_month * fen_per_rmb;
    pay_households(economy, *this, Flow::policy_benefits, economy.h().transfer_income,
                   [&](std::size_t i) -> std::int64_t {
                     if (children[i] == 0) return 0;
                     if (limit > 0 && income_per_person(economy, i) >= limit) return 0;
                     return children[i] * allowance;
                   });
  }
};

struct EducationInvestmentParameters {
  double rural_per_child_year = 0;
  double urban_per_child_year = 0;
  static void bind(BoundSchema<EducationInvestmentParameters>& schema) {
    using P = EducationInvestmentParameters;
    auto s = schema.root();
    s.real("rural_per_child_year", &P::rural_per_child_year, 6000,
           "Public education added per child living in a village (baseline "
           "education.public_per_child_rural; assumption: closes most of the "
           "gap to the urban level plus extra teachers)",
           0.0, 1e7, "RMB/child/year");
    s.real("urban_per_child_year", &P::urban_per_child_year, 0,
           "Public education added per child living in an urban community", 0.0, 1e7,
           "RMB/child/year");
  }
};

class EducationInvestment final : public PolicyWith<EducationInvestmentParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& context) override {
    AgentTable& t = economy.households();
    const auto flags = t[economy.h().flags];
    const auto children = t[economy.h().children];
    auto education = t[economy.h().education_per_child];
    const std::array<double, 2> extra{parameters().urban_per_child_year,
                                      parameters().rural_per_child_year};
    const auto group = [&](std::size_t i) {
      return (flags[i] & flag_rural_resident) != 0 ? 1U : 0U;
    };
    // Schools are bought once a month for all children; the cost is what the
    // credited children would cost, so money follows the lever exactly.
    const double children_cost = deterministic_sum<double>(t.size(), [&](std::size_t i) {
      return static_cast<double>(children[i]) * extra[group(i)];
    });
    ServicesSellers(economy).buy(economy, *this, context, "school", 0,
                                 floor_fen(children_cost / 12.0 * fen_per_rmb));
    const double weight = education_monthly_weight(economy.parameters());
    parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        if (children[i] == 0) continue;
        education[i] = next_education_per_child(
            education[i], static_cast<double>(education[i]) + extra[group(i)], weight);
      }
    });
  }
};

struct HealthInsuranceParameters {
  double premium_per_person_month = 0;
  static void bind(BoundSchema<HealthInsuranceParameters>& schema) {
    schema.root().real("premium_per_person_month",
                       &HealthInsuranceParameters::premium_per_person_month, 30,
                       "Premium paid per member of an agricultural-hukou household "
                       "(assumption: the individual resident premium, about 380 RMB a year)",
                       0.0, 1e5, "RMB/person/month");
  }
};

class HealthInsurance final : public PolicyWith<HealthInsuranceParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    const auto flags = economy.households()[economy.h().flags];
    const auto premium =
        static_cast<std::int64_t>(parameters().premium_per_person_month * fen_per_rmb);
    pay_households(economy, *this, Flow::policy_benefits, economy.h().transfer_income,
                   [&](std::size_t i) -> std::int64_t {
                     return (flags[i] & flag_rural_hukou) != 0 ? economy.members(i) * premium : 0;
                   });
  }
};

struct ElderlyCareParameters {
  double care_hours_per_person_month = 0;
  double cost_per_hour = 0;
  static void bind(BoundSchema<ElderlyCareParameters>& schema) {
    using P = ElderlyCareParameters;
    auto s = schema.root();
    s.real("care_hours_per_person_month", &P::care_hours_per_person_month, 8,
           "Care hours per elderly person in an elderly-only household (assumption)", 0.0, 744,
           "hours/person/month");
    s.real("cost_per_hour", &P::cost_per_hour, 40, "Price of an hour of home care (assumption)",
           0.0, 1e5, "RMB/hour");
  }
};

class ElderlyCare final : public PolicyWith<ElderlyCareParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& shared,
           const StepContext& context) override {
    const AgentTable& t = economy.households();
    const auto workers = t[economy.h().workers];
    const auto children = t[economy.h().children];
    const auto elderly = t[economy.h().elderly];
    const std::int64_t persons = deterministic_sum<std::int64_t>(t.size(), [&](std::size_t i) {
      return workers[i] == 0 && children[i] == 0 ? static_cast<std::int64_t>(elderly[i]) : 0;
    });
    const double need = parameters().care_hours_per_person_month * static_cast<double>(persons);
    const double bought = std::max(0.0, need - shared.volunteer_care_hours);
    shared.volunteer_care_hours = std::max(0.0, shared.volunteer_care_hours - need);
    ServicesSellers(economy).buy(economy, *this, context, "provider", 0,
                                 floor_fen(bought * parameters().cost_per_hour * fen_per_rmb));
  }
};

struct HousingSupportParameters {
  double subsidy_per_household_month = 0;
  double income_limit_per_person_month = 0;
  static void bind(BoundSchema<HousingSupportParameters>& schema) {
    using P = HousingSupportParameters;
    auto s = schema.root();
    s.real("subsidy_per_household_month", &P::subsidy_per_household_month, 800,
           "Rent subsidy per eligible household (assumption)", 0.0, 1e6, "RMB/household/month");
    s.real("income_limit_per_person_month", &P::income_limit_per_person_month, 4000,
           "Eligible below this income per person before transfers (assumption)", 0.0, 1e7,
           "RMB/person/month");
  }
};

class HousingSupport final : public PolicyWith<HousingSupportParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    const auto flags = economy.households()[economy.h().flags];
    const auto subsidy =
        static_cast<std::int64_t>(parameters().subsidy_per_household_month * fen_per_rmb);
    const double limit = parameters().income_limit_per_person_month * fen_per_rmb;
    pay_households(economy, *this, Flow::policy_benefits, economy.h().transfer_income,
                   [&](std::size_t i) -> std::int64_t {
                     if ((flags[i] & flag_migrant) == 0) return 0;
                     return income_per_person(economy, i) < limit ? subsidy : 0;
                   });
  }
};

struct EmploymentAssistanceParameters {
  double stipend_month = 0;
  double skill_gain = 0;
  std::int64_t extra_applications = 0;
  static void bind(BoundSchema<EmploymentAssistanceParameters>& schema) {
    using P = EmploymentAssistanceParameters;
    auto s = schema.root();
    s.real("stipend_month", &P::stipend_month, 500,
           "Training stipend per unemployed worker (assumption)", 0.0, 1e5, "RMB/person/month");
    s.real("skill_gain", &P::skill_gain, 0.05,
           "Skill growth of an unemployed worker in training (assumption)", 0.0, 1.0,
           "1/year (log)");
    s.integer("extra_applications", &P::extra_applications, 2,
              "Applications a seeker sends per round on top of the baseline "
              "(employment services; capped at 64)",
              0, 64, "applications");
  }
};

class EmploymentAssistance final : public PolicyWith<EmploymentAssistanceParameters> {
 public:
  using PolicyWith::PolicyWith;
  void adjust(EconomyParameters& p, PolicyShared& /*shared*/) override {
    const std::int64_t extra = parameters().extra_applications;
    p.labour.applications_min = std::min<std::int64_t>(64, p.labour.applications_min + extra);
    p.labour.applications_max = std::min<std::int64_t>(64, p.labour.applications_max + extra);
  }
  std::vector<PolicyStage> stages() const override {
    return {PolicyStage::labour, PolicyStage::benefits};
  }
  void act(PolicyStage stage, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    AgentTable& t = economy.households();
    const auto workers = t[economy.h().workers];
    const auto employer_0 = t[economy.h().employer_0];
    const auto employer_1 = t[economy.h().employer_1];
    if (stage == PolicyStage::labour) {
      auto skill_0 = t[economy.h().skill_0];
      auto skill_1 = t[economy.h().skill_1];
      const auto gain = static_cast<float>(std::exp(parameters().skill_gain / 12.0));
      parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
          if (workers[i] > 0 && employer_0[i] < 0) skill_0[i] *= gain;
          if (workers[i] > 1 && employer_1[i] < 0) skill_1[i] *= gain;
        }
      });
      return;
    }
    const auto stipend = static_cast<std::int64_t>(parameters().stipend_month * fen_per_rmb);
    pay_households(economy, *this, Flow::policy_benefits, economy.h().transfer_income,
                   [&](std::size_t i) -> std::int64_t {
                     const int seekers = (workers[i] > 0 && employer_0[i] < 0 ? 1 : 0) +
                                         (workers[i] > 1 && employer_1[i] < 0 ? 1 : 0);
                     return seekers * stipend;
                   });
  }
};

}  // namespace

void pay_dibao_supplements(PolicyAccess& economy, PolicyShared& shared,
                           const StepContext& context) {
  if (shared.dibao_reform == nullptr && shared.digital_governance == nullptr) return;
  const EconomyParameters& p = economy.parameters();
  AgentTable& t = economy.households();
  auto transfer_income = t[economy.h().transfer_income];
  const auto ids = t.ids();
  // The dibao process's own draws, read again (counter-based: nothing shifts).
  const RandomStream take_up_draws = context.stream("dibao.take_up");
  const RandomStream outreach_draws = shared.digital_governance != nullptr
                                          ? shared.digital_governance->stream(context, "outreach")
                                          : take_up_draws;
  const auto year = static_cast<std::uint64_t>((context.step - 1) / 12);
  const auto base_standard =
      static_cast<std::int64_t>(p.dibao.standard_per_person_month * fen_per_rmb);
  const auto standard = static_cast<std::int64_t>(
      (p.dibao.standard_per_person_month + shared.dibao_standard_increase) * fen_per_rmb);
  const double take_up = std::max(p.dibao.take_up, shared.dibao_take_up);
  std::atomic<std::int64_t> total{0}, new_households{0};
  Ledger& ledger = economy.ledger();
  ledger.parallel_payments(t.size(), [&](std::size_t b, std::size_t e, FlowTally& tally) {
    std::int64_t reform_local = 0, governance_local = 0, count = 0;
    for (std::size_t i = b; i < e; ++i) {
      const std::int64_t income = economy.disposable_income(i) - transfer_income[i];
      const int members = economy.members(i);
      const std::int64_t entitled = dibao_top_up(standard, members, income);
      if (entitled == 0) continue;
      const double u = take_up_draws.uniform(ids[i], year);
      const bool claims_by_take_up = u < take_up;
      const bool claims_by_outreach = !claims_by_take_up && shared.digital_governance != nullptr &&
                                      outreach_draws.uniform(ids[i], year) < shared.dibao_outreach;
      if (!claims_by_take_up && !claims_by_outreach) continue;
      const std::int64_t paid_by_dibao =
          u < p.dibao.take_up ? dibao_top_up(base_standard, members, income) : 0;
      const std::int64_t supplement = entitled - paid_by_dibao;
      if (supplement <= 0) continue;
      ledger.transfer(government_account, household_account(i), supplement, Flow::dibao, tally);
      transfer_income[i] += static_cast<std::int32_t>(supplement);
      (claims_by_take_up ? reform_local : governance_local) += supplement;
      if (paid_by_dibao == 0) ++count;
    }
    if (shared.dibao_reform != nullptr) shared.dibao_reform->spent.fetch_add(reform_local);
    if (shared.digital_governance != nullptr)
      shared.digital_governance->spent.fetch_add(governance_local);
    total.fetch_add(reform_local + governance_local);
    new_households.fetch_add(count);
  });
  economy.month().dibao += total.load();
  economy.month().dibao_households += new_households.load();
}

void add_public_services_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(
      policy_module<DibaoReform>({"dibao_reform",
                                  "Dibao reform: a higher minimum-living standard and take-up",
                                  picture_5,
                                  {}}));
  modules.push_back(policy_module<RuralPension>(
      {"rural_pension",
       "Urban-rural resident basic pension raised to a new monthly level",
       picture_5,
       {}}));
  modules.push_back(policy_module<ChildcareAllowance>(
      {"childcare_allowance", "Childcare and education allowance per child", picture_5, {}}));
  modules.push_back(policy_module<EducationInvestment>(
      {"education_investment",
       "Public education: more spending per child on schools in villages "
       "(and communities), raising entrants' skills",
       picture_5,
       {}}));
  modules.push_back(policy_module<HealthInsurance>(
      {"health_insurance",
       "Health: resident medical insurance premium paid for agricultural hukou",
       picture_5,
       {}}));
  modules.push_back(policy_module<ElderlyCare>(
      {"elderly_care",
       "Elderly care: home care hours bought for elderly-only households",
       picture_5,
       {}}));
  modules.push_back(policy_module<HousingSupport>(
      {"housing_support",
       "Housing support: rent subsidy for low-income migrant households",
       picture_5,
       {}}));
  modules.push_back(policy_module<EmploymentAssistance>(
      {"employment_assistance",
       "Employment assistance and skills training: stipends, skill gains, more applications",
       picture_5,
       {}}));
}

}  // namespace cpsim::models::economy

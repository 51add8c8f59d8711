// Policy modules of the district economy (docs/policies.md): for every
// module, the direction of its effect at 1:100 against the baseline with the
// same seed (the shipped scenarios/xihu/policies/NAME.yaml, scaled down);
// common random numbers (a policy that never acts, or acts with a zero-size
// lever, reproduces the baseline bit for bit); money conservation and a
// balanced flow matrix with every policy on; identical results at 1, 2 and 4
// threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "economy/policies/policy.hpp"
#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

constexpr std::uint64_t seed = 20210701;
constexpr std::int64_t steps = 36;        // the policies start at step 13 (January 2022)
constexpr std::size_t policy_start = 13;  // rows: step 0 is the initial state
constexpr const char* small = "parameters.population.residents=10892";

std::vector<Override> small_run(std::int64_t run_steps, std::vector<std::string> extra = {}) {
  std::vector<Override> overrides = {parse_override(small),
                                     parse_override("steps=" + std::to_string(run_steps)),
                                     parse_override("seed=" + std::to_string(seed))};
  for (const std::string& e : extra) overrides.push_back(parse_override(e));
  return overrides;
}

const CompletedRun& baseline() {
  static const CompletedRun run =
      run_scenario(load_shipped("scenarios/xihu/baseline.yaml", small_run(steps)), 2);
  return run;
}

CompletedRun run_policy(const std::string& file, std::vector<std::string> extra = {},
                        std::int64_t run_steps = steps, int threads = 2) {
  return run_scenario(
      load_shipped("scenarios/xihu/policies/" + file + ".yaml", small_run(run_steps, extra)),
      threads);
}

/// One element of a metric over all steps.
std::vector<double> element(const CompletedRun& run, const std::string& name, std::size_t k) {
  const auto& set = run.simulation->metrics();
  const std::size_t index = set.find(name);
  if (index == set.specs().size()) throw std::invalid_argument("no metric " + name);
  const MetricSpec& spec = set.spec(index);
  std::vector<double> values;
  for (const MetricRow& row : run.rows) {
    values.push_back(spec.type == MetricType::Real
                         ? row.real_values(spec)[k]
                         : static_cast<double>(row.integer_values(spec)[k]));
  }
  return values;
}

/// Mean of a metric while the policies act (steps 13..36).
double policy_mean(const CompletedRun& run, const std::string& name, std::size_t k = 0) {
  return mean_after(element(run, name, k), policy_start);
}

double total_policy_spending(const CompletedRun& run) {
  const auto& set = run.simulation->metrics();
  const MetricSpec& spec = set.spec(set.find("policy_spending"));
  double total = 0;
  // Row 0 is the initial state: no month lived, spending undefined (NaN).
  for (std::size_t step = 1; step < run.rows.size(); ++step) {
    for (const double x : run.rows[step].real_values(spec)) total += x;
  }
  return total;
}

/// Mean of a float column of a table at the end of the run.
double final_mean(const CompletedRun& run, const std::string& table, const std::string& column) {
  const AgentTable& t = *run.simulation->find_table(table);
  const auto& data = std::get<std::vector<float>>(t.column_data(t.find_column(column)));
  double sum = 0;
  for (const float x : data) sum += static_cast<double>(x);
  return sum / static_cast<double>(data.size());
}

/// Every metric the baseline has is bit-identical in `run` at every step.
void expect_baseline_metrics(const CompletedRun& run, const std::string& label) {
  const CompletedRun& base = baseline();
  ASSERT_EQ(run.rows.size(), base.rows.size()) << label;
  for (const MetricSpec& spec : base.simulation->metrics().specs()) {
    const MetricSpec& other =
        run.simulation->metrics().spec(run.simulation->metrics().find(spec.name));
    for (std::size_t step = 0; step < base.rows.size(); ++step) {
      if (spec.type == MetricType::Real) {
        const auto a = base.rows[step].real_values(spec);
        const auto b = run.rows[step].real_values(other);
        ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0)
            << label << ": " << spec.name << " differs at step " << step;
      } else {
        const auto a = base.rows[step].integer_values(spec);
        const auto b = run.rows[step].integer_values(other);
        ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(std::int64_t)), 0)
            << label << ": " << spec.name << " differs at step " << step;
      }
    }
  }
}

std::size_t sector_index(models::economy::Sector sector) {
  return static_cast<std::size_t>(sector);
}

/// Mean while the policies act of the government's public purchases (the
/// spending the fiscal rule sets, R11), fen a month.
double public_purchases_mean(const CompletedRun& run) {
  const auto kind = static_cast<std::size_t>(models::economy::Flow::government_purchases);
  const auto government = static_cast<std::size_t>(models::economy::Institution::government);
  // The government's column holds its payments as negative amounts.
  return -policy_mean(run, "flow_matrix", kind * models::economy::institution_count + government);
}

// ------------------------------------------------------------ directions

TEST(PolicyDirection, RuralInfrastructureRaisesVillageAttractivenessAtTheGovernmentsCost) {
  const CompletedRun run = run_policy("rural-infrastructure");
  EXPECT_GT(final_mean(run, "villages", "attractiveness"),
            final_mean(baseline(), "villages", "attractiveness"));
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "government_spending"),
            policy_mean(baseline(), "government_spending"));
}

TEST(PolicyDirection, DigitalEconomyRaisesWages) {
  const CompletedRun run = run_policy("digital-economy");
  EXPECT_GT(policy_mean(run, "mean_wage"), policy_mean(baseline(), "mean_wage"));
}

TEST(PolicyDirection, RdSubsidyRaisesHighTechProductivityAndSpending) {
  const CompletedRun run = run_policy("rd-subsidy");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "government_spending"),
            policy_mean(baseline(), "government_spending"));
  EXPECT_GT(final_mean(run, "firms", "productivity"),
            final_mean(baseline(), "firms", "productivity"));
}

TEST(PolicyDirection, TalentAttractionRaisesUrbanIncome) {
  const CompletedRun run = run_policy("talent-attraction");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "urban_income_per_capita"),
            policy_mean(baseline(), "urban_income_per_capita"));
}

TEST(PolicyDirection, EnterprisePairingRaisesCollectiveAndRuralIncome) {
  const CompletedRun run = run_policy("enterprise-pairing");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "village_collective_income"),
            policy_mean(baseline(), "village_collective_income"));
  EXPECT_GT(policy_mean(run, "rural_income_per_capita"),
            policy_mean(baseline(), "rural_income_per_capita"));
}

TEST(PolicyDirection, ReservedLandRaisesCollectiveAndRuralIncome) {
  const CompletedRun run = run_policy("reserved-land");
  EXPECT_GT(policy_mean(run, "village_collective_income"),
            1.1 * policy_mean(baseline(), "village_collective_income"));
  EXPECT_GT(policy_mean(run, "rural_income_per_capita"),
            policy_mean(baseline(), "rural_income_per_capita"));
}

TEST(PolicyDirection, TeaBrandRaisesRuralIncomeAndLowersTheRatio) {
  const CompletedRun run = run_policy("tea-brand");
  EXPECT_GT(total_policy_spending(run), 0.0);  // paid by outside buyers
  EXPECT_GT(policy_mean(run, "rural_income_per_capita"),
            policy_mean(baseline(), "rural_income_per_capita"));
  EXPECT_LT(policy_mean(run, "urban_rural_ratio"), policy_mean(baseline(), "urban_rural_ratio"));
}

TEST(PolicyDirection, RuralTourismRaisesScenicFeesAndTourismOutput) {
  const CompletedRun run = run_policy("rural-tourism");
  const std::size_t tourism = sector_index(models::economy::rural_tourism);
  EXPECT_GT(policy_mean(run, "gdp_by_sector", tourism),
            policy_mean(baseline(), "gdp_by_sector", tourism));
  EXPECT_GT(policy_mean(run, "village_collective_income"),
            policy_mean(baseline(), "village_collective_income"));
}

TEST(PolicyDirection, RuralEcommerceRaisesTeaOutput) {
  const CompletedRun run = run_policy("rural-ecommerce");
  const std::size_t tea = sector_index(models::economy::tea_agriculture);
  EXPECT_GT(policy_mean(run, "gdp_by_sector", tea), policy_mean(baseline(), "gdp_by_sector", tea));
}

TEST(PolicyDirection, DibaoReformLowersAbsolutePovertyAndCostsMoney) {
  const CompletedRun run = run_policy("dibao-reform");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "dibao_households"), policy_mean(baseline(), "dibao_households"));
  EXPECT_LT(policy_mean(run, "dibao_poverty_rate"), policy_mean(baseline(), "dibao_poverty_rate"));
  // The fiscal rule pays the cost with lower public purchases.
  EXPECT_LT(public_purchases_mean(run), public_purchases_mean(baseline()));
}

TEST(PolicyDirection, RuralPensionRaisesRuralIncomeAndLowersTheRatio) {
  const CompletedRun run = run_policy("rural-pension");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "rural_income_per_capita"),
            policy_mean(baseline(), "rural_income_per_capita"));
  EXPECT_LT(policy_mean(run, "urban_rural_ratio"), policy_mean(baseline(), "urban_rural_ratio"));
  EXPECT_GT(policy_mean(run, "government_spending"),
            policy_mean(baseline(), "government_spending"));
}

TEST(PolicyDirection, ChildcareAllowanceLowersRelativePoverty) {
  const CompletedRun run = run_policy("childcare-allowance");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_LT(policy_mean(run, "relative_poverty_rate"),
            policy_mean(baseline(), "relative_poverty_rate"));
}

TEST(PolicyDirection, HealthInsuranceRaisesRuralIncome) {
  const CompletedRun run = run_policy("health-insurance");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "rural_income_per_capita"),
            policy_mean(baseline(), "rural_income_per_capita"));
}

TEST(PolicyDirection, ElderlyCareBuysServicesInsteadOfOtherPublicPurchases) {
  // Under the fiscal rule (R11) the care the policy buys from services firms
  // replaces other public purchases of services after the smoothing lag, so
  // services output is about unchanged and the policy shows up in the budget.
  const CompletedRun run = run_policy("elderly-care");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_LT(public_purchases_mean(run), public_purchases_mean(baseline()));
}

TEST(PolicyDirection, HousingSupportLowersPoverty) {
  const CompletedRun run = run_policy("housing-support");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_LT(policy_mean(run, "dibao_poverty_rate"), policy_mean(baseline(), "dibao_poverty_rate"));
  EXPECT_LT(policy_mean(run, "relative_poverty_rate"),
            policy_mean(baseline(), "relative_poverty_rate"));
}

TEST(PolicyDirection, EmploymentAssistanceRaisesSkills) {
  const CompletedRun run = run_policy("employment-assistance");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(final_mean(run, "households", "skill_0"),
            final_mean(baseline(), "households", "skill_0"));
}

TEST(PolicyDirection, EducationInvestmentRaisesRuralEducationPerChild) {
  // Entrants' skills: tests/models/test_education.cpp (a longer run).
  const CompletedRun run = run_policy("education-investment");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(element(run, "education_per_child", 1).back(),
            element(baseline(), "education_per_child", 1).back());
}

TEST(PolicyDirection, TimeBankHoursLowerTheCostOfElderlyCare) {
  // time-bank.yaml runs elderly_care (instance 0) with the time bank; the
  // same care without volunteers costs more.
  const CompletedRun with = run_policy("time-bank");
  const CompletedRun without = run_policy("time-bank", {"policies.time_bank.enabled=false"});
  const double care_with = policy_mean(with, "policy_spending", 0);
  const double care_without = policy_mean(without, "policy_spending", 0);
  EXPECT_GT(care_with, 0.0);
  EXPECT_LT(care_with, care_without);
  EXPECT_GT(policy_mean(with, "policy_spending", 1), 0.0);  // the time bank's running cost
}

TEST(PolicyDirection, EcologicalInvestmentRaisesVillageAttractiveness) {
  const CompletedRun run = run_policy("ecological-investment");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(final_mean(run, "villages", "attractiveness"),
            final_mean(baseline(), "villages", "attractiveness"));
}

TEST(PolicyDirection, CarbonTaxRaisesRevenue) {
  const CompletedRun run = run_policy("carbon-tax");
  EXPECT_GT(total_policy_spending(run), 0.0);  // paid by manufacturing firms
  EXPECT_GT(policy_mean(run, "government_revenue"), policy_mean(baseline(), "government_revenue"));
}

TEST(PolicyDirection, BusinessEnvironmentLowersStartUpCapital) {
  const CompletedRun run = run_policy("business-environment");
  // flow_matrix[firm_entry][firms]: start-up capital entrants received (from
  // their owners: households, villages or the rest of the world).
  const std::size_t cell = static_cast<std::size_t>(models::economy::Flow::firm_entry) *
                               models::economy::institution_count +
                           static_cast<std::size_t>(models::economy::Institution::firms);
  EXPECT_GT(policy_mean(baseline(), "flow_matrix", cell), 0.0);
  EXPECT_LT(policy_mean(run, "flow_matrix", cell), policy_mean(baseline(), "flow_matrix", cell));
}

TEST(PolicyDirection, DigitalGovernanceLowersAbsolutePoverty) {
  const CompletedRun run = run_policy("digital-governance");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_LT(policy_mean(run, "dibao_poverty_rate"), policy_mean(baseline(), "dibao_poverty_rate"));
}

TEST(PolicyDirection, IncomeTaxReformLowersRevenueAndRaisesUrbanIncome) {
  const CompletedRun run = run_policy("income-tax-reform");
  EXPECT_LT(policy_mean(run, "government_revenue"), policy_mean(baseline(), "government_revenue"));
  EXPECT_GT(policy_mean(run, "urban_income_per_capita"),
            policy_mean(baseline(), "urban_income_per_capita"));
}

TEST(PolicyDirection, CapitalIncomeTaxRaisesRevenue) {
  const CompletedRun run = run_policy("capital-income-tax");
  EXPECT_GT(policy_mean(run, "government_revenue"), policy_mean(baseline(), "government_revenue"));
}

TEST(PolicyDirection, CharityMovesIncomeToVillages) {
  const CompletedRun run = run_policy("charity");
  EXPECT_GT(total_policy_spending(run), 0.0);
  EXPECT_GT(policy_mean(run, "rural_income_per_capita"),
            policy_mean(baseline(), "rural_income_per_capita"));
  EXPECT_LT(policy_mean(run, "urban_rural_ratio"), policy_mean(baseline(), "urban_rural_ratio"));
}

TEST(PolicyDirection, EveryModuleHasADirectionTestAndAShippedScenario) {
  // The tests above name the shipped scenario of each module; a new module
  // needs both. File names are the module names with '-' for '_'.
  for (const auto& module : models::economy::policy_modules()) {
    std::string file = module.info.name;
    std::replace(file.begin(), file.end(), '_', '-');
    EXPECT_NO_THROW(load_shipped("scenarios/xihu/policies/" + file + ".yaml", small_run(steps)))
        << module.info.name;
  }
  EXPECT_EQ(models::economy::policy_modules().size(), 25U);
}

// ------------------------------------------------- common random numbers

std::vector<std::string> all_starting_at(const std::string& start) {
  std::vector<std::string> overrides;
  for (const auto& module : models::economy::policy_modules()) {
    overrides.push_back("policies." + module.info.name + ".start=" + start);
  }
  return overrides;
}

TEST(PolicyCommonRandomNumbers, PoliciesAfterTheRunGiveTheBaseline) {
  const CompletedRun run = run_policy("all-nine-pictures", all_starting_at("100"));
  expect_baseline_metrics(run, "all policies from step 100");
  EXPECT_EQ(total_policy_spending(run), 0.0);
}

TEST(PolicyCommonRandomNumbers, DisabledPoliciesGiveTheBaseline) {
  std::vector<std::string> off;
  for (const auto& module : models::economy::policy_modules())
    off.push_back("policies." + module.info.name + ".enabled=false");
  expect_baseline_metrics(run_policy("all-nine-pictures", off), "all policies disabled");
}

TEST(PolicyCommonRandomNumbers, ZeroSizeLeversGiveTheBaseline) {
  expect_baseline_metrics(
      run_policy("rural-pension", {"policies.rural_pension.monthly_amount=300"}),
      "pension at the baseline level");
  expect_baseline_metrics(run_policy("dibao-reform", {"policies.dibao_reform.standard_increase=0",
                                                      "policies.dibao_reform.take_up=0"}),
                          "dibao reform of size 0");
  expect_baseline_metrics(
      run_policy("digital-governance", {"policies.digital_governance.outreach_rate=0"}),
      "outreach 0");
  expect_baseline_metrics(run_policy("charity", {"policies.charity.donation_rate=0"}), "charity 0");
  expect_baseline_metrics(
      run_policy("enterprise-pairing", {"policies.enterprise_pairing.support_per_member_month=0"}),
      "pairing 0");
  expect_baseline_metrics(run_policy("time-bank", {"policies.time_bank.participation=0",
                                                   "policies.elderly_care.enabled=false"}),
                          "time bank with no volunteers");
}

TEST(PolicyCommonRandomNumbers, APolicyLeavesTheMonthsBeforeItsStartUntouched) {
  const CompletedRun run = run_policy("all-nine-pictures");
  const CompletedRun& base = baseline();
  const MetricSpec& gdp = base.simulation->metrics().spec(base.simulation->metrics().find("gdp"));
  const MetricSpec& gdp_run = run.simulation->metrics().spec(run.simulation->metrics().find("gdp"));
  for (std::size_t step = 0; step < policy_start; ++step) {
    EXPECT_EQ(run.rows[step].real_values(gdp_run)[0], base.rows[step].real_values(gdp)[0]) << step;
  }
  EXPECT_NE(run.rows[policy_start].real_values(gdp_run)[0],
            base.rows[policy_start].real_values(gdp)[0]);
}

// ------------------------------------------------ accounts and threads

TEST(PolicyAccounts, MoneyIsConservedAndFlowsBalanceWithEveryPolicyOn) {
  const CompletedRun run = run_policy("all-nine-pictures");
  EXPECT_GT(expect_books_balance(*run.simulation, run.rows, "all-nine-pictures"), 0);
  const auto& set = run.simulation->metrics();
  const MetricSpec& flows = set.spec(set.find("flow_matrix"));
  const std::size_t institutions = set.dimensions()[flows.dimensions[1]].labels.size();
  // Every new flow kind carries money in this run.
  using models::economy::Flow;
  for (const Flow kind : {Flow::policy_benefits, Flow::policy_subsidies, Flow::policy_purchases,
                          Flow::environmental_tax, Flow::charity}) {
    double moved = 0;
    for (std::size_t j = 0; j < institutions; ++j) {
      const std::size_t cell = static_cast<std::size_t>(kind) * institutions + j;
      for (const double x : element(run, "flow_matrix", cell)) moved += std::abs(x);
    }
    EXPECT_GT(moved, 0.0) << models::economy::flow_names[static_cast<std::size_t>(kind)];
  }
  // Every instance spends something.
  const MetricSpec& spending = set.spec(set.find("policy_spending"));
  const std::size_t policies = set.dimensions()[spending.dimensions[0]].labels.size();
  EXPECT_EQ(policies, models::economy::policy_modules().size());
  for (std::size_t k = 0; k < policies; ++k) {
    const std::string& name = set.dimensions()[spending.dimensions[0]].labels[k];
    const bool parameters_only = name == "digital_economy" || name == "reserved_land" ||
                                 name == "rural_tourism" || name == "rural_ecommerce" ||
                                 name == "business_environment" || name == "income_tax_reform" ||
                                 name == "capital_income_tax";
    const double total = policy_mean(run, "policy_spending", k);
    if (parameters_only) {
      EXPECT_EQ(total, 0.0) << name;
    } else {
      EXPECT_GT(total, 0.0) << name;
    }
  }
}

TEST(PolicyAccounts, BitIdenticalAtOneTwoAndFourThreadsWithEveryPolicyOn) {
  const CompletedRun one = run_policy("all-nine-pictures", {}, 30, 1);
  const CompletedRun two = run_policy("all-nine-pictures", {}, 30, 2);
  const CompletedRun four = run_policy("all-nine-pictures", {}, 30, 4);
  EXPECT_TRUE(identical_rows(one.rows, two.rows));
  EXPECT_TRUE(identical_rows(one.rows, four.rows));
}

}  // namespace
}  // namespace cpsim::testing

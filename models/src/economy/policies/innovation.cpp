// Picture 3, innovation (创新):
//  - rd_subsidy: the government pays high-tech firms a share of their wage
//    bill (R&D staff costs) each month; subsidised firms' productivity grows
//    faster by a stated amount, passed through to wages like any
//    productivity change;
//  - talent_attraction: a monthly talent allowance to employed migrant
//    workers whose skill is at or above a threshold, and an easier hukou
//    settlement that cuts the hiring penalty for non-local hukou.
#include <cmath>

#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct RdSubsidyParameters {
  double subsidy_rate = 0;
  double productivity_gain = 0;
  static void bind(BoundSchema<RdSubsidyParameters>& schema) {
    using P = RdSubsidyParameters;
    auto s = schema.root();
    s.real("subsidy_rate", &P::subsidy_rate, 0.05,
           "Subsidy as a share of a high-tech firm's monthly wage bill (assumption)", 0.0, 1.0,
           "1");
    s.real("productivity_gain", &P::productivity_gain, 0.02,
           "Extra productivity growth of subsidised firms (assumption)", 0.0, 0.5, "1/year (log)");
  }
};

class RdSubsidy final : public PolicyWith<RdSubsidyParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::firms}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    AgentTable& firms = economy.firms();
    const auto high_tech = firms[economy.f().high_tech];
    const auto wage_bill = firms[economy.f().wage_bill];
    auto productivity = firms[economy.f().productivity];
    auto wage_index = firms[economy.f().wage_index];
    const double rate = parameters().subsidy_rate;
    const double change = parameters().productivity_gain / 12.0;
    // The extra growth is the firm's own, relative to the district: the premium
    // elasticity passes it to the wage (R4).
    const double passthrough = economy.parameters().firms.wage_productivity_passthrough;
    const double premium = economy.parameters().firms.wage_premium_elasticity;
    Ledger& ledger = economy.ledger();
    ledger.parallel_payments(firms.size(), [&](std::size_t b, std::size_t e, FlowTally& tally) {
      std::int64_t local = 0;
      for (std::size_t f = b; f < e; ++f) {
        if (high_tech[f] == 0) continue;
        const std::int64_t subsidy = floor_fen(rate * static_cast<double>(wage_bill[f]));
        ledger.transfer(government_account, firm_account(f), subsidy, Flow::policy_subsidies,
                        tally);
        local += subsidy;
        productivity[f] =
            static_cast<float>(static_cast<double>(productivity[f]) * std::exp(change));
        wage_index[f] = static_cast<float>(static_cast<double>(wage_index[f]) *
                                           (1.0 + passthrough * premium * change));
      }
      spent.fetch_add(local, std::memory_order_relaxed);
    });
  }
};

struct TalentAttractionParameters {
  double allowance_month = 0;
  double skill_threshold = 0;
  double hukou_penalty_reduction = 0;
  static void bind(BoundSchema<TalentAttractionParameters>& schema) {
    using P = TalentAttractionParameters;
    auto s = schema.root();
    s.real("allowance_month", &P::allowance_month, 1000,
           "Monthly talent allowance per employed migrant worker at or above "
           "the skill threshold (assumption; Hangzhou pays one-off and rent "
           "subsidies of this order)",
           0.0, 1e6, "RMB/person/month");
    s.real("skill_threshold", &P::skill_threshold, 1.5,
           "Skill at or above which a worker counts as talent (urban local mean = 1)", 0.0, 20.0,
           "1");
    s.real("hukou_penalty_reduction", &P::hukou_penalty_reduction, 0.5,
           "Fractional cut of the hiring penalty for non-local hukou (assumption)", 0.0, 1.0, "1");
  }
};

class TalentAttraction final : public PolicyWith<TalentAttractionParameters> {
 public:
  using PolicyWith::PolicyWith;
  void adjust(EconomyParameters& p, PolicyShared& /*shared*/) override {
    p.labour.hukou_penalty *= 1.0 - parameters().hukou_penalty_reduction;
  }
  std::vector<PolicyStage> stages() const override { return {PolicyStage::benefits}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    const AgentTable& t = economy.households();
    const auto flags = t[economy.h().flags];
    const auto employer_0 = t[economy.h().employer_0];
    const auto employer_1 = t[economy.h().employer_1];
    const auto skill_0 = t[economy.h().skill_0];
    const auto skill_1 = t[economy.h().skill_1];
    const double threshold = parameters().skill_threshold;
    const auto allowance = static_cast<std::int64_t>(parameters().allowance_month * fen_per_rmb);
    pay_households(
        economy, *this, Flow::policy_benefits, economy.h().transfer_income,
        [&](std::size_t i) -> std::int64_t {
          if ((flags[i] & flag_migrant) == 0) return 0;
          const int talents =
              (employer_0[i] >= 0 && static_cast<double>(skill_0[i]) >= threshold ? 1 : 0) +
              (employer_1[i] >= 0 && static_cast<double>(skill_1[i]) >= threshold ? 1 : 0);
          return talents * allowance;
        });
  }
};

}  // namespace

void add_innovation_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(policy_module<RdSubsidy>(
      {"rd_subsidy",
       "R&D subsidy: a share of high-tech firms' wage bill; faster productivity growth",
       picture_3,
       {}}));
  modules.push_back(policy_module<TalentAttraction>(
      {"talent_attraction",
       "Talent attraction: allowance to high-skill migrant workers, easier hukou settlement",
       picture_3,
       {}}));
}

}  // namespace cpsim::models::economy

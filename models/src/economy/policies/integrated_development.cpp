// Picture 1, integrated development (全域): rural infrastructure investment.
// The government buys construction of roads, transit and utilities in the
// villages from services firms (per village member per month); the
// investment raises village attractiveness by the village economy's rule and
// better transport lowers the monthly commuting cost between villages and
// urban firms, which widens villagers' job choices.
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct RuralInfrastructureParameters {
  double investment_per_member_month = 0;
  double commuting_cost_reduction = 0;
  static void bind(BoundSchema<RuralInfrastructureParameters>& schema) {
    using P = RuralInfrastructureParameters;
    auto s = schema.root();
    s.real("investment_per_member_month", &P::investment_per_member_month, 100,
           "Public investment in village infrastructure per village member (assumption: "
           "about 1,200 RMB per rural resident a year)",
           0.0, 1e6, "RMB/person/month");
    s.real("commuting_cost_reduction", &P::commuting_cost_reduction, 0.25,
           "Fractional cut of the village-urban commuting cost (assumption)", 0.0, 1.0, "1");
  }
};

class RuralInfrastructure final : public PolicyWith<RuralInfrastructureParameters> {
 public:
  using PolicyWith::PolicyWith;
  void adjust(EconomyParameters& p, PolicyShared& /*shared*/) override {
    p.labour.commuting_cost_month *= 1.0 - parameters().commuting_cost_reduction;
  }
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& context) override {
    invest_in_villages(economy, *this, context, parameters().investment_per_member_month);
  }
};

}  // namespace

void add_integrated_development_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(policy_module<RuralInfrastructure>(
      {"rural_infrastructure",
       "Rural infrastructure investment: lowers commuting cost, raises village "
       "attractiveness",
       picture_1,
       {}}));
}

}  // namespace cpsim::models::economy

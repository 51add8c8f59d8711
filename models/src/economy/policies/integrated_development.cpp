// Picture 1, integrated development (全域): rural infrastructure investment.
// The government buys construction of roads, transit and utilities in the
// villages from services firms (per village member per month); the
// investment raises village attractiveness by the village economy's rule and
// better transport lowers the monthly commuting cost between villages and
// urban firms, which widens villagers' job choices.
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

class RuralInfrastructure final : public Policy {
 public:
  using Policy::Policy;
  void adjust(EconomyParameters& p, PolicyShared& /*shared*/) override {
    p.commuting_cost_month *= 1.0 - parameters().real("commuting_cost_reduction");
  }
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& context) override {
    invest_in_villages(economy, *this, context, parameters().real("investment_per_member_month"));
  }
};

}  // namespace

void add_integrated_development_modules(std::vector<PolicyModule>& modules) {
  PolicyModule m{{"rural_infrastructure",
                  "Rural infrastructure investment: lowers commuting cost, raises village "
                  "attractiveness",
                  picture_1,
                  {}},
                 make_policy<RuralInfrastructure>};
  m.info.schema.real("investment_per_member_month", 100,
                     "Public investment in village infrastructure per village member (assumption: "
                     "about 1,200 RMB per rural resident a year)",
                     0.0, 1e6, "RMB/person/month");
  m.info.schema.real("commuting_cost_reduction", 0.25,
                     "Fractional cut of the village-urban commuting cost (assumption)", 0.0, 1.0,
                     "1");
  modules.push_back(std::move(m));
}

}  // namespace cpsim::models::economy

// Picture 7, ecology (美丽):
//  - ecological_investment: the government pays for ecological restoration
//    around the villages (per village member per month, bought from services
//    firms), which raises village attractiveness like other village
//    investment; protection also slows the yearly decay of attractiveness;
//  - carbon_tax: advanced manufacturing firms pay a tax proportional to their
//    month's sales (carbon price x emission intensity per RMB of sales).
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct EcologicalInvestmentParameters {
  double investment_per_member_month = 0;
  double decay_reduction = 0;
  static void bind(BoundSchema<EcologicalInvestmentParameters>& schema) {
    using P = EcologicalInvestmentParameters;
    auto s = schema.root();
    s.real("investment_per_member_month", &P::investment_per_member_month, 50,
           "Ecological investment per village member (assumption)", 0.0, 1e6, "RMB/person/month");
    s.real("decay_reduction", &P::decay_reduction, 0.5,
           "Fractional cut of the yearly decay of village attractiveness "
           "(assumption)",
           0.0, 1.0, "1");
  }
};

class EcologicalInvestment final : public PolicyWith<EcologicalInvestmentParameters> {
 public:
  using PolicyWith::PolicyWith;
  void adjust(EconomyParameters& p, PolicyShared& /*shared*/) override {
    p.village.attractiveness_decay *= 1.0 - parameters().decay_reduction;
  }
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& context) override {
    invest_in_villages(economy, *this, context, parameters().investment_per_member_month);
  }
};

struct CarbonTaxParameters {
  double carbon_price = 0;
  double emission_intensity = 0;
  static void bind(BoundSchema<CarbonTaxParameters>& schema) {
    using P = CarbonTaxParameters;
    auto s = schema.root();
    s.real("carbon_price", &P::carbon_price, 60,
           "Price of a tonne of CO2 (assumption: China ETS about 60 RMB in 2021)", 0.0, 1e4,
           "RMB/t");
    s.real("emission_intensity", &P::emission_intensity, 0.0005,
           "Emissions per RMB of manufacturing sales (assumption: 0.5 t per "
           "10,000 RMB)",
           0.0, 1.0, "t/RMB");
  }
};

class CarbonTax final : public PolicyWith<CarbonTaxParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    const auto sales = economy.firms()[economy.f().sales];
    const double rate = parameters().carbon_price * parameters().emission_intensity;
    FlowTally tally;
    std::int64_t total = 0;
    for (const std::uint32_t f : economy.sector_firms(advanced_manufacturing)) {
      const std::int64_t tax = floor_fen(rate * static_cast<double>(sales[f]));
      economy.ledger().transfer(firm_account(f), government_account, tax, Flow::environmental_tax,
                                tally);
      total += tax;
    }
    economy.ledger().commit(tally);
    spent += total;
  }
};

}  // namespace

void add_ecology_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(policy_module<EcologicalInvestment>(
      {"ecological_investment",
       "Ecological investment: restoration raises village attractiveness, slows its decay",
       picture_7,
       {}}));
  modules.push_back(policy_module<CarbonTax>(
      {"carbon_tax", "Carbon tax on advanced manufacturing sales", picture_7, {}}));
}

}  // namespace cpsim::models::economy

// Picture 2, digital economy (富裕): faster productivity growth of the digital
// economy and a "new manufacturing plan" upgrade of advanced manufacturing.
// Both add to the sectors' trend productivity growth (productivity.cpp), which
// passes through to wages by the wage pass-through rule.
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct DigitalEconomyParameters {
  double digital_growth_boost = 0;
  double manufacturing_upgrade_boost = 0;
  static void bind(BoundSchema<DigitalEconomyParameters>& schema) {
    using P = DigitalEconomyParameters;
    auto s = schema.root();
    s.real("digital_growth_boost", &P::digital_growth_boost, 0.03,
           "Added to the digital economy's trend productivity growth (assumption)", -0.5, 0.5,
           "1/year (log)");
    s.real("manufacturing_upgrade_boost", &P::manufacturing_upgrade_boost, 0.02,
           "Added to advanced manufacturing's trend productivity growth (assumption)", -0.5, 0.5,
           "1/year (log)");
  }
};

}  // namespace

void add_digital_economy_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(parameter_module<DigitalEconomyParameters>(
      {"digital_economy",
       "Digital economy and manufacturing upgrade: higher trend productivity growth",
       picture_2,
       {}},
      [](const DigitalEconomyParameters& q, EconomyParameters& p) {
        p.sectors[digital_economy].productivity_growth += q.digital_growth_boost;
        p.sectors[advanced_manufacturing].productivity_growth += q.manufacturing_upgrade_boost;
      }));
}

}  // namespace cpsim::models::economy

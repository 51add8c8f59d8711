// Picture 2, digital economy (富裕): faster productivity growth of the digital
// economy and a "new manufacturing plan" upgrade of advanced manufacturing.
// Both add to the sectors' trend productivity growth (productivity.cpp), which
// passes through to wages by the wage pass-through rule.
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {

void add_digital_economy_modules(std::vector<PolicyModule>& modules) {
  PolicyModule m{
      {"digital_economy",
       "Digital economy and manufacturing upgrade: higher trend productivity growth",
       picture_2,
       {}},
      [](const PolicyInstance& i) -> std::unique_ptr<Policy> {
        return std::make_unique<ParameterPolicy>(i, [](const Parameters& q, EconomyParameters& p) {
          p.sectors[digital_economy].productivity_growth += q.real("digital_growth_boost");
          p.sectors[advanced_manufacturing].productivity_growth +=
              q.real("manufacturing_upgrade_boost");
        });
      }};
  m.info.schema.real("digital_growth_boost", 0.03,
                     "Added to the digital economy's trend productivity growth (assumption)", -0.5,
                     0.5, "1/year (log)");
  m.info.schema.real("manufacturing_upgrade_boost", 0.02,
                     "Added to advanced manufacturing's trend productivity growth (assumption)",
                     -0.5, 0.5, "1/year (log)");
  modules.push_back(std::move(m));
}

}  // namespace cpsim::models::economy

// Picture 8, social order (和谐): the business environment. Cheaper
// registration and approvals lower the start-up capital an entrant must bring
// (firms.entry_capital_months), and easier entry lets entrants start larger
// (firms.entrant_max_employees) (firm_dynamics.cpp).
#include <algorithm>
#include <cmath>

#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {

void add_social_order_modules(std::vector<PolicyModule>& modules) {
  PolicyModule m{
      {"business_environment",
       "Business environment: lower firm entry cost, larger entrants",
       picture_8,
       {}},
      [](const PolicyInstance& i) -> std::unique_ptr<Policy> {
        return std::make_unique<ParameterPolicy>(i, [](const Parameters& q, EconomyParameters& p) {
          p.entry_capital_months *= 1.0 - q.real("entry_cost_reduction");
          p.entrant_max =
              std::max<std::int64_t>(1, std::llround(static_cast<double>(p.entrant_max) *
                                                     (1.0 + q.real("entrant_size_increase"))));
        });
      }};
  m.info.schema.real("entry_cost_reduction", 0.5,
                     "Fractional cut of the start-up capital of an entrant (assumption)", 0.0, 1.0,
                     "1");
  m.info.schema.real("entrant_size_increase", 0.4,
                     "Fractional increase of an entrant's largest initial labour demand "
                     "(assumption)",
                     0.0, 10.0, "1");
  modules.push_back(std::move(m));
}

}  // namespace cpsim::models::economy

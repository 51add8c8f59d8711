// Picture 8, social order (和谐): the business environment. Cheaper
// registration and approvals lower the start-up capital an entrant must bring
// (firms.entry_capital_months), and easier entry lets entrants start larger
// (firms.entrant_max_employees) (firm_dynamics.cpp).
#include <algorithm>
#include <cmath>

#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct BusinessEnvironmentParameters {
  double entry_cost_reduction = 0;
  double entrant_size_increase = 0;
  static void bind(BoundSchema<BusinessEnvironmentParameters>& schema) {
    using P = BusinessEnvironmentParameters;
    auto s = schema.root();
    s.real("entry_cost_reduction", &P::entry_cost_reduction, 0.5,
           "Fractional cut of the start-up capital of an entrant (assumption)", 0.0, 1.0, "1");
    s.real("entrant_size_increase", &P::entrant_size_increase, 0.4,
           "Fractional increase of an entrant's largest initial labour demand "
           "(assumption)",
           0.0, 10.0, "1");
  }
};

}  // namespace

void add_social_order_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(parameter_module<BusinessEnvironmentParameters>(
      {"business_environment",
       "Business environment: lower firm entry cost, larger entrants",
       picture_8,
       {}},
      [](const BusinessEnvironmentParameters& q, EconomyParameters& p) {
        p.firms.entry_capital_months *= 1.0 - q.entry_cost_reduction;
        p.firms.entrant_max_employees = std::max<std::int64_t>(
            1, std::llround(static_cast<double>(p.firms.entrant_max_employees) *
                            (1.0 + q.entrant_size_increase)));
      }));
}

}  // namespace cpsim::models::economy

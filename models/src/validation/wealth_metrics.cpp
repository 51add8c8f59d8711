#include "validation/wealth_metrics.hpp"

#include <vector>

#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/parallel.hpp"

namespace cpsim::models {

WealthMetrics::WealthMetrics(MetricSet& metrics, std::string theory_description)
    : gini_(
          metrics.add_real("gini", "1", "Gini coefficient of wealth (exact, from sorted values)")),
      mean_(metrics.add_real("mean_wealth", "wealth units", "Mean wealth per agent")),
      top10_share_(
          metrics.add_real("top10_share", "1", "Share of wealth held by the richest 10 %")),
      gini_theory_(metrics.add_real("gini_theory", "1", std::move(theory_description))),
      total_(metrics.add_integer("total_units", "units",
                                 "Sum of all agents' wealth in integer units")),
      money_error_(metrics.add_integer("money_error", "units",
                                       "Total wealth minus the total at set-up (must be 0)")) {}

std::int64_t total_units(std::span<const std::int64_t> wealth) {
  return deterministic_sum<std::int64_t>(wealth.size(), [&](std::size_t i) { return wealth[i]; });
}

void WealthMetrics::measure(MetricRow& row, std::span<const std::int64_t> wealth, double unit_value,
                            std::int64_t initial_total, double theoretical_gini) {
  // Counts when the wealth spans a small range (Boltzmann's few units a
  // head), else radix-sorts: the same statistics either way.
  distribution_.assign_integers(wealth, unit_value);
  const Distribution& distribution = distribution_;
  const std::int64_t total = total_units(wealth);
  row.set(gini_, distribution.gini());
  row.set(mean_, distribution.mean());
  row.set(top10_share_, distribution.top_share(0.1));
  row.set(gini_theory_, theoretical_gini);
  row.set(total_, total);
  row.set(money_error_, total - initial_total);
}

}  // namespace cpsim::models

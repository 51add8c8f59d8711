#pragma once
// The metrics every wealth-exchange model reports each step: exact Gini,
// mean, top-10 % share, the theoretical Gini of the model's stationary law,
// and the money-conservation error (exactly 0 when the books balance).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/metrics.hpp"

namespace cpsim::models {

class WealthMetrics {
 public:
  WealthMetrics(MetricSet& metrics, std::string theory_description);

  /// `wealth` in integer units, `unit_value` the wealth of one unit, `initial_total` the
  /// sum of all units at set-up.
  void measure(MetricRow& row, std::span<const std::int64_t> wealth, double unit_value,
               std::int64_t initial_total, double theoretical_gini);

 private:
  Metric<double> gini_;
  Metric<double> mean_;
  Metric<double> top10_share_;
  Metric<double> gini_theory_;
  Metric<std::int64_t> total_;
  Metric<std::int64_t> money_error_;
  // Reused every step: allocating its arrays anew cost page faults of
  // N-sized arrays per measurement.
  Distribution distribution_;
};

/// Exact sum of integer wealth, identical at any thread count.
std::int64_t total_units(std::span<const std::int64_t> wealth);

}  // namespace cpsim::models

#pragma once
// The budget of a reform against its baseline, from the runs' metric
// trajectories (docs/studies.md, "Budget"): each simulated year's change in
// spending by policy instance and in revenue by tax, at full scale (times
// the scenario's `scale`), their net cost, cumulative and discounted.
#include <cstdint>
#include <string>
#include <vector>

#include "cpsim/engine/measures.hpp"
#include "cpsim/engine/study_results.hpp"

namespace cpsim {

struct BudgetSpec {
  /// A metric of money paid per step, scalar or over one dimension (e.g.
  /// policy_spending by instance).
  std::string spending;
  /// A metric of money received per step: over one dimension, or two with
  /// `revenue_column` naming the label along the second (flow_matrix's
  /// government column); `revenue_rows` picks labels along the first (the
  /// taxes; empty: all).
  std::string revenue;
  std::vector<std::string> revenue_rows;
  std::string revenue_column;
  double discount_rate = 0;  ///< a year's cost weighs (1 + r)^-(year - 1)
};

/// Throws std::invalid_argument naming the metric or label the spec asks
/// for and `metrics` lacks.
void check_budget_spec(const BudgetSpec& spec, const MetricSet& metrics);

/// One MeasureSet per full simulated year (years 1..rows/steps_per_year) of
/// one replicate pair: spending [instance], revenue_change [tax], net_cost,
/// net_cost_cumulative, net_cost_discounted (cumulative, discounted), in
/// RMB/year at full scale (money metrics in fen are read in RMB).
std::vector<MeasureSet> compare_budget(const BudgetSpec& spec, const MetricSet& metrics,
                                       std::int64_t rows, const RunTrajectory& reform,
                                       const RunTrajectory& baseline, std::int64_t steps_per_year,
                                       double scale);

}  // namespace cpsim

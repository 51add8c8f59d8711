#pragma once
// What a study computes: every run's metric trajectory and, for each
// contrast, paired reform - baseline statistics at every step and element.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/confidence_interval.hpp"
#include "cpsim/engine/household_comparison.hpp"
#include "cpsim/engine/measures.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/sensitivity.hpp"

namespace cpsim {

struct Study;

/// Every recorded row (steps 0..T) of one run's metrics, flattened.
struct RunTrajectory {
  std::vector<double> reals;           ///< rows x MetricSet::real_count()
  std::vector<std::int64_t> integers;  ///< rows x MetricSet::integer_count()
  void append(const MetricRow& row);
};

/// Paired statistics of one contrast; each array is rows x spec.size,
/// row-major, for the metrics in MetricSet::specs() order.
struct ContrastStatistics {
  struct PerMetric {
    std::vector<double> mean_difference, sd, ci_low, ci_high, baseline_mean, reform_mean;
  };
  std::int64_t n = 0;
  std::vector<PerMetric> metrics;
};

struct StudyResults {
  MetricSet metrics;                 ///< as the model declared them (identical in every run)
  std::int64_t rows = 0;             ///< steps + 1
  std::vector<std::uint64_t> seeds;  ///< one per replicate
  std::vector<RunTrajectory> runs;   ///< variant-major: runs[v * replicates + r]
  std::vector<ContrastStatistics> contrasts;  ///< parallel to Study::contrasts
  /// With a `households:` block: panels[run][k], run as in `runs`, k indexing
  /// the study's household years.
  std::vector<std::vector<HouseholdPanel>> panels;
  std::optional<MeasureGrid> households;          ///< the household comparison
  std::optional<MeasureGrid> budget;              ///< the budget, every full year
  std::optional<SensitivityResults> sensitivity;  ///< with a `sensitivity:` design
};

/// Replicate r of `reform` against replicate r of `baseline`, per step and
/// element; integer metrics are subtracted exactly before conversion.
ContrastStatistics compare_runs(const MetricSet& metrics, std::int64_t rows,
                                std::span<const RunTrajectory> reform,
                                std::span<const RunTrajectory> baseline, double confidence);

/// The household comparison of every contrast at the study's household
/// years, summarised over replicates (needs `panels`).
MeasureGrid household_grid(const Study& study, const StudyResults& results);
/// The budget of every contrast at every full year, summarised.
MeasureGrid budget_grid(const Study& study, const StudyResults& results);

/// The study's sensitivity design estimated from its runs: each point's
/// outcomes averaged over replicates, then the indices (needs every run).
SensitivityResults study_sensitivity(const Study& study, const StudyResults& results);

/// One line of the printed summary: a contrast and a scalar metric.
struct ContrastSummaryRow {
  std::string contrast;
  std::string metric;
  std::string unit;
  double baseline_mean = 0;  ///< at the final step
  double reform_mean = 0;
  DifferenceSummary final_step;
  /// Mean difference over the last `window` steps, replicate by replicate.
  std::optional<DifferenceSummary> window;
};

/// The summary rows for `metric_names` (empty: every scalar metric), with
/// window averages over the last `window` steps when window > 0.
std::vector<ContrastSummaryRow> summarize_contrasts(const Study& study, const StudyResults& results,
                                                    const std::vector<std::string>& metric_names,
                                                    std::int64_t window);

}  // namespace cpsim

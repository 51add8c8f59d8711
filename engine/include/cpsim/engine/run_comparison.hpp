#pragma once
// `cpsim compare BASE.h5 REFORM.h5`: the household comparison and the budget
// of two single runs (docs/studies.md, "Comparing two runs"), from their
// household panels (/snapshots) and metrics. One pair, so no intervals: the
// grids' ci_low, ci_high and sd are NaN.
#include <filesystem>
#include <optional>

#include "cpsim/engine/comparison_spec.hpp"
#include "cpsim/engine/measures.hpp"

namespace cpsim {

/// What two run files share, checked before they are compared.
struct RunPairInfo {
  std::string model;
  std::uint64_t seed = 0;
  double scale = 1;
  std::int64_t steps = 0;  ///< steps completed
  std::int64_t steps_per_year = 0;
};

/// Reads and checks two run files: both complete cpsim runs of one model,
/// seed, scale and length. Throws OutputError (not a run file, unreadable)
/// or ScenarioError (they do not match: one line naming both values).
RunPairInfo check_run_pair(const std::filesystem::path& baseline,
                           const std::filesystem::path& reform);

struct RunPairComparison {
  std::optional<MeasureGrid> households;
  std::optional<MeasureGrid> budget;
};

/// Compares the two files as `spec` says. A missing panel or metric is a
/// ScenarioError naming the file and what to write.
RunPairComparison compare_run_files(const std::filesystem::path& baseline,
                                    const std::filesystem::path& reform, const RunPairInfo& info,
                                    const ComparisonSpec& spec);

}  // namespace cpsim

#pragma once
// Study files: scenario variants x replicates with common random numbers,
// and the reform-minus-baseline contrasts to estimate (docs/studies.md).
//
//   name: rural-pension
//   seed: 20210701            # study seed; replicate r runs with replicate_seed(seed, r)
//   replicates: 20
//   steps: 60                 # optional: overrides every scenario's steps
//   confidence: 0.95          # level of the confidence intervals
//   scenario: ../xihu-small.yaml   # optional: default file of the variants
//   scenarios:
//     baseline: {file: ../xihu-small.yaml}
//     pension_600: {set: {parameters.pension.rural_basic_month: 600}}
//   sweeps:                   # a grid on top of a listed scenario
//     - {scenario: pension_600, parameter: parameters.pension.rural_basic_month, values: [450,
//     900]}
//   compare:
//     - {reform: pension_600, baseline: baseline}
//   metrics: [urban_rural_income_ratio, gini_income]   # printed summary (default: all scalars)
//   summary_window: 12        # also average the last N steps in the summary (0: off;
//                             # default: the model's steps_per_year, else 0)
//   households: {table: households, income: income_ytd, persons: {...}, groups: {...}}
//   budget: {spending: policy_spending, revenue: {metric: flow_matrix, ...}}
//   sensitivity: {method: sobol, samples: 1024, parameters: {...}, outcomes: [...]}
//   parameter_uncertainty: {calibration: FILE.h5, draws: multivariate_normal}
//
// Loading validates everything (keys with did-you-mean, types, ranges, the
// scenario files and their overrides) before anything runs; every problem is
// one ScenarioError line "study.yaml:line:col: key.path: message".
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cpsim/engine/budget_comparison.hpp"
#include "cpsim/engine/household_comparison.hpp"
#include "cpsim/engine/parameter_draws.hpp"
#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/sensitivity.hpp"

namespace cpsim {

class ModelRegistry;

/// Upper bounds of a study, checked when it is loaded, before any variant
/// is expanded or loaded: a replicate count or a sweep grid that could never
/// run is refused with one line instead of filling memory. The memory a
/// study needs is checked again, against what the machine has, before it
/// runs (`cpsim study`).
inline constexpr std::int64_t kMaxReplicates = 100'000;
/// Scenarios, sweep grids expanded: every variant is loaded and validated
/// when the study is (a grid of 10,000 took seconds to load under the
/// sanitizers), and a study of more is a batch of studies.
inline constexpr std::int64_t kMaxVariants = 1'000;
inline constexpr std::int64_t kMaxRuns = 1'000'000;  ///< variants x replicates

/// One scenario variant: a scenario file with overrides (the variant's own
/// `set:`, then a sweep point's value, then the study's `steps`).
struct StudyVariant {
  std::string name;       ///< "baseline", or "pension_600[pension.rural_basic_month=450]"
  std::string base_name;  ///< the `scenarios:` key it comes from
  std::vector<Override> overrides;
  /// Resolved and validated. Its own seed is not used: replicate r of every
  /// variant runs with replicate_seed(study seed, r).
  Scenario scenario;
};

/// reform - baseline, replicate by replicate.
struct StudyContrast {
  std::string label;  ///< "REFORM - BASELINE"
  std::size_t reform = 0;
  std::size_t baseline = 0;  ///< indices into Study::variants
};

struct Study {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::int64_t replicates = 0;
  std::optional<std::int64_t> steps;
  double confidence = 0.95;
  /// The file's `summary_window`, else the model's steps_per_year (a year).
  std::int64_t summary_window = 0;
  std::int64_t steps_per_year = 0;     ///< the model's (ModelInfo::steps_per_year)
  std::vector<StudyVariant> variants;  ///< every variant runs every replicate
  std::vector<StudyContrast> contrasts;
  std::vector<std::string> summary_metrics;       ///< empty: every scalar metric
  std::vector<SourceLocation> summary_locations;  ///< where each was named
  std::string resolved_yaml;  ///< the study with variants and contrasts expanded
  /// Every variant's scenario `scale` (they must agree): budgets are
  /// multiplied by it.
  double scale = 1;
  /// `households:`: compare every contrast household by household at these
  /// years (docs/studies.md, "Household comparison").
  std::optional<PanelSpec> households;
  SourceLocation households_location;
  /// `budget:`: each contrast's yearly budget at full scale.
  std::optional<BudgetSpec> budget;
  SourceLocation budget_location;
  /// `sensitivity:`: a global sensitivity design over the one scenario's
  /// parameters; `variants` are then its points, in design order
  /// (docs/studies.md, "Sensitivity").
  std::optional<SensitivityDesign> sensitivity;
  /// `parameter_uncertainty:`: replicate r of every variant runs with draw r
  /// (docs/studies.md, "Parameter uncertainty").
  std::optional<ParameterDraws> parameter_draws;
};

/// Loads and validates a study; `replicates` (from the command line)
/// replaces the file's value. Throws ScenarioError.
Study load_study(const std::filesystem::path& file, const ModelRegistry& models,
                 std::optional<std::int64_t> replicates = std::nullopt);

/// load_study as if `file` held `text` (the scenario files it names are read
/// from disk, relative to it); for text already in memory (fuzz targets).
Study load_study_text(std::string_view text, const std::filesystem::path& file,
                      const ModelRegistry& models);

/// The parameters replicate r of variant v runs with: the variant's, with
/// a sensitivity design's point values (a point's scenario holds no
/// parameters of its own but point 0's) or replicate r's parameter draw.
Parameters run_parameters(const Study& study, std::size_t variant, std::size_t replicate);

/// The seed of replicate r: splitmix64(splitmix64(study_seed) + (r + 1) *
/// 0x9e3779b97f4a7c15). It depends on nothing else (not the scenario, the
/// sweep point, the order of runs or the thread count), so replicate r of
/// every variant shares its random numbers; distinct r give distinct seeds.
std::uint64_t replicate_seed(std::uint64_t study_seed, std::uint64_t replicate) noexcept;

}  // namespace cpsim

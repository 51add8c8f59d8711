#pragma once
// Global sensitivity designs of a study (docs/studies.md, "Sensitivity"):
// which scenario parameters drive each outcome, with intervals.
//
//   sensitivity:
//     method: sobol             # or morris
//     samples: 1024             # sobol: N base points (N (k + 2) design points)
//     trajectories: 20          # morris: R trajectories (R (k + 1) design points)
//     levels: 4                 # morris: grid levels p (even)
//     bootstrap: 1000           # resamples for the intervals
//     parameters: {parameters.x1: [-3.14159, 3.14159], ...}
//     outcomes: [y, {metric: gini, window: 12, statistic: mean}]
//
// The design is a pure function of the block and the study seed: Sobol
// points come from Boost.Random's (unscrambled) Sobol sequence, Morris
// trajectories and bootstrap resamples from named counter-based streams.
// Each design point becomes one variant of the study's single scenario, run
// for every replicate like any variant (so in parallel and across ranks);
// its response is the outcome averaged over replicates.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/result_table.hpp"
#include "cpsim/engine/yaml_document.hpp"

namespace cpsim {

/// Most design points (variants) a sensitivity design may have: each holds
/// a copy of the scenario.
inline constexpr std::int64_t kMaxDesignPoints = 100'000;

enum class SensitivityMethod { Morris, Sobol };

/// A numeric scenario parameter a design or a parameter draw sets.
struct ScenarioParameter {
  std::string path;  ///< as written: "parameters.labour.reservation_wage_ratio"
  std::string key;   ///< under `parameters:`: "labour.reservation_wage_ratio"
  bool integer = false;
  double lower = 0;  ///< the range sampled (design) or the bounds drawn within
  double upper = 0;
};

/// The schema's numeric parameter at `path` ("parameters.KEY"); otherwise
/// "" and `error` says why (unknown key with did-you-mean, not numeric).
const ParamSpec* numeric_parameter(const ParamSchema& schema, const std::string& path,
                                   std::string& error);

/// Sets `value` (rounded for an integer parameter) in `parameters`.
void set_parameter(Parameters& parameters, const ScenarioParameter& parameter, double value);

/// A summary of one metric's trajectory that a design explains.
struct SensitivityOutcome {
  std::string label;   ///< "y", or "gini (mean of the last 12 steps)"
  std::string metric;  ///< a scalar metric of the model
  std::int64_t window = 1;
  enum class Statistic { Mean, Sum, Min, Max } statistic = Statistic::Mean;
  SourceLocation location;
};

struct SensitivityDesign {
  SensitivityMethod method = SensitivityMethod::Sobol;
  std::int64_t samples = 0;       ///< sobol N
  std::int64_t trajectories = 0;  ///< morris R
  std::int64_t levels = 4;        ///< morris p
  std::int64_t bootstrap = 1000;
  std::vector<ScenarioParameter> parameters;
  std::vector<SensitivityOutcome> outcomes;
  /// Design points, row-major points x parameters, in the parameters' units
  /// (integers rounded when applied). Sobol: blocks A, B, AB_1 .. AB_k of N
  /// rows each. Morris: trajectory t's k + 1 points at rows t (k + 1) ...
  std::vector<double> points;
  /// Morris: the parameter each step of a trajectory moves, and the signed
  /// step in the unit cube (+-Delta), trajectory-major (R x k).
  std::vector<std::size_t> morris_order;
  std::vector<double> morris_step;
  SourceLocation location;  ///< of `sensitivity:`

  [[nodiscard]] std::size_t point_count() const {
    return parameters.empty() ? 0 : points.size() / parameters.size();
  }
};

/// Reads and checks a `sensitivity:` block against the model's schema,
/// with the runs the design makes (`replicates` each, `steps` long, each
/// point a scenario copy of about `point_bytes`), and generates its points.
/// Throws ScenarioError at the offending key.
SensitivityDesign read_sensitivity(const yaml::Node& node, const ParamSchema& schema,
                                   std::uint64_t seed, std::int64_t replicates, std::int64_t steps,
                                   std::uint64_t point_bytes);

/// Refuses an outcome whose metric the model lacks or that is not scalar.
void check_sensitivity_outcomes(const SensitivityDesign& design, const MetricSet& metrics,
                                const std::string& model);

/// An index per parameter and outcome, with its bootstrap percentile interval.
struct SensitivityIndex {
  std::string name;  ///< mu_star, mu, sigma; first_order, total
  std::string unit;
  std::string description;
  std::vector<double> estimate, lower, upper;  ///< parameter-major: [p * outcomes + o]
};

struct SensitivityResults {
  std::vector<double> responses;  ///< points x outcomes: each point's outcome, mean over replicates
  std::vector<SensitivityIndex> indices;
};

/// The outcome of one run: `outcome`'s statistic over its last `window`
/// rows of the trajectory `reals` (rows x metrics.real_count()).
double outcome_value(const SensitivityOutcome& outcome, const MetricSet& metrics,
                     std::span<const double> reals, std::span<const std::int64_t> integers,
                     std::int64_t rows);

/// The indices from the responses (points x outcomes), intervals at
/// `confidence` from `design.bootstrap` resamples keyed by `seed`.
SensitivityResults estimate_sensitivity(const SensitivityDesign& design,
                                        std::vector<double> responses, double confidence,
                                        std::uint64_t seed);

/// One table per outcome, parameters ranked by total index (Sobol) or mu*
/// (Morris), largest first.
std::vector<ResultTable> sensitivity_tables(const SensitivityDesign& design,
                                            const SensitivityResults& results, double confidence);

}  // namespace cpsim

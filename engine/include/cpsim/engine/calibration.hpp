#pragma once
// Calibration files: a scenario's free parameters estimated by the simulated
// method of moments (docs/calibration.md).
//
//   name: xihu-first-year        # default: the file's stem; names NAME.h5
//   scenario: ../xihu-small.yaml # relative to this file
//   scale: 100                   # optional: the scenario's `scale`
//   steps: 12                    # optional: the scenario's `steps`
//   set: {output.snapshot_every: 0}   # optional: overrides as a study's `set:`
//   seeds: {count: 8, seed: 20210701} # evaluation e runs replicate_seed(seed, r),
//                                # r < count, for every parameter vector
//   confidence: 0.95             # level of the moments' intervals over seeds
//   parameters:                  # scenario key path -> bounds (and start)
//     parameters.skills.mean_rural: {lower: 0.5, upper: 0.8, start: 0.6}
//   moments:
//     - name: urban_rural_ratio  # default: the metric's name
//       metric: urban_rural_ratio_ytd
//       step: 12                 # or steps: [a, b], year: Y, years: [a, b]
//       statistic: end           # or mean (over the window; the default)
//       target: 1.49
//       standard_error: 0.02     # or weight: 2500 (= 1 / se^2)
//       source: Xihu 2021 (article)
//   method:
//     algorithm: LN_BOBYQA       # LN_NELDERMEAD, LN_SBPLX, LN_COBYLA, or a
//                                # global GN_CRS2_LM, GN_ISRES, GN_DIRECT_L
//     local: LN_BOBYQA           # after a global algorithm (optional)
//     max_evaluations: 200       # of `algorithm`
//     local_max_evaluations: 100 # of `local` (default: max_evaluations)
//     xtol_rel: 1e-4             # on the parameters scaled to [0, 1]
//     ftol_abs: 1e-6
//     initial_step: 0.1          # fraction of each range (local algorithms)
//     seed: 1                    # of a stochastic global algorithm
//   sensitivity: {step: 0.01}    # central differences, fraction of each range
//
// Loading validates everything before anything runs: keys (did-you-mean),
// bounds, the scenario with every parameter set to its lower bound, its
// start and its upper bound (a parameter the scenario does not have is
// refused as `--set` refuses it, at the calibration file's key), and each
// moment's metric against the metrics the model declares. Every problem is
// one ScenarioError line "calibration.yaml:line:col: key.path: message".
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/scenario.hpp"

namespace cpsim {

class ModelRegistry;
struct RunTrajectory;
namespace yaml {
struct Node;
}

/// Most free parameters (a derivative-free search beyond a dozen is hopeless).
inline constexpr std::int64_t kMaxCalibrationParameters = 32;
inline constexpr std::int64_t kMaxCalibrationSeeds = 10'000;
inline constexpr std::int64_t kMaxCalibrationEvaluations = 1'000'000;

struct CalibrationParameter {
  std::string path;  ///< scenario key path, "parameters.skills.mean_rural"
  double lower = 0;
  double upper = 0;
  double start = 0;
  SourceLocation location;  ///< of its key in the calibration file
};

enum class MomentStatistic { Mean, End };

struct CalibrationMoment {
  std::string name;
  std::string metric;
  std::int64_t first_step = 0;  ///< window, inclusive
  std::int64_t last_step = 0;
  MomentStatistic statistic = MomentStatistic::Mean;
  double target = 0;
  double standard_error = 0;  ///< 1 / sqrt(weight) when given as a weight
  double weight = 0;          ///< 1 / se^2 when given as a standard error
  std::string source;
  std::string window;  ///< as written: "step 12", "steps 1-12", "year 1"
  SourceLocation location;
};

struct CalibrationMethod {
  std::string algorithm = "LN_BOBYQA";
  std::string local;  ///< "": none
  std::int64_t max_evaluations = 200;
  std::int64_t local_max_evaluations = 0;  ///< 0: max_evaluations
  double xtol_rel = 1e-4;
  double ftol_abs = 1e-6;
  double initial_step = 0.1;
  std::uint64_t seed = 1;
};

/// A loaded calibration; make_scenario gives its scenario at any point.
class Calibration {
 public:
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::string scenario_file;  ///< as resolved (relative paths joined to the file's folder)
  std::string model;
  std::int64_t steps = 0;
  std::int64_t steps_per_year = 0;
  std::string start_date;
  double scale = 1;
  std::int64_t seed_count = 0;
  std::uint64_t seed = 0;
  double confidence = 0.95;
  double sensitivity_step = 0.01;
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationMoment> moments;
  CalibrationMethod method;
  std::string resolved_yaml;  ///< the calibration file as read (provenance)

  Calibration();
  ~Calibration();
  Calibration(Calibration&&) noexcept;
  Calibration& operator=(Calibration&&) noexcept;

  /// The scenario with parameter i set to x[i] (x.size() == parameters.size()).
  /// Throws ScenarioError located at the parameter's key (a value the
  /// scenario refuses).
  [[nodiscard]] Scenario make_scenario(std::span<const double> x) const;
  /// The overrides make_scenario applies for `x`, as text (provenance).
  [[nodiscard]] std::vector<Override> overrides(std::span<const double> x) const;

  struct Source;  ///< the scenario file, read once, and the fixed overrides

 private:
  std::unique_ptr<Source> source_;
  const ModelRegistry* models_ = nullptr;
  friend Calibration load_calibration_document(const yaml::Node&, const std::filesystem::path&,
                                               const ModelRegistry&);
};

/// Loads and validates a calibration file (builds the start scenario once,
/// seed `seeds.seed`, to check the moments against the model's metrics).
/// Throws ScenarioError.
Calibration load_calibration(const std::filesystem::path& file, const ModelRegistry& models);

/// load_calibration as if `file` held `text` (the scenario it names is read
/// from disk, relative to it); for text already in memory (fuzz targets).
Calibration load_calibration_text(std::string_view text, const std::filesystem::path& file,
                                  const ModelRegistry& models);

/// The moments of one run: moment k is its statistic of its metric over its
/// window. Throws SimulationError naming the moment when a value there is
/// NaN.
std::vector<double> compute_moments(const Calibration& calibration, const MetricSet& metrics,
                                    const RunTrajectory& run);

/// A value of x as the calibration writes it into the scenario ("%.17g",
/// always with a '.' or an exponent, so that it reads back as this real).
std::string real_text(double x);

}  // namespace cpsim

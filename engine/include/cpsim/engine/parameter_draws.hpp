#pragma once
// Parameter uncertainty in a study (docs/studies.md, "Parameter
// uncertainty"): replicate r of every scenario runs with parameter draw r
// from a calibration's estimate and covariance, so that a contrast's
// interval holds the parameters' uncertainty as well as the noise.
//
//   parameter_uncertainty:
//     calibration: ../calibrations/zhejiang.h5   # written by `cpsim calibrate`
//     draws: multivariate_normal
//
// The calibration file's layout (read, never written, here):
//   /calibration/parameters/name            (n) strings, scenario key paths
//   /calibration/parameters/estimate, lower, upper, start, standard_error   (n) float64
//   /calibration/covariance                 (n, n) float64
#include <cstdint>
#include <filesystem>
#include <vector>

#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/sensitivity.hpp"
#include "cpsim/engine/yaml_document.hpp"

namespace cpsim {

struct ParameterDraws {
  std::filesystem::path calibration;          ///< as resolved against the study's folder
  std::string calibration_text;               ///< as written in the study
  std::vector<ScenarioParameter> parameters;  ///< lower/upper: the calibration's bounds
  std::vector<double> estimate;
  std::vector<double> covariance;  ///< n x n
  std::vector<double> values;      ///< replicates x parameters, clipped to the bounds
  std::int64_t clipped = 0;        ///< values moved onto a bound
  SourceLocation location;         ///< of `parameter_uncertainty:`

  /// The values of replicate r.
  [[nodiscard]] std::span<const double> draw(std::size_t r) const {
    return std::span<const double>(values).subspan(r * parameters.size(), parameters.size());
  }
};

/// Reads a `parameter_uncertainty:` block and its calibration file (relative
/// to `folder`), checks the parameters against the model's schema and draws
/// `replicates` vectors keyed by `seed`: x = estimate + L z with L the
/// Cholesky factor of the covariance and z standard normals from the
/// stream "parameter_uncertainty" (replicate r, element i), each element
/// then clipped to [lower, upper]. Throws ScenarioError at the offending key
/// (the file's own problems at `calibration`).
ParameterDraws read_parameter_draws(const yaml::Node& node, const std::filesystem::path& folder,
                                    const ParamSchema& schema, std::uint64_t seed,
                                    std::int64_t replicates);

/// `parameters` with replicate r's draw applied, except keys listed in
/// `kept` (a variant's own `set:` and sweep keys, "parameters.KEY").
Parameters with_draw(const Parameters& parameters, const ParameterDraws& draws, std::size_t r,
                     const std::vector<std::string>& kept);

}  // namespace cpsim

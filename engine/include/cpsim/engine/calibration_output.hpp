#pragma once
// The calibration file (docs/calibration.md, "Output"): the estimate, the
// moment fit, the sensitivity matrix, the covariance and the search's trace,
// written to NAME.partial and renamed when complete, as runs and studies are.
#include <filesystem>
#include <string>
#include <vector>

#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/calibration_estimate.hpp"
#include "cpsim/engine/study_output.hpp"  // StudyRunInfo

namespace cpsim {

/// `info`: how it ran (the evaluations' seeds run as a study's replicates).
/// Throws OutputError (exists without `overwrite`, disk full, ...); never
/// leaves a half-written file.
void write_calibration_file(const std::filesystem::path& path, const Calibration& calibration,
                            const CalibrationResult& result, const StudyRunInfo& info,
                            bool overwrite);

/// What a study needs of a calibration to draw parameters from its
/// estimate and uncertainty (issue 12, item 4).
struct CalibrationEstimate {
  std::string model;
  std::string scenario;
  std::vector<std::string> names;  ///< scenario key paths, as `set:` takes them
  std::vector<double> estimate, lower, upper, standard_error;
  std::vector<double> covariance;  ///< names x names, row-major; NaN when singular
  std::int64_t seeds = 0;
  bool converged = false;
};

/// Reads /calibration of a file `cpsim calibrate` wrote. Throws OutputError
/// (exit 3) for a file that is missing, not a calibration file, or whose
/// datasets do not agree in size.
CalibrationEstimate read_calibration_estimate(const std::filesystem::path& path);

/// Refuses a destination before anything runs (as write_calibration_file would).
void check_calibration_destination(const std::filesystem::path& path, bool overwrite);

}  // namespace cpsim

#pragma once
// The calibration file (docs/calibration.md, "Output"): the estimate, the
// moment fit, the sensitivity matrix, the covariance and the search's trace,
// written to NAME.partial and renamed when complete, as runs and studies are.
#include <filesystem>
#include <string>

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

/// Refuses a destination before anything runs (as write_calibration_file would).
void check_calibration_destination(const std::filesystem::path& path, bool overwrite);

}  // namespace cpsim

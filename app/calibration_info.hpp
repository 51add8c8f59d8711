#pragma once
// `cpsim validate CALIBRATION.yaml` and `cpsim info CALIBRATION.h5`: ready
// for app/commands.cpp to dispatch to (docs/calibration.md).
#include <filesystem>
#include <iosfwd>

namespace cpsim::app {

/// True if `file` is a YAML map with `moments:` and `parameters:` and no
/// `model:` (a calibration file, not a scenario).
bool is_calibration_yaml(const std::filesystem::path& file);

/// Loads the calibration (every check `cpsim calibrate` makes before it
/// runs; throws ScenarioError) and prints what it would run unless `quiet`.
void validate_calibration(const std::filesystem::path& file, std::ostream& out, bool quiet);

/// True if `file` is an HDF5 file `cpsim calibrate` wrote.
bool is_calibration_file(const std::filesystem::path& file);

/// The estimate, standard errors and covariance of a calibration file
/// (throws OutputError for a file that is not one).
void print_calibration_info(std::ostream& out, const std::filesystem::path& file);

}  // namespace cpsim::app

#pragma once
// `cpsim calibrate CALIBRATION.yaml`: the simulated method of moments
// (docs/calibration.md).
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim {
class Communicator;
}

namespace cpsim::app {

/// Each evaluation's seeds run as a study's replicates (jobs x threads, and
/// dealt to the ranks under mpirun); every rank runs the same search.
int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      Communicator& world);

}  // namespace cpsim::app

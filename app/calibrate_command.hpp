#pragma once
// `cpsim calibrate CALIBRATION.yaml`: the simulated method of moments
// (docs/calibration.md).
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/calibration_estimate.hpp"

namespace cpsim {
class Communicator;
}

namespace cpsim::app {

struct EvaluationSettings {
  int threads = 0;                ///< 0: all cores
  int jobs = 0;                   ///< runs at once; 0: as many as threads and memory allow
  Communicator* world = nullptr;  ///< null: one process
  int jobs_used = 0;              ///< set: runs at once in the last evaluation
};

/// One evaluation: the calibration's seeds at x, run as the replicates of a
/// one-variant study (jobs x threads; dealt to the ranks under mpirun). Rank
/// 0 computes every seed's moments and sends them to the others, so that
/// every rank's search sees the same numbers. Throws CalibrationStopped when
/// a signal stopped the runs.
MomentSamples evaluate_calibration(const Calibration& calibration, std::span<const double> x,
                                   EvaluationSettings& settings);

/// Each evaluation's seeds run as a study's replicates (jobs x threads, and
/// dealt to the ranks under mpirun); every rank runs the same search.
int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      Communicator& world);

}  // namespace cpsim::app

#pragma once
// Runs one scenario end to end: build the model, step it, write the file.
// Shared by `cpsim run` and the tests; later by studies.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/result_table.hpp"
#include "cpsim/engine/scenario.hpp"

namespace cpsim::app {

struct RunRequest {
  Scenario scenario;
  std::filesystem::path output;  ///< empty: no file (benchmarks, tests)
  int threads = 0;               ///< 0: all cores
  bool overwrite = false;
  std::string command_line;
  /// The MPI ranks this run is spread over (null: one process). Every rank
  /// calls execute_run; only rank 0 writes the file.
  Communicator* communicator = nullptr;
  /// Called after every step with (steps done, steps total).
  std::function<void(std::int64_t, std::int64_t)> on_progress;
  /// Checked after every step; true stops the run (file marked incomplete).
  std::function<bool()> should_stop;
  /// Writes a checkpoint to `checkpoint` after every `checkpoint_every`
  /// steps (0: never), and when a stop request ends the run early
  /// (docs/checkpoint.md).
  std::int64_t checkpoint_every = 0;
  std::filesystem::path checkpoint;
  /// A checkpoint of this scenario to go on from (empty: from step 0).
  std::filesystem::path restart;
};

struct RunResult {
  std::int64_t steps_completed = 0;
  bool complete = false;
  double wall_seconds = 0;
  std::vector<std::string> metric_names;  ///< scalar metrics, in declaration order
  std::vector<std::string> metric_units;
  /// At step 0, or at the first step where the metric is defined (step 1
  /// for one undefined at step 0); NaN if it was defined at no step run.
  std::vector<double> first_values;
  std::vector<double> last_values;  ///< at the last step run (NaN: undefined there)
  std::vector<ResultTable> tables;  ///< the model's report
  ResultTable phase_times;          ///< seconds per phase, in schedule order
  std::int64_t restarted_at = -1;   ///< the checkpoint's step; -1: ran from step 0
  std::int64_t checkpoints = 0;     ///< checkpoints written
};

/// Throws ScenarioError, OutputError or SimulationError; never leaves a file
/// under the final name unless the run finished (completely or stopped).
RunResult execute_run(const RunRequest& request);

}  // namespace cpsim::app

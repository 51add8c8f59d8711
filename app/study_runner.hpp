#pragma once
// Runs a study: every scenario variant x replicate in one process, several
// runs at once on one oneTBB arena, then the contrasts and the file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_results.hpp"

namespace cpsim::app {

struct StudyRequest {
  Study study;
  std::filesystem::path output;  ///< empty: no file
  int threads = 0;               ///< 0: all cores
  int jobs = 0;                  ///< runs at once; 0: as many as threads (and memory) allow
  bool overwrite = false;
  std::string command_line;
  /// Under mpirun: run i goes to rank i % ranks; the metric rows are
  /// gathered to rank 0, which alone computes the contrasts and writes the
  /// file (null: one process).
  Communicator* communicator = nullptr;
  /// Called (from any thread, never concurrently) after each of this rank's
  /// runs with (runs done, runs total on this rank).
  std::function<void(std::int64_t, std::int64_t)> on_progress;
  /// Polled after every step of every run; true stops the study.
  std::function<bool()> should_stop;
};

struct StudyOutcome {
  StudyResults results;
  bool complete = false;  ///< false: stopped; no file was written
  std::int64_t runs_completed = 0;
  int threads = 0;  ///< per rank
  int jobs = 0;     ///< per rank
  int ranks = 1;
  double wall_seconds = 0;
  std::vector<ContrastSummaryRow> summary;  ///< on rank 0  ///< for the study's summary metrics
};

/// Throws ScenarioError (bad study, memory), OutputError or SimulationError
/// (naming the scenario and replicate).
StudyOutcome execute_study(const StudyRequest& request);

}  // namespace cpsim::app

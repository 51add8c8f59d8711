#pragma once
// Runs a study: every scenario variant x replicate in one process, several
// runs at once on one oneTBB arena, then the contrasts and the file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_parts.hpp"
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
  /// With `--part I/N`: only the part's block of runs (study_parts.hpp),
  /// written to `output` as a part file, no contrasts.
  std::optional<PartNumber> part;
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

/// What a study needs before it runs (docs/studies.md, "Execution").
struct StudyPlan {
  MetricSet metrics;                       ///< the union of every variant's
  std::vector<MetricSet> variant_metrics;  ///< what each variant declares (a design: once)
  std::uint64_t model_bytes = 0;           ///< the model's estimate of its largest run
  std::uint64_t trajectory_bytes = 0;      ///< one run's metrics and household panels
  std::unique_ptr<Simulation> first;       ///< replicate 0 of the first variant, built
  double first_build_seconds = 0;
};

/// Builds replicate 0 of every variant (seed `seed`) for its declarations,
/// aligns their metrics, checks the summary metrics and the `households:`
/// and `budget:` blocks. Throws ScenarioError naming the study file.
StudyPlan plan_study(const Study& study, const ModelInfo& model, std::uint64_t seed, int ranks);

/// Bytes of results the process that writes the study file holds at the
/// end: every run's trajectory (`runs` of `trajectory_bytes`) and each
/// contrast's statistics (six values a row and metric: as much as six
/// trajectories).
std::uint64_t held_results_bytes(const Study& study, std::uint64_t trajectory_bytes,
                                 std::size_t runs);

/// The model's estimate of the largest run of the study (0 without one).
std::uint64_t model_run_bytes(const Study& study, const ModelInfo& model);

/// How many runs go at once: `requested` (--jobs) if memory allows, refusing
/// otherwise; with 0, as many as threads and memory allow. Throws
/// ScenarioError when even one run does not fit.
int choose_jobs(const std::filesystem::path& study_file, int requested, int threads,
                std::int64_t runs, std::uint64_t per_run, std::uint64_t results,
                std::uint64_t available);

/// With every run's trajectory (and panels) in `results`: the contrasts, the
/// household comparison and the budget; returns the printed summary.
std::vector<ContrastSummaryRow> compare_study(const Study& study, StudyResults& results);

/// Throws ScenarioError (bad study, memory), OutputError or SimulationError
/// (naming the scenario and replicate).
StudyOutcome execute_study(const StudyRequest& request);

}  // namespace cpsim::app

#include "runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <system_error>

#include "cpsim/engine/checkpoint.hpp"
#include "cpsim/engine/decomposition.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/simulation.hpp"
#include "rank_errors.hpp"
#include "registry.hpp"

namespace cpsim::app {
namespace {

double scalar_value(const MetricRow& row, const MetricSpec& spec) {
  return spec.type == MetricType::Real ? row.real_values(spec)[0]
                                       : static_cast<double>(row.integer_values(spec)[0]);
}

/// Feeds each step's metrics and snapshots to the writer and keeps the first
/// defined and the last values of the scalar metrics for the summary.
class RunObserver final : public StepObserver {
 public:
  RunObserver(const RunRequest& request, RunWriter* writer, Communicator& world,
              const MetricSet& metrics)
      : request_(request), writer_(writer), world_(world) {
    for (const MetricSpec& spec : metrics.specs()) {
      if (spec.size == 1) scalars_.push_back(&spec);
    }
    first_.assign(scalars_.size(), std::numeric_limits<double>::quiet_NaN());
  }

  bool on_step(const Simulation& simulation, std::int64_t step, const MetricRow& row) override {
    if (!request_.output.empty()) {
      const auto start = std::chrono::steady_clock::now();
      if (writer_ != nullptr) writer_->append_metrics(step, row);
      const auto every = request_.scenario.output.snapshot_every;
      if (every > 0 && (step % every == 0 || step == simulation.steps()))
        snapshot(simulation, step);
      output_seconds_ +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    record(row);
    // None after the last step: the run's file is then its result.
    if (request_.checkpoint_every > 0 && step > 0 && step < simulation.steps() &&
        step % request_.checkpoint_every == 0) {
      checkpoint(simulation);
    }
    if (request_.on_progress) request_.on_progress(step, simulation.steps());
    bool stop = request_.should_stop && request_.should_stop();
    // Ranks stop together, at the same step, or the others would wait forever.
    if (world_.size() > 1) stop = world_.max(stop ? 1 : 0) != 0;
    return !stop;
  }

  /// Keeps the first defined and the last values of a row (of this run,
  /// or of the run a checkpoint continues).
  void record(const MetricRow& row) {
    // NaN until the metric's first defined step (step 1 for one undefined
    // at step 0), so the summary never shows an undefined value as a number.
    for (std::size_t i = 0; i < scalars_.size(); ++i) {
      if (std::isnan(first_[i])) first_[i] = scalar_value(row, *scalars_[i]);
    }
    last_ = row;
  }

  /// Writes a checkpoint of the state after the current step (every rank).
  void checkpoint(const Simulation& simulation) {
    if (simulation.current_step() == last_checkpoint_) return;
    const auto start = std::chrono::steady_clock::now();
    agree_on_errors(world_, [&] {
      write_checkpoint(request_.checkpoint, simulation, request_.scenario, writer_,
                       request_.command_line);
    });
    last_checkpoint_ = simulation.current_step();
    ++checkpoints_;
    output_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  std::vector<const MetricSpec*> scalars_;
  std::vector<double> first_;  ///< per scalar: its first defined value
  std::optional<MetricRow> last_;
  /// Seconds the steps waited for the writer (handing it rows and snapshot
  /// copies, or a full queue), and then for the file's completion.
  double output_seconds_ = 0;
  std::int64_t last_checkpoint_ = -1;  ///< step of the last checkpoint written or restored
  std::int64_t checkpoints_ = 0;

 private:
  void snapshot(const Simulation& simulation, std::int64_t step) {
    const auto& wanted = request_.scenario.output.snapshot_tables;
    for (const auto& table : simulation.tables()) {
      if (wanted.empty() ||
          std::find(wanted.begin(), wanted.end(), table->name()) != wanted.end()) {
        if (world_.size() == 1) {
          writer_->write_snapshot(step, *table);
        } else {
          // Each rank holds a block of the agents: rank 0 writes them all.
          const AgentTable whole = gather_table(world_, *table, 0);
          if (writer_ != nullptr) writer_->write_snapshot(step, whole);
        }
      }
    }
  }

  const RunRequest& request_;
  RunWriter* writer_;  ///< null on ranks other than 0
  Communicator& world_;
};

}  // namespace

RunResult execute_run(const RunRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const Scenario& scenario = request.scenario;
  Communicator& world =
      request.communicator != nullptr ? *request.communicator : serial_communicator();
  const ModelRegistry registry = make_registry();
  const ModelInfo* info = registry.find(scenario.model);
  // Checks first, agreed by all ranks before the first collective (only
  // rank 0 looks at the output file).
  agree_on_errors(world, [&] {
    if (info == nullptr) {
      throw ScenarioError(scenario.file.string() + ": model: unknown model '" + scenario.model +
                          "'");
    }
    if (world.size() > 1 && !info->decomposable) {
      throw ScenarioError(scenario.file.string() + ": model: '" + scenario.model +
                          "' runs on one process only, not on " + std::to_string(world.size()) +
                          " MPI ranks (run it without mpirun; `mpirun cpsim study` spreads "
                          "replicates over ranks)");
    }
    if (!request.restart.empty()) {
      const CheckpointHeader header = read_checkpoint_header(request.restart);
      check_checkpoint_scenario(header, scenario, request.restart);
      if (!header.has_history && !request.output.empty()) {
        throw ScenarioError(request.restart.string() +
                            ": its run wrote no file (--no-output), so it holds no metric rows "
                            "to continue one: restart it with --no-output");
      }
    }
    // A path that cannot be resolved is compared as given.
    const auto resolved = [](const std::filesystem::path& path) {
      std::error_code error;
      const std::filesystem::path full = std::filesystem::weakly_canonical(path, error);
      return error ? path : full;
    };
    if (request.checkpoint_every > 0 && !request.output.empty() &&
        resolved(request.checkpoint) == resolved(request.output)) {
      throw ScenarioError(request.checkpoint.string() +
                          ": the checkpoint cannot be the output file");
    }
    check_memory(*info, scenario.parameters, available_memory_bytes());
    // Refuse before allocating anything: a big model takes a while to build.
    if (world.is_root() && !request.output.empty()) {
      check_output_destination(request.output, request.overwrite);
      check_compression(request.output.string(), scenario.output.compression);
    }
  });
  set_phase("building the model");
  Simulation simulation(scenario.seed, scenario.steps, world);
  std::unique_ptr<RunWriter> writer;
  agree_on_errors(world, [&] {
    simulation.build(info->create(), scenario.parameters);
    set_phase("creating the output file");
    if (world.is_root() && !request.output.empty()) {
      Provenance provenance{scenario.model,         scenario.name,       scenario.file.string(),
                            scenario.resolved_yaml, scenario.seed,       scenario.steps,
                            request.threads,        request.command_line};
      provenance.ranks = world.size();
      provenance.steps_per_year = info->steps_per_year;
      provenance.scale = request.scenario.scale;
      writer = std::make_unique<RunWriter>(request.output, provenance, simulation.metrics(),
                                           scenario.output.compression, request.overwrite);
    }
  });

  RunObserver observer(request, writer.get(), world, simulation.metrics());
  RunResult result;
  if (!request.restart.empty()) {
    set_phase("restoring the checkpoint");
    agree_on_errors(world, [&] {
      restore_checkpoint(request.restart, simulation);
      if (writer) {
        replay_history(request.restart, simulation, *writer,
                       [&](std::int64_t, const MetricRow& row) { observer.record(row); });
      }
    });
    result.restarted_at = simulation.current_step();
    observer.last_checkpoint_ = result.restarted_at;
  }

  set_phase("running the simulation");
  result.steps_completed = simulation.run(request.threads, observer);
  result.complete = result.steps_completed == scenario.steps;
  // Stopped early (SIGTERM from a scheduler that preempts the job): keep
  // what was done for the restart.
  if (!result.complete && request.checkpoint_every > 0) observer.checkpoint(simulation);
  result.checkpoints = observer.checkpoints_;
  result.tables = simulation.model()->report(simulation);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  set_phase("writing the output file");
  const auto finishing = std::chrono::steady_clock::now();
  agree_on_errors(world, [&] {
    if (!writer) return;
    for (const auto& table : result.tables) writer->write_table(table);
    writer->finish(result.complete, result.steps_completed, result.wall_seconds);
  });
  observer.output_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - finishing).count();
  std::vector<std::string> phase_names;
  for (const Phase& phase : simulation.phases()) phase_names.push_back(phase.name);
  phase_names.emplace_back("(metrics)");
  std::vector<double> seconds = simulation.phase_seconds();
  seconds.push_back(simulation.measure_seconds());
  if (!request.output.empty()) {
    phase_names.emplace_back("(output)");
    seconds.push_back(observer.output_seconds_);
  }
  result.phase_times = ResultTable{"profile", "wall seconds per phase over the run", {}};
  result.phase_times.columns.push_back({"phase", "", phase_names});
  result.phase_times.columns.push_back({"seconds", "s", seconds});
  for (std::size_t i = 0; observer.last_ && i < observer.scalars_.size(); ++i) {
    const MetricSpec& spec = *observer.scalars_[i];
    result.metric_names.push_back(spec.name);
    result.metric_units.push_back(spec.unit);
    result.first_values.push_back(observer.first_[i]);
    result.last_values.push_back(scalar_value(*observer.last_, spec));
  }
  return result;
}

}  // namespace cpsim::app

#include "study_runner.hpp"

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>

#include "commands.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "cpsim/engine/study_output.hpp"

namespace cpsim::app {
namespace {

/// Keeps every row of one run's metrics; stops when the study stops.
class TrajectoryObserver final : public StepObserver {
 public:
  TrajectoryObserver(RunTrajectory& trajectory, const std::atomic<bool>& stop,
                     const std::function<bool()>& should_stop)
      : trajectory_(trajectory), stop_(stop), should_stop_(should_stop) {}

  bool on_step(const Simulation&, std::int64_t, const MetricRow& row) override {
    trajectory_.append(row);
    return !(stop_.load(std::memory_order_relaxed) || (should_stop_ && should_stop_()));
  }

 private:
  RunTrajectory& trajectory_;
  const std::atomic<bool>& stop_;
  const std::function<bool()>& should_stop_;
};

/// True if two runs declared the same metrics (names, types, shapes, labels).
bool same_metrics(const MetricSet& a, const MetricSet& b) {
  if (a.specs().size() != b.specs().size() || a.dimensions().size() != b.dimensions().size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.specs().size(); ++i) {
    const MetricSpec& x = a.specs()[i];
    const MetricSpec& y = b.specs()[i];
    if (x.name != y.name || x.type != y.type || x.dimensions != y.dimensions || x.size != y.size ||
        x.offset != y.offset) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.dimensions().size(); ++i) {
    if (a.dimensions()[i].name != b.dimensions()[i].name ||
        a.dimensions()[i].labels != b.dimensions()[i].labels) {
      return false;
    }
  }
  return true;
}

/// Refuses summary metrics the model does not report, or that are arrays.
void check_summary_metrics(const Study& study, const MetricSet& metrics) {
  std::vector<std::string> scalars;
  for (const MetricSpec& spec : metrics.specs()) {
    if (spec.size == 1) scalars.push_back(spec.name);
  }
  for (std::size_t i = 0; i < study.summary_metrics.size(); ++i) {
    const std::string& name = study.summary_metrics[i];
    const std::string where =
        study.summary_locations[i].str() + ": metrics[" + std::to_string(i) + "]: ";
    const std::size_t index = metrics.find(name);
    if (index == metrics.specs().size()) {
      const std::string hint = did_you_mean(name, scalars);
      throw ScenarioError(where + "model '" + study.variants.front().scenario.model +
                          "' has no metric '" + name + "'" +
                          (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)"));
    }
    if (metrics.spec(index).size != 1) {
      throw ScenarioError(where + "metric '" + name +
                          "' is an array; the summary shows scalar metrics (the file has it all)");
    }
  }
}

std::unique_ptr<Simulation> build_run(const ModelInfo& model, const StudyVariant& variant,
                                      std::uint64_t seed) {
  auto simulation = std::make_unique<Simulation>(seed, variant.scenario.steps);
  simulation->build(model.create(), variant.scenario.parameters);
  return simulation;
}

/// Chooses how many runs go at once: the request's --jobs if memory allows
/// (refusing otherwise), else as many as threads and memory allow.
int choose_jobs(const StudyRequest& request, int threads, std::int64_t runs, std::uint64_t per_run,
                std::uint64_t results, std::uint64_t available) {
  const std::string file = request.study.file.string();
  auto need = [&](int jobs) { return per_run * static_cast<std::uint64_t>(jobs) + results; };
  if (request.jobs > 0) {
    if (need(request.jobs) > available) {
      throw ScenarioError(file + ": --jobs " + std::to_string(request.jobs) +
                          ": the concurrent runs need about " + format_bytes(need(request.jobs)) +
                          " of memory (" + format_bytes(per_run) + " per run, " +
                          format_bytes(results) + " of results), more than the " +
                          format_bytes(available) + " available");
    }
    return request.jobs;
  }
  int jobs = static_cast<int>(std::min<std::int64_t>(threads, runs));
  while (jobs > 1 && need(jobs) > available) --jobs;
  if (need(jobs) > available) {
    throw ScenarioError(file + ": one run at a time needs about " + format_bytes(need(1)) +
                        " of memory (" + format_bytes(per_run) + " per run, " +
                        format_bytes(results) + " of results), more than the " +
                        format_bytes(available) + " available");
  }
  return jobs;
}

}  // namespace

StudyOutcome execute_study(const StudyRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const Study& study = request.study;
  const ModelRegistry registry = make_registry();
  const ModelInfo* model = registry.find(study.variants.front().scenario.model);
  if (model == nullptr) {
    throw ScenarioError(study.file.string() + ": unknown model '" +
                        study.variants.front().scenario.model + "'");
  }
  if (!request.output.empty()) check_study_destination(request.output, request.overwrite);

  StudyOutcome outcome;
  outcome.threads =
      request.threads == 0 ? oneapi::tbb::info::default_concurrency() : request.threads;
  const auto replicates = static_cast<std::size_t>(study.replicates);
  const std::size_t runs = study.variants.size() * replicates;
  StudyResults& results = outcome.results;
  for (std::size_t r = 0; r < replicates; ++r)
    results.seeds.push_back(replicate_seed(study.seed, r));

  // The largest run the model expects, before anything is built.
  std::uint64_t per_run = 0;
  for (const StudyVariant& variant : study.variants) {
    if (model->estimate_memory) {
      per_run = std::max(per_run, model->estimate_memory(variant.scenario.parameters).bytes);
    }
  }
  const std::uint64_t available = available_memory_bytes();
  choose_jobs(request, outcome.threads, static_cast<std::int64_t>(runs), per_run, 0, available);

  // Run 0 is built first: it declares the metrics that every run must share
  // and that the summary names, and then runs like any other.
  std::vector<std::unique_ptr<Simulation>> prebuilt(runs);
  prebuilt[0] = build_run(*model, study.variants.front(), results.seeds[0]);
  results.metrics = prebuilt[0]->metrics();
  results.rows = study.variants.front().scenario.steps + 1;
  check_summary_metrics(study, results.metrics);
  const std::uint64_t trajectory_bytes =
      static_cast<std::uint64_t>(results.rows) *
      (results.metrics.real_count() + results.metrics.integer_count()) * sizeof(double);
  outcome.jobs = choose_jobs(request, outcome.threads, static_cast<std::int64_t>(runs),
                             per_run + trajectory_bytes, trajectory_bytes * runs, available);

  results.runs.resize(runs);
  std::atomic<std::size_t> next_run{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards failure, completed and on_progress
  std::exception_ptr failure;
  std::int64_t completed = 0;

  auto run_one = [&](std::size_t index) {
    const std::size_t v = index / replicates;
    const std::size_t r = index % replicates;
    const StudyVariant& variant = study.variants[v];
    try {
      std::unique_ptr<Simulation> simulation = std::move(prebuilt[index]);
      if (!simulation) simulation = build_run(*model, variant, results.seeds[r]);
      if (!same_metrics(simulation->metrics(), results.metrics)) {
        throw ScenarioError(study.file.string() + ": scenarios." + variant.base_name +
                            ": its metrics differ from those of '" + study.variants.front().name +
                            "' (their shapes depend on parameters the variants change)");
      }
      TrajectoryObserver observer(results.runs[index], stop, request.should_stop);
      const std::int64_t steps = simulation->run_in_current_arena(observer);
      const std::lock_guard lock(mutex);
      if (steps == variant.scenario.steps) {
        ++completed;
        if (request.on_progress) {
          request.on_progress(completed, static_cast<std::int64_t>(runs));
        }
      } else {
        stop = true;
      }
    } catch (const SimulationError& e) {
      const std::lock_guard lock(mutex);
      if (!failure) {
        failure = std::make_exception_ptr(
            SimulationError("scenario '" + variant.name + "', replicate " + std::to_string(r) +
                            " (seed " + std::to_string(results.seeds[r]) + "): " + e.what()));
      }
      stop = true;
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };

  oneapi::tbb::task_arena arena(outcome.threads);
  arena.execute([&] {
    oneapi::tbb::task_group group;
    for (int job = 0; job < outcome.jobs; ++job) {
      group.run([&] {
        while (!stop.load()) {
          const std::size_t index = next_run.fetch_add(1);
          if (index >= runs) break;
          // Isolated: a thread waiting inside this run's parallel loops
          // must not pick up another whole run and delay this one.
          oneapi::tbb::this_task_arena::isolate([&] { run_one(index); });
        }
      });
    }
    group.wait();
  });
  if (failure) std::rethrow_exception(failure);
  outcome.runs_completed = completed;
  outcome.complete = completed == static_cast<std::int64_t>(runs);
  if (!outcome.complete) {
    outcome.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
  }

  for (const StudyContrast& contrast : study.contrasts) {
    const std::span<const RunTrajectory> reform(&results.runs[contrast.reform * replicates],
                                                replicates);
    const std::span<const RunTrajectory> baseline(&results.runs[contrast.baseline * replicates],
                                                  replicates);
    results.contrasts.push_back(
        compare_runs(results.metrics, results.rows, reform, baseline, study.confidence));
  }
  outcome.summary =
      summarize_contrasts(study, results, study.summary_metrics, study.summary_window);
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!request.output.empty()) {
    write_study_file(request.output, study, results,
                     {request.command_line, outcome.threads, outcome.jobs, outcome.wall_seconds},
                     request.overwrite);
  }
  return outcome;
}

}  // namespace cpsim::app

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

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/metric_alignment.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/simulation.hpp"
#include "cpsim/engine/study_output.hpp"
#include "cpsim/engine/study_parts.hpp"
#include "rank_errors.hpp"
#include "registry.hpp"

namespace cpsim::app {
namespace {

/// Keeps every row of one run's metrics; stops when the study stops.
class TrajectoryObserver final : public StepObserver {
 public:
  TrajectoryObserver(RunTrajectory& trajectory, const MetricRemap& remap,
                     const std::atomic<bool>& stop, const std::function<bool()>& should_stop,
                     const Study& study, std::vector<HouseholdPanel>& panels)
      : trajectory_(trajectory),
        remap_(remap),
        stop_(stop),
        should_stop_(should_stop),
        study_(study),
        panels_(panels) {}

  bool on_step(const Simulation& simulation, std::int64_t step, const MetricRow& row) override {
    // The household panel at the end of each compared year.
    if (study_.households && !study_.contrasts.empty()) {
      for (const std::int64_t year : study_.households->years) {
        if (step != year * study_.steps_per_year) continue;
        panels_.push_back(
            capture_panel(*simulation.find_table(study_.households->table), *study_.households));
      }
    }
    if (remap_.identity()) {
      trajectory_.append(row);
    } else {
      remap_.apply(row.reals(), row.integers(), step == 0, trajectory_.reals, trajectory_.integers);
    }
    return !(stop_.load(std::memory_order_relaxed) || (should_stop_ && should_stop_()));
  }

 private:
  RunTrajectory& trajectory_;
  const MetricRemap& remap_;
  const std::atomic<bool>& stop_;
  const std::function<bool()>& should_stop_;
  const Study& study_;
  std::vector<HouseholdPanel>& panels_;
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

/// Bytes one household of a panel keeps (id, income, members, group codes).
std::uint64_t panel_bytes_per_household(const PanelSpec& spec) {
  return 16 + 8 * spec.persons.size() + 4 * spec.groups.size();
}

/// Refuses a `households:` or `budget:` block that names a table, column,
/// metric or label the model does not have, before anything runs.
void check_comparison_specs(const Study& study, const Simulation& simulation,
                            const MetricSet& metrics, int ranks) {
  if (study.households) {
    const std::string where = study.households_location.str() + ": households: ";
    if (ranks > 1) {
      throw ScenarioError(where +
                          "the household comparison runs in one process (leave out mpirun)");
    }
    const AgentTable* table = simulation.find_table(study.households->table);
    if (table == nullptr) {
      std::vector<std::string> names;
      for (const auto& t : simulation.tables()) names.push_back(t->name());
      throw ScenarioError(where + "model '" + study.variants.front().scenario.model +
                          "' has no table '" + study.households->table + "'" +
                          yaml::suggestion(study.households->table, names));
    }
    try {
      (void)capture_panel(*table, *study.households);
    } catch (const std::invalid_argument& e) {
      std::vector<std::string> names;
      for (std::size_t c = 0; c < table->column_count(); ++c) {
        names.push_back(table->column_info(c).name);
      }
      std::string hint;
      for (const std::string& column : study.households->columns()) {
        if (table->find_column(column) == table->column_count()) {
          hint = yaml::suggestion(column, names);
          break;
        }
      }
      throw ScenarioError(where + e.what() + hint);
    }
  }
  if (study.budget) {
    try {
      check_budget_spec(*study.budget, metrics);
    } catch (const std::invalid_argument& e) {
      throw ScenarioError(study.budget_location.str() + ": " + e.what());
    }
  }
}

/// Replicate r of variant v (with its design point or parameter draw).
std::unique_ptr<Simulation> build_run(const ModelInfo& model, const Study& study, std::size_t v,
                                      std::size_t r, std::uint64_t seed) {
  auto simulation = std::make_unique<Simulation>(seed, study.variants[v].scenario.steps);
  simulation->build(model.create(), run_parameters(study, v, r));
  return simulation;
}

}  // namespace

int choose_jobs(const std::filesystem::path& study_file, int requested, int threads,
                std::int64_t runs, std::uint64_t per_run, std::uint64_t results,
                std::uint64_t available) {
  const std::string file = study_file.string();
  auto need = [&](int jobs) { return per_run * static_cast<std::uint64_t>(jobs) + results; };
  if (requested > 0) {
    if (need(requested) > available) {
      throw ScenarioError(
          file + ": --jobs " + std::to_string(requested) + ": the concurrent runs need about " +
          format_bytes(need(requested)) + " of memory (" + format_bytes(per_run) + " per run, " +
          format_bytes(results) + " of results), " + format_bytes(available) + " available");
    }
    return requested;
  }
  int jobs = static_cast<int>(std::min<std::int64_t>(threads, runs));
  while (jobs > 1 && need(jobs) > available) --jobs;
  if (need(jobs) > available) {
    throw ScenarioError(file + ": one run at a time needs about " + format_bytes(need(1)) +
                        " of memory (" + format_bytes(per_run) + " per run, " +
                        format_bytes(results) + " of results), " + format_bytes(available) +
                        " available");
  }
  return jobs;
}

std::uint64_t held_results_bytes(const Study& study, std::uint64_t trajectory_bytes,
                                 std::size_t runs) {
  return trajectory_bytes * static_cast<std::uint64_t>(runs + 6 * study.contrasts.size());
}

std::uint64_t model_run_bytes(const Study& study, const ModelInfo& model) {
  std::uint64_t per_run = 0;
  if (!model.estimate_memory) return 0;
  // Every replicate's draw where the study draws parameters (one might size
  // the run), else replicate 0 of each variant.
  const auto replicates = static_cast<std::size_t>(study.parameter_draws ? study.replicates : 1);
  for (std::size_t v = 0; v < study.variants.size(); ++v) {
    for (std::size_t r = 0; r < replicates; ++r) {
      per_run = std::max(per_run, model.estimate_memory(run_parameters(study, v, r)).bytes);
    }
  }
  return per_run;
}

StudyPlan plan_study(const Study& study, const ModelInfo& model, std::uint64_t seed, int ranks) {
  StudyPlan plan;
  // Replicate 0 of every variant is built first for its declarations: the
  // study stores the union of the variants' metrics (a policy's metric is 0
  // in a variant without it; docs/studies.md). The first is kept (a study
  // runs it like any other run); the others are built again when run.
  const auto start = std::chrono::steady_clock::now();
  plan.first = build_run(model, study, 0, 0, seed);
  plan.first_build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  plan.variant_metrics.push_back(plan.first->metrics());
  // A design's points differ only in numbers: they declare the first
  // point's metrics, held once (each run checks that it does).
  for (std::size_t v = 1; v < study.variants.size() && !study.sensitivity; ++v) {
    plan.variant_metrics.push_back(build_run(model, study, v, 0, seed)->metrics());
  }
  std::vector<const MetricSet*> sets;
  for (const MetricSet& set : plan.variant_metrics) sets.push_back(&set);
  try {
    plan.metrics = union_metrics(sets);
  } catch (const std::invalid_argument& e) {
    throw ScenarioError(study.file.string() + ": " + e.what() +
                        " in different scenarios of the study");
  }
  check_comparison_specs(study, *plan.first, plan.metrics, ranks);
  check_summary_metrics(study, plan.metrics);
  if (study.sensitivity) {
    check_sensitivity_outcomes(*study.sensitivity, plan.metrics,
                               study.variants.front().scenario.model);
  }
  const std::uint64_t panel_bytes =
      study.households && !study.contrasts.empty()
          ? panel_bytes_per_household(*study.households) *
                plan.first->find_table(study.households->table)->size() *
                study.households->years.size()
          : 0;
  const auto rows = static_cast<std::uint64_t>(study.variants.front().scenario.steps + 1);
  plan.trajectory_bytes =
      rows * (plan.metrics.real_count() + plan.metrics.integer_count()) * sizeof(double) +
      panel_bytes;
  plan.model_bytes = model_run_bytes(study, model);
  return plan;
}

namespace {

/// Rank 0 receives the trajectories of the block's runs (the block's j-th
/// run from rank j % ranks). All runs are complete, so each has rows x width
/// values.
void gather_runs(Communicator& world, StudyResults& results, RunBlock block) {
  const std::size_t runs = block.last;
  const auto ranks = static_cast<std::size_t>(world.size());
  std::vector<double> reals;
  std::vector<std::int64_t> integers;
  for (std::size_t i = block.first + static_cast<std::size_t>(world.rank()); i < runs; i += ranks) {
    reals.insert(reals.end(), results.runs[i].reals.begin(), results.runs[i].reals.end());
    integers.insert(integers.end(), results.runs[i].integers.begin(),
                    results.runs[i].integers.end());
  }
  const std::vector<double> all_reals = world.gatherv<double>(reals, 0);
  const std::vector<std::int64_t> all_integers = world.gatherv<std::int64_t>(integers, 0);
  if (!world.is_root()) return;
  const auto rows = static_cast<std::size_t>(results.rows);
  const std::size_t real_width = rows * results.metrics.real_count();
  const std::size_t integer_width = rows * results.metrics.integer_count();
  auto real_at = all_reals.begin();
  auto integer_at = all_integers.begin();
  for (std::size_t rank = 0; rank < ranks; ++rank) {
    for (std::size_t i = block.first + rank; i < runs; i += ranks) {
      RunTrajectory& run = results.runs[i];
      run.reals.assign(real_at, real_at + static_cast<std::ptrdiff_t>(real_width));
      run.integers.assign(integer_at, integer_at + static_cast<std::ptrdiff_t>(integer_width));
      real_at += static_cast<std::ptrdiff_t>(real_width);
      integer_at += static_cast<std::ptrdiff_t>(integer_width);
    }
  }
}

}  // namespace

std::vector<ContrastSummaryRow> compare_study(const Study& study, StudyResults& results) {
  const auto replicates = static_cast<std::size_t>(study.replicates);
  for (const StudyContrast& contrast : study.contrasts) {
    const std::span<const RunTrajectory> reform(&results.runs[contrast.reform * replicates],
                                                replicates);
    const std::span<const RunTrajectory> baseline(&results.runs[contrast.baseline * replicates],
                                                  replicates);
    results.contrasts.push_back(
        compare_runs(results.metrics, results.rows, reform, baseline, study.confidence));
  }
  std::vector<ContrastSummaryRow> summary =
      summarize_contrasts(study, results, study.summary_metrics, study.summary_window);
  if (study.households && !study.contrasts.empty()) {
    results.households = household_grid(study, results);
  }
  if (study.budget && !study.contrasts.empty()) results.budget = budget_grid(study, results);
  if (study.sensitivity) results.sensitivity = study_sensitivity(study, results);
  results.panels.clear();  // compared; the file holds the summaries
  return summary;
}

StudyOutcome execute_study(const StudyRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const Study& study = request.study;
  Communicator& world =
      request.communicator != nullptr ? *request.communicator : serial_communicator();
  const ModelRegistry registry = make_registry();
  const ModelInfo* model = registry.find(study.variants.front().scenario.model);

  StudyOutcome outcome;
  outcome.ranks = world.size();
  outcome.threads =
      request.threads == 0 ? oneapi::tbb::info::default_concurrency() : request.threads;
  const auto replicates = static_cast<std::size_t>(study.replicates);
  const std::size_t runs = study.variants.size() * replicates;
  StudyResults& results = outcome.results;
  for (std::size_t r = 0; r < replicates; ++r)
    results.seeds.push_back(replicate_seed(study.seed, r));
  // The runs of this process (all, or a part's block), then this rank's: a
  // fixed deal, the block's j-th run to rank j % ranks.
  const RunBlock block = request.part ? part_runs(runs, *request.part) : RunBlock{0, runs};
  std::vector<std::size_t> my_runs;
  for (std::size_t i = block.first + static_cast<std::size_t>(world.rank()); i < block.last;
       i += static_cast<std::size_t>(world.size())) {
    my_runs.push_back(i);
  }

  std::vector<std::unique_ptr<Simulation>> prebuilt(runs);
  std::vector<MetricSet> variant_metrics;  // what each variant declares
  std::vector<MetricRemap> remaps;         // from each variant's layout to the union
  // Checked on every rank (memory is per rank; only rank 0 writes), then agreed.
  agree_on_errors(
      world,
      [&] {
        if (model == nullptr) {
          throw ScenarioError(study.file.string() + ": unknown model '" +
                              study.variants.front().scenario.model + "'");
        }
        if (world.is_root() && !request.output.empty()) {
          check_output_destination(request.output, request.overwrite);
          check_compression(request.output.string(),
                            study.variants.front().scenario.output.compression);
        }
        // The largest run the model expects, before anything is built.
        const std::uint64_t per_run = model_run_bytes(study, *model);
        const std::uint64_t available = available_memory_bytes();
        const auto local_runs = static_cast<std::int64_t>(std::max<std::size_t>(my_runs.size(), 1));
        choose_jobs(study.file, request.jobs, outcome.threads, local_runs, per_run, 0, available);

        set_phase("building the study's first runs");
        StudyPlan plan = plan_study(study, *model, results.seeds[0], world.size());
        prebuilt[0] = std::move(plan.first);
        variant_metrics = std::move(plan.variant_metrics);
        results.metrics = std::move(plan.metrics);
        for (const MetricSet& set : variant_metrics) remaps.emplace_back(set, results.metrics);
        results.rows = study.variants.front().scenario.steps + 1;
        const std::uint64_t trajectory_bytes = plan.trajectory_bytes;
        // Rank 0 ends up holding every run's trajectory and the contrasts'
        // statistics (a part's rank 0: its block's trajectories); another
        // rank its own runs' trajectories.
        const std::uint64_t held =
            !world.is_root() ? trajectory_bytes * static_cast<std::uint64_t>(my_runs.size())
            : request.part   ? trajectory_bytes * static_cast<std::uint64_t>(block.size())
                             : held_results_bytes(study, trajectory_bytes, runs);
        outcome.jobs = choose_jobs(study.file, request.jobs, outcome.threads, local_runs,
                                   per_run + trajectory_bytes, held, available);
      },
      "study");
  if (my_runs.empty() || my_runs.front() != 0) prebuilt[0].reset();  // another rank's, or part's

  set_phase("running the study");
  results.runs.resize(runs);
  results.panels.resize(runs);
  std::atomic<std::size_t> next_run{0};  // into my_runs
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
      if (!simulation) simulation = build_run(*model, study, v, r, results.seeds[r]);
      // One layout for all of a design's points (plan_study).
      const std::size_t layout = study.sensitivity ? 0 : v;
      if (!same_metrics(simulation->metrics(), variant_metrics[layout])) {
        throw SimulationError(
            "its metrics differ from those of replicate 0 (their shapes depend on the seed)");
      }
      TrajectoryObserver observer(results.runs[index], remaps[layout], stop, request.should_stop,
                                  study, results.panels[index]);
      const std::int64_t steps = simulation->run_in_current_arena(observer);
      const std::lock_guard lock(mutex);
      if (steps == variant.scenario.steps) {
        ++completed;
        if (request.on_progress) {
          request.on_progress(completed, static_cast<std::int64_t>(my_runs.size()));
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
          const std::size_t next = next_run.fetch_add(1);
          if (next >= my_runs.size()) break;
          const std::size_t index = my_runs[next];
          // Isolated: a thread waiting inside this run's parallel loops
          // must not pick up another whole run and delay this one.
          oneapi::tbb::this_task_arena::isolate([&] { run_one(index); });
        }
      });
    }
    group.wait();
  });
  // Every rank gets here; a failed run on any rank fails the study on all.
  agree_on_errors(
      world,
      [&] {
        if (failure) std::rethrow_exception(failure);
      },
      "study");
  outcome.runs_completed = world.sum(completed);
  outcome.complete = outcome.runs_completed == static_cast<std::int64_t>(block.size());
  if (!outcome.complete) {
    outcome.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
  }
  set_phase("comparing the runs");
  if (world.size() > 1) gather_runs(world, results, block);
  if (world.is_root() && !request.part) outcome.summary = compare_study(study, results);
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  set_phase("writing the study file");
  // Other ranks wait here, so that every rank exits with rank 0's outcome.
  agree_on_errors(
      world,
      [&] {
        if (!world.is_root() || request.output.empty()) return;
        if (request.part) {
          write_study_part(request.output, study, results,
                           {*request.part, request.command_line, outcome.threads, outcome.jobs,
                            world.size(), outcome.wall_seconds},
                           request.overwrite);
          return;
        }
        write_study_file(request.output, study, results,
                         {request.command_line, outcome.threads, outcome.jobs, outcome.wall_seconds,
                          world.size()},
                         request.overwrite);
      },
      "study");
  return outcome;
}

}  // namespace cpsim::app

#include "validate_study.hpp"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "cpsim/engine/simulation.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "registry.hpp"
#include "study_runner.hpp"

namespace cpsim::app {
namespace {

/// Stops a run after `steps` steps (step 0 is the set-up's row).
class StopAfter final : public StepObserver {
 public:
  explicit StopAfter(std::int64_t steps) : steps_(steps) {}
  bool on_step(const Simulation&, std::int64_t step, const MetricRow&) override {
    return step < steps_;
  }

 private:
  std::int64_t steps_;
};

std::string seconds(double s) {
  std::ostringstream text;
  if (s < 60) {
    text << std::setprecision(2) << s << " s";
  } else if (s < 3600) {
    text << std::fixed << std::setprecision(1) << s / 60 << " min";
  } else {
    text << std::fixed << std::setprecision(1) << s / 3600 << " h";
  }
  return text.str();
}

}  // namespace

bool is_study_yaml(const std::filesystem::path& file) {
  try {
    const std::optional<yaml::Node> root = yaml::read_document(file, "file");
    return root && root->is_map() && root->find("scenarios") != nullptr &&
           root->find("model") == nullptr;
  } catch (const std::exception&) {
    return false;  // the scenario reader reports what is wrong with it
  }
}

void validate_study(const std::filesystem::path& file, std::ostream& out, bool quiet) {
  const ModelRegistry registry = make_registry();
  const Study study = load_study(file, registry);
  const ModelInfo& model = *registry.find(study.variants.front().scenario.model);
  StudyPlan plan = plan_study(study, model, replicate_seed(study.seed, 0), 1);

  // Memory as `cpsim study` counts it, at its default --jobs.
  const int threads = oneapi::tbb::info::default_concurrency();
  const auto runs = static_cast<std::int64_t>(study.variants.size()) * study.replicates;
  const std::uint64_t available = available_memory_bytes();
  // The model's estimate, or (without one) the agent tables of the built run.
  std::uint64_t state = plan.model_bytes;
  const bool estimated = state > 0;
  if (!estimated) {
    for (const auto& table : plan.first->tables())
      state += table->bytes_per_agent() * table->size();
  }
  const std::uint64_t per_run = state + plan.trajectory_bytes;
  const std::uint64_t results =
      held_results_bytes(study, plan.trajectory_bytes, static_cast<std::size_t>(runs));
  const int jobs = choose_jobs(study.file, 0, threads, runs, per_run, results, available);

  // Time: the first run's set-up (measured) and a year of its steps (or ten).
  const std::int64_t steps = study.variants.front().scenario.steps;
  const std::int64_t timed =
      std::min(steps, study.steps_per_year > 0 ? study.steps_per_year : std::int64_t{10});
  StopAfter stop(timed);
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t done = plan.first->run(0, stop);
  const double step_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
      static_cast<double>(std::max<std::int64_t>(done, 1));
  const double per_run_seconds =
      plan.first_build_seconds + step_seconds * static_cast<double>(steps);

  if (quiet) return;
  out << "# " << file.string() << ": valid study '" << study.name << "' (model " << model.name
      << "): " << study.variants.size() << " scenarios x " << study.replicates
      << " replicates = " << runs << " runs of " << steps << " steps\n"
      << "# memory: about " << format_bytes(per_run) << " per run (" << format_bytes(state)
      << (estimated ? " the model's estimate" : " of agent tables") << ", "
      << format_bytes(plan.trajectory_bytes) << " of results), " << jobs << " at once on "
      << threads << " threads, "
      << format_bytes(per_run * static_cast<std::uint64_t>(jobs) + results) << " in all ("
      << format_bytes(available) << " available)\n"
      << "# time: about " << seconds(per_run_seconds * static_cast<double>(runs)) << " ("
      << seconds(per_run_seconds) << " a run: set-up " << seconds(plan.first_build_seconds)
      << " and " << done << " steps timed; runs share the threads, so more at once gains "
      << "little on few cores)\n"
      << study.resolved_yaml << '\n';
}

}  // namespace cpsim::app

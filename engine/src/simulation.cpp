#include "cpsim/engine/simulation.hpp"

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/parallel.hpp"

namespace cpsim {

Simulation::Simulation(std::uint64_t seed, std::int64_t steps, Communicator& communicator)
    : seed_(seed), steps_(steps), communicator_(&communicator) {
  if (steps < 0) throw std::invalid_argument("Simulation: negative step count");
}

Simulation::~Simulation() = default;

AgentTable& Simulation::add_table(std::string name) {
  if (find_table(name) != nullptr) throw std::logic_error("table '" + name + "' added twice");
  tables_.push_back(std::make_unique<AgentTable>(std::move(name)));
  return *tables_.back();
}

const AgentTable* Simulation::find_table(std::string_view name) const noexcept {
  for (const auto& table : tables_) {
    if (table->name() == name) return table.get();
  }
  return nullptr;
}

void Simulation::add_phase(std::string name, std::function<void(const StepContext&)> body,
                           std::int64_t every) {
  if (every < 1) throw std::invalid_argument("phase '" + name + "': every must be >= 1");
  phases_.push_back(Phase{std::move(name), PhaseKind::Whole, nullptr,
                          [body = std::move(body)](const StepContext& context, std::size_t,
                                                   std::size_t) { body(context); },
                          every});
  phase_seconds_.push_back(0.0);
}

void Simulation::add_agent_phase(
    std::string name, const AgentTable& table,
    std::function<void(const StepContext&, std::size_t, std::size_t)> body, std::int64_t every) {
  if (every < 1) throw std::invalid_argument("phase '" + name + "': every must be >= 1");
  phases_.push_back(Phase{std::move(name), PhaseKind::PerAgent, &table, std::move(body), every});
  phase_seconds_.push_back(0.0);
}

void Simulation::add_measurement(std::function<void(const StepContext&, MetricRow&)> measure) {
  measurements_.push_back(std::move(measure));
}

void Simulation::build(std::unique_ptr<Model> model, const Parameters& parameters) {
  if (model_) throw std::logic_error("Simulation::build called twice");
  model_ = std::move(model);
  model_->build(*this, parameters);
}

void Simulation::measure(const StepContext& context, MetricRow& row) {
  const auto start = std::chrono::steady_clock::now();
  for (const auto& measurement : measurements_) measurement(context, row);
  measure_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // A NaN or infinity would silently poison every later statistic: stop here
  // and name the step and the metric. The one NaN allowed is the engine's
  // own, for a metric declared undefined at step 0, and the model's, for a
  // metric declared undefined where a condition holds.
  for (std::size_t m = 0; m < metrics_.specs().size(); ++m) {
    const MetricSpec& spec = metrics_.spec(m);
    if (spec.type != MetricType::Real) continue;
    if (context.step == 0 && !spec.undefined_at_step0.empty()) {
      for (std::size_t i = 0; i < spec.size; ++i) {
        row.set(Metric<double>{m}, i, std::numeric_limits<double>::quiet_NaN());
      }
      continue;
    }
    const auto values = row.real_values(spec);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (std::isnan(values[i]) && !spec.undefined_where.empty()) continue;
      if (!std::isfinite(values[i])) {
        throw SimulationError("step " + std::to_string(context.step) + ": metric '" + spec.name +
                              (spec.size > 1 ? "[" + std::to_string(i) + "]" : std::string()) +
                              "' is " + (std::isnan(values[i]) ? "NaN" : "infinite"));
      }
    }
  }
}

void Simulation::run_step(const StepContext& context) {
  using clock = std::chrono::steady_clock;
  for (std::size_t p = 0; p < phases_.size(); ++p) {
    const Phase& phase = phases_[p];
    if (context.step % phase.every != 0) continue;
    const auto start = clock::now();
    try {
      if (phase.kind == PhaseKind::PerAgent) {
        parallel_for(phase.table->size(),
                     [&](std::size_t begin, std::size_t end) { phase.body(context, begin, end); });
      } else {
        phase.body(context, 0, 0);
      }
    } catch (const SimulationError& e) {
      // Name where it happened: the step and the process.
      throw SimulationError("step " + std::to_string(context.step) + ", phase '" + phase.name +
                            "': " + e.what());
    }
    phase_seconds_[p] += std::chrono::duration<double>(clock::now() - start).count();
  }
}

std::int64_t Simulation::run(int threads, StepObserver& observer) {
  if (threads < 0) throw std::invalid_argument("Simulation::run: negative thread count");
  const int concurrency = threads == 0 ? oneapi::tbb::info::default_concurrency() : threads;
  // An arena per run, not tbb::global_control: the thread count is a property
  // of this simulation, so several simulations can share one process.
  oneapi::tbb::task_arena arena(concurrency);
  std::int64_t completed = 0;
  arena.execute([&] { completed = run_in_current_arena(observer); });
  return completed;
}

void Simulation::resume_after(std::int64_t step) {
  if (step < 0 || step > steps_) {
    throw std::invalid_argument("Simulation::resume_after: step " + std::to_string(step) +
                                " outside 0.." + std::to_string(steps_));
  }
  resume_step_ = step;
  current_step_ = step;
}

std::int64_t Simulation::run_in_current_arena(StepObserver& observer) {
  MetricRow row(metrics_);
  StepContext context{0, seed_};
  std::int64_t completed = 0;
  if (resume_step_ >= 0) {
    // The steps up to resume_step_ were run (and measured) before the checkpoint.
    completed = resume_step_;
    current_step_ = resume_step_;
  } else {
    current_step_ = 0;
    measure(context, row);
    if (!observer.on_step(*this, 0, row)) return 0;
  }
  for (std::int64_t step = completed + 1; step <= steps_; ++step) {
    context.step = step;
    current_step_ = step;
    run_step(context);
    row.reset();  // a fresh row of zeros, without allocating one each step
    measure(context, row);
    completed = step;
    if (!observer.on_step(*this, step, row)) break;
  }
  return completed;
}

}  // namespace cpsim

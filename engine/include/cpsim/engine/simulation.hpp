#pragma once
// One simulation run: agent tables, a schedule of named phases, metrics and
// random streams, owned together. There is no global mutable state, so a
// process may hold many simulations at once (studies, replicates) and each
// runs in its own oneTBB arena with its own thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/random.hpp"

namespace cpsim {

/// What a phase sees of the step it runs in.
struct StepContext {
  std::int64_t step = 0;  ///< 1-based index of the step being executed
  std::uint64_t seed = 0;
  [[nodiscard]] RandomStream stream(std::string_view name) const {
    return RandomStream(seed, name);
  }
};

/// How a phase runs. `PerAgent` phases are called over disjoint blocks of a
/// table's agents in parallel and may only write to the agents of their
/// block. `Whole` phases are called once per step; they may be inherently
/// sequential (a Mesa sweep) or use the engine's parallel algorithms inside.
enum class PhaseKind { PerAgent, Whole };

struct Phase {
  std::string name;
  PhaseKind kind = PhaseKind::Whole;
  const AgentTable* table = nullptr;  ///< for PerAgent
  std::function<void(const StepContext&, std::size_t begin, std::size_t end)> body;
  /// Steps between runs (1: every step; 12: yearly on monthly steps). The
  /// phase runs at steps where step % every == 0.
  std::int64_t every = 1;
};

/// Receives each step's metrics. on_step returning false asks the run to stop
/// after this step (SIGINT handling, for example).
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  /// Called after initialisation (step 0) and after every step.
  virtual bool on_step(const class Simulation& simulation, std::int64_t step,
                       const MetricRow& row) = 0;
};

class Simulation {
 public:
  /// `communicator`: the ranks this one run is spread over (it must outlive
  /// the simulation). A model that decomposes its agents asks for it and for
  /// its block; with more than one rank, every rank runs the same schedule
  /// and the phases exchange what crosses ranks.
  Simulation(std::uint64_t seed, std::int64_t steps,
             Communicator& communicator = serial_communicator());
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;
  ~Simulation();

  // --- set-up (by the model's build) ---
  AgentTable& add_table(std::string name);
  void add_phase(std::string name, std::function<void(const StepContext&)> body,
                 std::int64_t every = 1);
  void add_agent_phase(std::string name, const AgentTable& table,
                       std::function<void(const StepContext&, std::size_t, std::size_t)> body,
                       std::int64_t every = 1);
  /// Measurement functions fill the metric row after initialisation and after
  /// every step, in the order added.
  void add_measurement(std::function<void(const StepContext&, MetricRow&)> measure);
  MetricSet& metrics() noexcept { return metrics_; }

  /// Builds the model from validated parameters; the simulation owns it.
  void build(std::unique_ptr<Model> model, const Parameters& parameters);

  // --- running ---
  /// Runs all steps on `threads` threads (0: all available), stopping early
  /// if an observer asks to. Returns the number of steps completed.
  std::int64_t run(int threads, StepObserver& observer);
  /// The same, on the calling thread's oneTBB arena: a study runs many
  /// simulations at once on one arena, each nesting its parallel loops there.
  std::int64_t run_in_current_arena(StepObserver& observer);

  /// The next run() goes on after `step` (a restored checkpoint's): steps
  /// step+1 .. steps(), without measuring the initial state again.
  void resume_after(std::int64_t step);

  [[nodiscard]] Communicator& communicator() const noexcept { return *communicator_; }
  /// This rank's contiguous block of `count` agents (global ids begin..end-1);
  /// all of them on one rank.
  [[nodiscard]] BlockRange agent_block(std::uint64_t count) const noexcept {
    return block_range(count, communicator_->rank(), communicator_->size());
  }

  // --- inspection ---
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  [[nodiscard]] std::int64_t steps() const noexcept { return steps_; }
  [[nodiscard]] std::int64_t current_step() const noexcept { return current_step_; }
  [[nodiscard]] const MetricSet& metrics() const noexcept { return metrics_; }
  [[nodiscard]] const std::vector<std::unique_ptr<AgentTable>>& tables() const noexcept {
    return tables_;
  }
  /// For restoring a checkpoint.
  [[nodiscard]] Model* model() noexcept { return model_.get(); }
  [[nodiscard]] const AgentTable* find_table(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<Phase>& phases() const noexcept { return phases_; }
  [[nodiscard]] const Model* model() const noexcept { return model_.get(); }
  /// Seconds spent in each phase so far, in schedule order.
  [[nodiscard]] const std::vector<double>& phase_seconds() const noexcept { return phase_seconds_; }
  /// Seconds spent in the measurements (metrics) so far.
  [[nodiscard]] double measure_seconds() const noexcept { return measure_seconds_; }

 private:
  void measure(const StepContext& context, MetricRow& row);
  void run_step(const StepContext& context);

  std::uint64_t seed_;
  std::int64_t steps_;
  Communicator* communicator_;
  std::int64_t current_step_ = 0;
  std::int64_t resume_step_ = -1;  ///< -1: start at step 0
  std::vector<std::unique_ptr<AgentTable>> tables_;
  std::vector<Phase> phases_;
  std::vector<double> phase_seconds_;
  double measure_seconds_ = 0;
  std::vector<std::function<void(const StepContext&, MetricRow&)>> measurements_;
  MetricSet metrics_;
  std::unique_ptr<Model> model_;
};

}  // namespace cpsim

#pragma once
// The one seam between the engine and the models. The engine knows models
// only through this interface and the registry; the application registers
// the concrete models (register_*_models(ModelRegistry&)), so the engine
// library never links against any model.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/result_table.hpp"

namespace cpsim {

class Simulation;
class StateWriter;
class StateReader;

class Model {
 public:
  virtual ~Model() = default;
  /// Creates tables and agents, adds phases to the schedule and declares
  /// metrics. Parameters are already validated against the schema.
  virtual void build(Simulation& simulation, const Parameters& parameters) = 0;
  /// Tables for the end of the run (e.g. a calibration table), printed by
  /// the command line and stored in the output file.
  [[nodiscard]] virtual std::vector<ResultTable> report(const Simulation& /*simulation*/) const {
    return {};
  }
  /// Checkpoints (checkpoint.hpp, docs/checkpoint.md). The engine saves and
  /// restores every agent table itself; a model saves here whatever else
  /// the coming steps or report() read and build() does not set again:
  /// accounts, counters, smoothed values, lists whose order matters. Caches
  /// that are rebuilt from the tables need not be saved. restore_state runs
  /// on a model freshly built from the same scenario, after its tables are
  /// restored (they may have another size than build() made). Both run on
  /// every rank; a model whose ranks hold different values gathers them in
  /// save_state. A model whose whole state lies in its tables keeps these.
  virtual void save_state(StateWriter& /*writer*/) const {}
  virtual void restore_state(StateReader& /*reader*/) {}
};

/// Memory a run would need, and the parameter that drives it (named in the
/// error when the run is refused).
struct MemoryEstimate {
  std::uint64_t bytes = 0;
  std::string parameter;
};

/// A policy module a model offers. A scenario switches instances of it on
/// under `policies:`; the model reads them from Parameters::policies(). The
/// keys `type`, `enabled`, `start` and `end` are reserved for the schedule.
struct PolicyModuleInfo {
  std::string name;
  std::string summary;   ///< one line for `cpsim models`
  std::string category;  ///< the model's grouping of its levers, e.g. a policy area
  ParamSchema schema;
};

struct ModelInfo {
  std::string name;
  std::string summary;  ///< one line for `cpsim models`
  ParamSchema schema;
  std::vector<PolicyModuleInfo> policies;
  std::function<std::unique_ptr<Model>()> create;
  /// Peak memory of a run with these (validated) parameters: its agents'
  /// rows and the work arrays its steps keep, so that a size that cannot fit
  /// is refused before anything is allocated (`cpsim run`, `validate`, and
  /// `study` times the runs it holds at once). It must not allocate in
  /// proportion to the sizes it estimates. Every model cpsim ships declares
  /// one (a test checks); without one (a test-only model) nothing is
  /// checked.
  std::function<MemoryEstimate(const Parameters&)> estimate_memory;
  /// True if the model runs one simulation on several MPI ranks, its agents
  /// or its work spread over them (docs/mpi.md); otherwise a run on more
  /// than one rank is refused before it is built.
  bool decomposable = false;
  /// Steps in a simulated year (12 for a monthly model); 0 when a step is
  /// not calendar time. Studies then average the last year by default, and
  /// files record it so readers aggregate by year without guessing.
  std::int64_t steps_per_year = 0;
  /// The `households:` and `budget:` blocks (YAML, docs/studies.md) that
  /// `cpsim compare BASE.h5 REFORM.h5` uses when no --spec is given; empty:
  /// two runs of the model need --spec.
  std::string default_comparison;

  [[nodiscard]] const PolicyModuleInfo* find_policy(std::string_view module) const;
  [[nodiscard]] std::vector<std::string> policy_names() const;
};

/// Bytes of memory this process can still get: the least of the system's
/// MemAvailable, the room under the process limits RLIMIT_AS (less VmSize)
/// and RLIMIT_DATA (less VmData), and under its cgroup's memory limit
/// (memory.max less memory.current; v1's limit_in_bytes). UINT64_MAX when
/// none is known.
std::uint64_t available_memory_bytes();

/// "1.5 GB", "320 MB", "12 kB".
std::string format_bytes(std::uint64_t bytes);

/// Throws ScenarioError ("file:line:col: parameters.KEY: needs about X of
/// memory, Y available") when the model's estimate exceeds `available`
/// bytes.
void check_memory(const ModelInfo& model, const Parameters& parameters, std::uint64_t available);

class ModelRegistry {
 public:
  void add(ModelInfo info);
  [[nodiscard]] const ModelInfo* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] const std::vector<ModelInfo>& models() const noexcept { return models_; }

 private:
  std::vector<ModelInfo> models_;
};

}  // namespace cpsim

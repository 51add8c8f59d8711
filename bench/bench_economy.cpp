// The district economy, whole monthly steps, at 1e4, 1e5 and 1e6 households
// and 1, 2 and 4 threads, with the Xihu calibration (the schema defaults) and
// the population scaled to the household count.
//
//   build/bench/bench_economy                          # all
//   build/bench/bench_economy --benchmark_filter=/100000/
// items_per_second is household-steps per second; counters: bytes of
// household state per household, households, and each phase's seconds per
// step (phase_<name>).
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <string>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "registry.hpp"

namespace {

class Discard final : public cpsim::StepObserver {
 public:
  bool on_step(const cpsim::Simulation&, std::int64_t, const cpsim::MetricRow&) override {
    return true;
  }
};

/// Every schema default (the Xihu calibration), with the residents scaled
/// to about `households` households (mean size about 2.6).
cpsim::Parameters defaults(const cpsim::ModelInfo& info, double households) {
  cpsim::Parameters parameters;
  for (const cpsim::ParamSpec& spec : info.schema.specs()) {
    parameters.set(spec.path, spec.default_value);
  }
  parameters.set("population.residents", static_cast<std::int64_t>(std::llround(households * 2.6)));
  return parameters;
}

void BM_EconomyMonth(benchmark::State& state) {
  const cpsim::ModelRegistry registry = cpsim::app::make_registry();
  const cpsim::ModelInfo* info = registry.find("district_economy");
  const double households = static_cast<double>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  constexpr std::int64_t steps = 12;
  std::size_t agents = 0, bytes = 0;
  std::vector<double> phase_seconds;
  std::vector<std::string> phase_names;
  for (auto _ : state) {
    state.PauseTiming();
    auto simulation = std::make_unique<cpsim::Simulation>(1, steps);
    simulation->build(info->create(), defaults(*info, households));
    Discard observer;
    state.ResumeTiming();
    simulation->run(threads, observer);
    state.PauseTiming();
    const cpsim::AgentTable* table = simulation->find_table("households");
    agents = table->size();
    bytes = table->bytes_per_agent();
    phase_seconds = simulation->phase_seconds();
    phase_names.clear();
    for (const auto& phase : simulation->phases()) phase_names.push_back(phase.name);
    simulation.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(agents) * steps);
  state.counters["households"] = static_cast<double>(agents);
  state.counters["bytes_per_household"] = static_cast<double>(bytes);
  for (std::size_t p = 0; p < phase_names.size(); ++p) {
    state.counters["phase_" + phase_names[p]] = phase_seconds[p] / steps;
  }
}

BENCHMARK(BM_EconomyMonth)
    ->ArgsProduct({{10000, 100000, 1000000}, {1, 2, 4}})
    ->ArgNames({"households", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

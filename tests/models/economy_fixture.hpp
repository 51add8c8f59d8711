#pragma once
// Shared helpers of the district economy tests: load the 1:100 Xihu
// scenario, build a simulation and run it, keeping every step's metrics.
#include <string>
#include <vector>

#include "commands.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/simulation.hpp"

namespace cpsim::testing {

class KeepRows final : public StepObserver {
 public:
  bool on_step(const Simulation&, std::int64_t, const MetricRow& row) override {
    rows.push_back(row);
    return true;
  }
  std::vector<MetricRow> rows;
};

inline Scenario xihu_small(std::uint64_t seed, std::int64_t steps) {
  static const ModelRegistry registry = app::make_registry();
  const std::vector<Override> overrides{{"seed", std::to_string(seed)},
                                        {"steps", std::to_string(steps)}};
  return load_scenario(std::string(CPSIM_SOURCE_DIR) + "/scenarios/xihu-small.yaml", overrides,
                       registry);
}

struct EconomyRun {
  std::unique_ptr<Simulation> simulation;
  KeepRows observer;
};

inline std::unique_ptr<EconomyRun> run_xihu_small(std::uint64_t seed, std::int64_t steps,
                                                  int threads) {
  static const ModelRegistry registry = app::make_registry();
  const Scenario scenario = xihu_small(seed, steps);
  auto run = std::make_unique<EconomyRun>();
  run->simulation = std::make_unique<Simulation>(scenario.seed, scenario.steps);
  run->simulation->build(registry.find(scenario.model)->create(), scenario.parameters);
  run->simulation->run(threads, run->observer);
  return run;
}

inline const MetricSpec& spec(const Simulation& simulation, std::string_view name) {
  const std::size_t index = simulation.metrics().find(name);
  if (index >= simulation.metrics().specs().size()) {
    throw std::runtime_error("no metric " + std::string(name));
  }
  return simulation.metrics().spec(index);
}

}  // namespace cpsim::testing

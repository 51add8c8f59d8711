#pragma once
// Shared helpers of the district economy tests: load the 1:100 Xihu
// scenario, build a simulation and run it, keeping every step's metrics.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/simulation.hpp"
#include "registry.hpp"

namespace cpsim::testing {

class KeepRows final : public StepObserver {
 public:
  bool on_step(const Simulation&, std::int64_t, const MetricRow& row) override {
    rows.push_back(row);
    return true;
  }
  std::vector<MetricRow> rows;
};

/// Overrides that close the district's boundary (labour_migration.cpp): no
/// household arrives from outside or leaves, so rows stay the set-up's.
inline std::vector<Override> closed_boundary() {
  return {{"parameters.in_migration.rate_annual", "0"},
          {"parameters.in_migration.return_rate_annual", "0"},
          {"parameters.in_migration.return_unemployed_annual", "0"}};
}

/// A shipped scenario (path relative to scenarios/) at a seed and length.
inline Scenario shipped_scenario(const std::string& file, std::uint64_t seed, std::int64_t steps,
                                 const std::vector<Override>& extra = {}) {
  static const ModelRegistry registry = app::make_registry();
  std::vector<Override> overrides{{"seed", std::to_string(seed)}, {"steps", std::to_string(steps)}};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return load_scenario(std::string(CPSIM_SOURCE_DIR) + "/scenarios/" + file, overrides, registry);
}

inline Scenario xihu_small(std::uint64_t seed, std::int64_t steps,
                           const std::vector<Override>& extra = {}) {
  return shipped_scenario("xihu-small.yaml", seed, steps, extra);
}

struct EconomyRun {
  std::unique_ptr<Simulation> simulation;
  KeepRows observer;
};

inline std::unique_ptr<EconomyRun> run_economy(const Scenario& scenario, int threads) {
  static const ModelRegistry registry = app::make_registry();
  auto run = std::make_unique<EconomyRun>();
  run->simulation = std::make_unique<Simulation>(scenario.seed, scenario.steps);
  run->simulation->build(registry.find(scenario.model)->create(), scenario.parameters);
  run->simulation->run(threads, run->observer);
  return run;
}

inline std::unique_ptr<EconomyRun> run_xihu_small(std::uint64_t seed, std::int64_t steps,
                                                  int threads,
                                                  const std::vector<Override>& extra = {}) {
  return run_economy(xihu_small(seed, steps, extra), threads);
}

/// Builds and runs a shipped scenario, keeping every step's metrics.
inline std::unique_ptr<EconomyRun> run_shipped(const std::string& path, std::uint64_t seed,
                                               std::int64_t steps, int threads) {
  return run_economy(shipped_scenario(path, seed, steps), threads);
}

inline const MetricSpec& spec(const Simulation& simulation, std::string_view name) {
  const std::size_t index = simulation.metrics().find(name);
  if (index >= simulation.metrics().specs().size()) {
    throw std::runtime_error("no metric " + std::string(name));
  }
  return simulation.metrics().spec(index);
}

/// Money is conserved to the fen at every recorded step and every row (flow
/// kind) and column (institution) of the month's flow matrix sums to zero.
/// Every column of the two runs' household tables is identical (thread or
/// rank invariance of the whole state, not just of the metrics).
inline void expect_same_households(const Simulation& a, const Simulation& b,
                                   const std::string& label) {
  const AgentTable* ha = a.find_table("households");
  const AgentTable* hb = b.find_table("households");
  ASSERT_NE(ha, nullptr);
  ASSERT_NE(hb, nullptr);
  ASSERT_EQ(ha->column_count(), hb->column_count()) << label;
  for (std::size_t c = 0; c < ha->column_count(); ++c) {
    EXPECT_TRUE(ha->column_data(c) == hb->column_data(c))
        << "column " << ha->column_info(c).name << " differs: " << label;
  }
}

/// Returns the total positive flow after step 0, so a caller can check that
/// the books did not balance trivially.
inline std::int64_t expect_books_balance(const Simulation& simulation,
                                         const std::vector<MetricRow>& rows,
                                         const std::string& label) {
  const MetricSpec& error = spec(simulation, "money_error");
  const MetricSpec& flows = spec(simulation, "flow_matrix");
  const auto& dimensions = simulation.metrics().dimensions();
  const std::size_t kinds = dimensions[flows.dimensions[0]].labels.size();
  const std::size_t institutions = dimensions[flows.dimensions[1]].labels.size();
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(simulation.steps()) + 1) << label;
  std::int64_t total_flow = 0;
  for (std::size_t step = 0; step < rows.size(); ++step) {
    EXPECT_EQ(rows[step].integer_values(error)[0], 0) << label << " step " << step;
    const auto matrix = rows[step].integer_values(flows);
    std::vector<std::int64_t> row_sum(kinds, 0), column_sum(institutions, 0);
    for (std::size_t k = 0; k < kinds; ++k) {
      for (std::size_t j = 0; j < institutions; ++j) {
        const std::int64_t amount = matrix[k * institutions + j];
        row_sum[k] += amount;
        column_sum[j] += amount;
        if (step > 0 && amount > 0) total_flow += amount;
      }
    }
    for (std::size_t k = 0; k < kinds; ++k) {
      EXPECT_EQ(row_sum[k], 0) << label << " step " << step << " flow row " << k;
    }
    for (std::size_t j = 0; j < institutions; ++j) {
      EXPECT_EQ(column_sum[j], 0) << label << " step " << step << " institution column " << j;
    }
  }
  return total_flow;
}

}  // namespace cpsim::testing

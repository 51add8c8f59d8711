#pragma once
// Shared helpers of the policy tests (test_policies.cpp: mechanics, common
// random numbers, accounts; test_policy_effects.cpp: paired effects): run a
// shipped policy scenario at 1:100 for the first three years (policies act
// from step 13, January 2022) and read its metrics; the baseline of each seed
// is run once per test process and kept.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "economy/economy.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing::policies {

inline constexpr std::int64_t steps = 36;        // the policies start at step 13 (January 2022)
inline constexpr std::size_t policy_start = 13;  // rows: step 0 is the initial state
inline constexpr const char* small = "parameters.population.residents=10892";  // 1:100

inline std::vector<Override> small_run(std::uint64_t seed, std::int64_t run_steps,
                                       const std::vector<std::string>& extra = {}) {
  std::vector<Override> overrides = {parse_override(small),
                                     parse_override("steps=" + std::to_string(run_steps)),
                                     parse_override("seed=" + std::to_string(seed))};
  for (const std::string& e : extra) overrides.push_back(parse_override(e));
  return overrides;
}

/// The Xihu baseline at 1:100 for `steps` months with `seed`, run once per
/// process (the cache lives as long as the test binary).
inline const CompletedRun& baseline(std::uint64_t seed) {
  static std::map<std::uint64_t, CompletedRun> runs;
  auto found = runs.find(seed);
  if (found == runs.end()) {
    found =
        runs.emplace(seed,
                     run_scenario(
                         load_shipped("scenarios/xihu/baseline.yaml", small_run(seed, steps)), 2))
            .first;
  }
  return found->second;
}

/// scenarios/xihu/policies/FILE.yaml at 1:100 with `seed` and overrides.
inline CompletedRun run_policy(const std::string& file, std::uint64_t seed,
                               const std::vector<std::string>& extra = {},
                               std::int64_t run_steps = steps, int threads = 2) {
  return run_scenario(
      load_shipped("scenarios/xihu/policies/" + file + ".yaml", small_run(seed, run_steps, extra)),
      threads);
}

/// One element of a metric over all steps.
inline std::vector<double> element(const CompletedRun& run, const std::string& name,
                                   std::size_t k) {
  const auto& set = run.simulation->metrics();
  const std::size_t index = set.find(name);
  if (index == set.specs().size()) throw std::invalid_argument("no metric " + name);
  const MetricSpec& spec = set.spec(index);
  std::vector<double> values;
  for (const MetricRow& row : run.rows) {
    values.push_back(spec.type == MetricType::Real
                         ? row.real_values(spec)[k]
                         : static_cast<double>(row.integer_values(spec)[k]));
  }
  return values;
}

/// Mean of a metric's element while the policies act (steps 13..36).
inline double policy_mean(const CompletedRun& run, const std::string& name, std::size_t k = 0) {
  return mean_after(element(run, name, k), policy_start);
}

/// Sum of policy_spending over every instance and month, RMB.
inline double total_policy_spending(const CompletedRun& run) {
  const auto& set = run.simulation->metrics();
  const std::size_t index = set.find("policy_spending");
  if (index == set.specs().size()) return 0;  // a run without policies
  const MetricSpec& spec = set.spec(index);
  double total = 0;
  // Row 0 is the initial state: no month lived, spending undefined (NaN).
  for (std::size_t step = 1; step < run.rows.size(); ++step) {
    for (const double x : run.rows[step].real_values(spec)) total += x;
  }
  return total;
}

/// Mean of a float column of a table at the end of the run.
inline double final_mean(const CompletedRun& run, const std::string& table,
                         const std::string& column) {
  const AgentTable& t = *run.simulation->find_table(table);
  const auto& data = std::get<std::vector<float>>(t.column_data(t.find_column(column)));
  double sum = 0;
  for (const float x : data) sum += static_cast<double>(x);
  return sum / static_cast<double>(data.size());
}

inline std::size_t sector_index(models::economy::Sector sector) {
  return static_cast<std::size_t>(sector);
}

/// Index of cell (kind, institution) of flow_matrix.
inline std::size_t flow_cell(models::economy::Flow kind, models::economy::Institution who) {
  return static_cast<std::size_t>(kind) * models::economy::institution_count +
         static_cast<std::size_t>(who);
}

/// Mean while the policies act of the government's public purchases (the
/// spending the fiscal rule sets, R11), fen a month.
inline double public_purchases_mean(const CompletedRun& run) {
  using models::economy::Flow;
  using models::economy::Institution;
  // The government's column holds its payments as negative amounts.
  return -policy_mean(run, "flow_matrix",
                      flow_cell(Flow::government_purchases, Institution::government));
}

}  // namespace cpsim::testing::policies

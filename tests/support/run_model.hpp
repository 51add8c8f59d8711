#pragma once
// Shared fixtures: load a shipped scenario with overrides and run it in
// process, collecting every metric row and the final agent tables.
#include <gtest/gtest.h>

#include <cstring>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/simulation.hpp"
#include "registry.hpp"

namespace cpsim::testing {

inline Scenario load_shipped(const std::string& relative_path,
                             const std::vector<Override>& overrides = {}) {
  const ModelRegistry registry = app::make_registry();
  return load_scenario(std::string(CPSIM_SOURCE_DIR) + "/" + relative_path, overrides, registry);
}

/// Loading the shipped scenario with each `KEY=VALUE` override alone fails,
/// and the message names KEY (a bad parameter is refused where it is set).
inline void expect_overrides_refused(const std::string& relative_path,
                                     const std::vector<std::string>& settings) {
  for (const std::string& setting : settings) {
    try {
      load_shipped(relative_path, {parse_override(setting)});
      ADD_FAILURE() << setting << " was accepted";
    } catch (const std::exception& e) {
      const std::string key = setting.substr(0, setting.find('='));
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

class RecordingObserver final : public StepObserver {
 public:
  bool on_step(const Simulation&, std::int64_t, const MetricRow& row) override {
    rows.push_back(row);
    return true;
  }
  std::vector<MetricRow> rows;
};

struct CompletedRun {
  std::unique_ptr<Simulation> simulation;
  std::vector<MetricRow> rows;

  /// One scalar real metric over all recorded steps (step 0 first).
  [[nodiscard]] std::vector<double> series(const std::string& name) const {
    const auto& set = simulation->metrics();
    const auto index = set.find(name);
    if (index == set.specs().size()) throw std::invalid_argument("no metric " + name);
    std::vector<double> values;
    for (const auto& row : rows) {
      const MetricSpec& spec = set.spec(index);
      values.push_back(spec.type == MetricType::Real
                           ? row.real_values(spec)[0]
                           : static_cast<double>(row.integer_values(spec)[0]));
    }
    return values;
  }
};

/// A column of the households table at the end of a run.
template <class T>
std::span<const T> household_column(const CompletedRun& run, std::string_view name) {
  const AgentTable& t = *run.simulation->find_table("households");
  const std::size_t c = t.find_column(name);
  if (c == t.column_count())
    throw std::invalid_argument("no household column " + std::string(name));
  return std::get<std::vector<T>>(t.column_data(c));
}

inline CompletedRun run_scenario(const Scenario& scenario, int threads) {
  const ModelRegistry registry = app::make_registry();
  CompletedRun run{std::make_unique<Simulation>(scenario.seed, scenario.steps), {}};
  run.simulation->build(registry.find(scenario.model)->create(), scenario.parameters);
  RecordingObserver observer;
  run.simulation->run(threads, observer);
  run.rows = std::move(observer.rows);
  return run;
}

/// True when every metric of every step is bit-identical.
inline bool identical_rows(const std::vector<MetricRow>& a, const std::vector<MetricRow>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].reals().size() != b[i].reals().size() ||
        a[i].integers().size() != b[i].integers().size())
      return false;
    if (std::memcmp(a[i].reals().data(), b[i].reals().data(),
                    a[i].reals().size() * sizeof(double)) != 0)
      return false;
    if (std::memcmp(a[i].integers().data(), b[i].integers().data(),
                    a[i].integers().size() * sizeof(std::int64_t)) != 0)
      return false;
  }
  return true;
}

inline double mean_after(const std::vector<double>& series, std::size_t burn_in) {
  double sum = 0;
  for (std::size_t i = burn_in; i < series.size(); ++i) sum += series[i];
  return sum / static_cast<double>(series.size() - burn_in);
}

}  // namespace cpsim::testing

#pragma once
// The calibration table of a district-economy run (calibration.cpp): each
// target's band and simulated value, for tests that check every target.
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "models/economy_fixture.hpp"

namespace cpsim::testing {

struct CalibrationRow {
  std::string target;
  double low = 0, high = 0, simulated = 0;
};

/// The rows of kind "target" (not "context") of a run's calibration table.
inline std::vector<CalibrationRow> calibration_targets(const EconomyRun& run) {
  const auto tables = run.simulation->model()->report(*run.simulation);
  if (tables.size() != 1 || tables[0].name != "calibration") {
    throw std::runtime_error("the run reports no calibration table");
  }
  const ResultTable& table = tables[0];
  const auto find = [&](std::string_view name) -> const ResultTable::Column& {
    for (const auto& c : table.columns) {
      if (c.name == name) return c;
    }
    throw std::runtime_error("no column " + std::string(name));
  };
  const auto& target = std::get<std::vector<std::string>>(find("target").values);
  const auto& kind = std::get<std::vector<std::string>>(find("kind").values);
  const auto& low = std::get<std::vector<double>>(find("low").values);
  const auto& high = std::get<std::vector<double>>(find("high").values);
  const auto& simulated = std::get<std::vector<double>>(find("simulated").values);
  std::vector<CalibrationRow> rows;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    if (kind[r] == "target") rows.push_back({target[r], low[r], high[r], simulated[r]});
  }
  return rows;
}

}  // namespace cpsim::testing

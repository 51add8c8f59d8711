// Calibration of the 1:100 Xihu scenario: over its first simulated year every
// target of the calibration table (urban:rural income ratio, services and
// digital-economy shares of value added, unemployment, Gini) lies in its range.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "models/economy_fixture.hpp"

namespace cpsim::testing {
namespace {

TEST(EconomyCalibration, XihuSmallFirstYearMeetsEveryTarget) {
  for (const std::uint64_t seed : {20210701ULL, 5ULL}) {
    const auto run = run_xihu_small(seed, 12, 2);
    const auto tables = run->simulation->model()->report(*run->simulation);
    ASSERT_EQ(tables.size(), 1U);
    const ResultTable& table = tables[0];
    EXPECT_EQ(table.name, "calibration");
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
    std::size_t targets = 0;
    for (std::size_t r = 0; r < table.rows(); ++r) {
      if (kind[r] != "target") continue;
      ++targets;
      EXPECT_GE(simulated[r], low[r]) << target[r] << " seed " << seed;
      EXPECT_LE(simulated[r], high[r]) << target[r] << " seed " << seed;
    }
    EXPECT_EQ(targets, 5U);
  }
}

}  // namespace
}  // namespace cpsim::testing

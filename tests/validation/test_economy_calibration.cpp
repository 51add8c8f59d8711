// Calibration of the Xihu economy over its first simulated year (issue 10,
// item 5): the mean over seeds 1-8 of the 1:100 scenario lies in every
// target's range (urban:rural income ratio, services and digital-economy
// shares of value added, unemployment, Gini). The seeds are the first eight,
// not chosen because they pass; each 1:100 seed alone may leave a band (the
// ratio spans 1.42-1.59 over these seeds: a few hundred households per
// village). The 1:1 baseline at every one of the eight seeds is checked in
// tests/statistical/test_calibration_full_scale.cpp (about 90 s).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "models/calibration_table.hpp"

namespace cpsim::testing {
namespace {

TEST(EconomyCalibration, XihuSmallMeanOverEightSeedsMeetsEveryTarget) {
  constexpr int seeds = 8;
  std::map<std::string, CalibrationRow> mean;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const auto run = run_xihu_small(seed, 12, 2);
    const std::vector<CalibrationRow> rows = calibration_targets(*run);
    EXPECT_EQ(rows.size(), 5U);
    for (const CalibrationRow& row : rows) {
      CalibrationRow& m =
          mean.try_emplace(row.target, CalibrationRow{row.target, row.low, row.high}).first->second;
      m.simulated += row.simulated / seeds;
    }
  }
  ASSERT_EQ(mean.size(), 5U);
  for (const auto& [target, m] : mean) {
    EXPECT_GE(m.simulated, m.low) << target;
    EXPECT_LE(m.simulated, m.high) << target;
  }
}

}  // namespace
}  // namespace cpsim::testing

// Calibration of the 1:1 Xihu baseline (issue 10, item 5): at each of the
// seeds 1-8 (the first eight, not chosen because they pass), every target of
// the first year's calibration table lies in its range. Eight set-ups of
// 1.09 million residents and twelve months each: about 90 s in Release on
// two cores, hence the statistical label (Release only).
#include <gtest/gtest.h>

#include "models/calibration_table.hpp"

namespace cpsim::testing {
namespace {

TEST(EconomyCalibration, XihuFullScaleEverySeedMeetsEveryTarget) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const auto run = run_economy(shipped_scenario("xihu/baseline.yaml", seed, 12), 2);
    const std::vector<CalibrationRow> rows = calibration_targets(*run);
    EXPECT_EQ(rows.size(), 5U);
    for (const CalibrationRow& row : rows) {
      EXPECT_GE(row.simulated, row.low) << row.target << " seed " << seed;
      EXPECT_LE(row.simulated, row.high) << row.target << " seed " << seed;
    }
  }
}

}  // namespace
}  // namespace cpsim::testing

// Yearly rural-urban migration of the district economy (migration.cpp,
// docs/economy-model.md "Migration") on Xihu at 1:100: a zero hazard is the
// baseline bit for bit; with a hazard households move only from villages to
// urban communities and the rural resident share falls; a larger hukou
// penalty or living-cost premium means fewer movers; money is conserved and
// the flow matrix balances; results are identical at 1, 2 and 4 threads.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

constexpr std::uint64_t seed = 20210701;
constexpr std::int64_t steps = 36;               // three year ends
constexpr std::uint16_t xihu_communities = 165;  // regions 0..164 are communities
constexpr std::uint8_t rural_resident_flag = 1;
// A living-cost premium below the default (1,000) gives a few dozen movers in
// three years at 1:100, enough to compare.
constexpr const char* cheaper_city = "parameters.migration.living_cost_premium_month=500";

CompletedRun run_migration(std::vector<std::string> settings, int threads = 2,
                           std::int64_t run_steps = steps) {
  std::vector<Override> overrides{parse_override("seed=" + std::to_string(seed)),
                                  parse_override("steps=" + std::to_string(run_steps)),
                                  parse_override(cheaper_city)};
  for (const std::string& s : settings) overrides.push_back(parse_override(s));
  // Village-to-community moves alone: no arrivals from outside or returns,
  // so the runs' rows are the same households.
  for (const Override& o : closed_boundary()) overrides.push_back(o);
  return run_scenario(load_shipped("scenarios/xihu/migration-small.yaml", overrides), threads);
}

const CompletedRun& with_migration() {
  static const CompletedRun run = run_migration({});
  return run;
}

const CompletedRun& without_migration() {
  static const CompletedRun run = run_migration({"parameters.migration.hazard=0"});
  return run;
}

double total(const std::vector<double>& series) {
  return std::accumulate(series.begin(), series.end(), 0.0);
}

TEST(Migration, ZeroHazardIsTheBaselineBitForBit) {
  std::vector<Override> overrides{parse_override("seed=" + std::to_string(seed)),
                                  parse_override("steps=" + std::to_string(steps))};
  for (const Override& o : closed_boundary()) overrides.push_back(o);
  const CompletedRun baseline =
      run_scenario(load_shipped("scenarios/xihu-small.yaml", overrides), 2);
  EXPECT_TRUE(identical_rows(baseline.rows, without_migration().rows));
  EXPECT_EQ(total(without_migration().series("migrating_households")), 0.0);
}

TEST(Migration, HouseholdsMoveOnlyFromVillagesToCommunities) {
  const CompletedRun& moved = with_migration();
  const CompletedRun& stayed = without_migration();
  // Residence changes only by migration, so the zero-hazard run's final
  // residence is everyone's initial one.
  const auto region_before = household_column<std::uint16_t>(stayed, "region");
  const auto flags_before = household_column<std::uint8_t>(stayed, "flags");
  const auto region_after = household_column<std::uint16_t>(moved, "region");
  const auto flags_after = household_column<std::uint8_t>(moved, "flags");
  ASSERT_EQ(region_before.size(), region_after.size());
  std::int64_t movers = 0;
  for (std::size_t i = 0; i < region_after.size(); ++i) {
    const bool rural_before = (flags_before[i] & rural_resident_flag) != 0;
    const bool rural_after = (flags_after[i] & rural_resident_flag) != 0;
    EXPECT_EQ(rural_after, region_after[i] >= xihu_communities) << "household " << i;
    EXPECT_EQ(flags_before[i] & ~rural_resident_flag, flags_after[i] & ~rural_resident_flag)
        << "hukou and other flags are kept, household " << i;
    if (rural_before && !rural_after) {
      ++movers;
    } else {
      EXPECT_EQ(region_before[i], region_after[i]) << "household " << i;
    }
  }
  EXPECT_GT(movers, 0);
  EXPECT_EQ(static_cast<double>(movers), total(moved.series("migrating_households")));
  // Moves happen at the year ends only.
  const std::vector<double> yearly = moved.series("migrating_households");
  for (std::size_t step = 0; step < yearly.size(); ++step) {
    if (step % 12 != 0 || step == 0) EXPECT_EQ(yearly[step], 0.0) << "step " << step;
  }
  EXPECT_GT(total(moved.series("migrating_persons")), static_cast<double>(movers) - 1);
  const double share_start = moved.series("rural_resident_share").front();
  EXPECT_EQ(share_start, stayed.series("rural_resident_share").front());
  EXPECT_LT(moved.series("rural_resident_share").back(),
            stayed.series("rural_resident_share").back());
}

TEST(Migration, LargerHukouPenaltyOrLivingCostMeansFewerMovers) {
  const double movers = total(with_migration().series("migrating_households"));
  const double penalised = total(
      run_migration({"parameters.migration.hukou_penalty=0.3"}).series("migrating_households"));
  const double costly = total(run_migration({"parameters.migration.living_cost_premium_month=1000"})
                                  .series("migrating_households"));
  EXPECT_LT(penalised, movers);
  EXPECT_LT(costly, movers);
}

TEST(Migration, MoneyIsConservedAndTheFlowMatrixBalances) {
  const CompletedRun& run = with_migration();
  EXPECT_GT(expect_books_balance(*run.simulation, run.rows, "migration"), 0);
}

TEST(Migration, BitIdenticalAtOneTwoAndFourThreads) {
  const CompletedRun one = run_migration({}, 1, 25);
  ASSERT_GT(total(one.series("migrating_households")), 0.0);
  for (const int threads : {2, 4}) {
    const CompletedRun other = run_migration({}, threads, 25);
    EXPECT_TRUE(identical_rows(one.rows, other.rows)) << threads << " threads";
    expect_same_households(*one.simulation, *other.simulation,
                           std::to_string(threads) + " threads");
  }
}

}  // namespace
}  // namespace cpsim::testing

// Harris-Todaro migration against its analytic equilibrium.
#include <gtest/gtest.h>

#include <oneapi/tbb/global_control.h>

#include <cmath>

#include "support/run_model.hpp"

namespace cpsim {
namespace {

using testing::load_shipped;
using testing::mean_after;
using testing::run_scenario;

TEST(HarrisTodaro, MigrationStopsWhereTheRuralWageEqualsTheExpectedUrbanWage) {
  // scenarios/harris-todaro.yaml: w_u = 1, E = 4000 of N = 10000, rural wage
  // 0.5 l^-0.5. The root of 4000 / L_u = 0.5 ((N - L_u) / N)^-0.5 is
  // L_u = 5416.26 (checked independently by bisection in Python).
  const auto run = run_scenario(load_shipped("scenarios/harris-todaro.yaml"), 2);
  EXPECT_NEAR(run.series("urban_share_theory").back(), 0.541626, 1e-5);
  const double share = mean_after(run.series("urban_share"), 200);
  EXPECT_NEAR(share, 0.541626, 0.002);
  // At the equilibrium the two wages agree and the city keeps unemployment
  // although its wage (1.0) is above the rural one: 1 - E / L_u = 0.2615.
  EXPECT_NEAR(mean_after(run.series("expected_urban_wage"), 200),
              mean_after(run.series("rural_wage"), 200), 0.005);
  EXPECT_NEAR(mean_after(run.series("urban_unemployment_rate"), 200), 1.0 - 4000.0 / 5416.26,
              0.005);
  // Migration has stopped: almost no one moves over the last 100 steps.
  const auto moved = run.series("net_migration_to_city");
  double late_moves = 0;
  for (std::size_t s = moved.size() - 100; s < moved.size(); ++s) late_moves += moved[s];
  EXPECT_LT(late_moves, 50.0);
}

TEST(HarrisTodaro, WithoutUrbanUnemploymentTheWagesEqualize) {
  // 8000 jobs at w_u = 0.6: the city fills only to where 0.5 l^-0.5 = 0.6,
  // l = (5/6)^2, an urban share of 11/36 = 0.30556 below the jobs on offer.
  const auto run = run_scenario(
      load_shipped("scenarios/harris-todaro.yaml",
                   {{"parameters.urban.jobs", "8000"}, {"parameters.urban.wage", "0.6"}}),
      2);
  EXPECT_NEAR(run.series("urban_share_theory").back(), 11.0 / 36.0, 1e-6);
  EXPECT_NEAR(mean_after(run.series("urban_share"), 200), 11.0 / 36.0, 0.003);
  EXPECT_EQ(run.series("urban_unemployment_rate").back(), 0.0);
}

TEST(HarrisTodaro, BitIdenticalAtOneTwoAndFourThreads) {
  const oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism, 4);
  const auto scenario = load_shipped("scenarios/harris-todaro.yaml",
                                     {{"steps", "40"}, {"parameters.workers", "30001"}});
  const auto one = run_scenario(scenario, 1);
  for (const int threads : {2, 4}) {
    EXPECT_TRUE(testing::identical_rows(one.rows, run_scenario(scenario, threads).rows))
        << threads << " threads";
  }
}

}  // namespace
}  // namespace cpsim

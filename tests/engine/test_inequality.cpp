#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "cpsim/engine/inequality.hpp"

namespace cpsim {
namespace {

// Per-capita incomes 10,000, 20,000, 40,000 and 80,000 RMB a year held by
// 2, 1, 1 and 4 persons: the same as the eight persons
// {10k, 10k, 20k, 40k, 80k, 80k, 80k, 80k}, total 400k, mean 50k. Groups:
// A = the two poorest households, B = the two richest. Every expected value
// below is worked out by hand (analysis/tests/test_inequality.py checks the
// Python package and `cpsim inequality` against the same numbers).
const std::vector<double> incomes{10000, 20000, 40000, 80000};
const std::vector<double> persons{2, 1, 1, 4};
const std::vector<std::uint32_t> groups{0, 0, 1, 1};

TEST(Inequality, HandComputedVector) {
  const InequalityReport r = measure_inequality(incomes, persons, groups, 2);
  const DistributionStatistics& d = r.distribution;
  const double ln2 = std::log(2.0);
  EXPECT_DOUBLE_EQ(d.total_weight, 8.0);
  EXPECT_DOUBLE_EQ(d.mean, 50000.0);
  EXPECT_DOUBLE_EQ(d.median, 40000.0);  // the 4th of 8 persons
  // 2 sum i x_(i) / (n sum x) - (n + 1) / n over the eight persons.
  EXPECT_NEAR(d.gini, 2.0 * 233.0 / 320.0 - 9.0 / 8.0, 1e-15);
  // Cuts at 1.6, 3.2, 4.8, 6.4 and 7.2 persons, interpolated within a household.
  EXPECT_NEAR(d.bottom40_share, 4.8 / 40.0, 1e-15);
  EXPECT_NEAR(d.top10_share, 1.0 - 33.6 / 40.0, 1e-15);
  EXPECT_NEAR(d.palma, 0.16 / 0.12, 1e-12);
  const double quintiles[] = {0.04, 0.08, 0.24, 0.32, 0.32};
  for (std::size_t q = 0; q < 5; ++q) EXPECT_NEAR(d.quintile_share[q], quintiles[q], 1e-15);
  EXPECT_DOUBLE_EQ(d.relative_poverty_line, 20000.0);
  EXPECT_DOUBLE_EQ(d.relative_poverty_rate, 0.25);     // the two persons at 10,000
  EXPECT_DOUBLE_EQ(d.middle_income_share, 5.0 / 8.0);  // 40,000 and 80,000 are in the NBS band
  // MLD = ln mu - mean ln x = ln 5 - (15/8) ln 2 (incomes in units of 10,000).
  EXPECT_NEAR(r.mean_log_deviation, std::log(5.0) - 15.0 / 8.0 * ln2, 1e-12);
  // T = sum w x ln x / X - ln mu = (106/40) ln 2 - ln 5.
  EXPECT_NEAR(r.theil.total, 106.0 / 40.0 * ln2 - std::log(5.0), 1e-12);
  // A: mean 4/3, income share 0.1; B: mean 7.2, income share 0.9.
  const double theil_a = 0.5 * ln2 - std::log(4.0 / 3.0);
  const double theil_b = 104.0 / 36.0 * ln2 - std::log(7.2);
  EXPECT_NEAR(r.theil.within, 0.1 * theil_a + 0.9 * theil_b, 1e-12);
  EXPECT_NEAR(r.theil.between, 0.1 * std::log(4.0 / 15.0) + 0.9 * std::log(7.2 / 5.0), 1e-12);
  EXPECT_NEAR(r.theil.within + r.theil.between, r.theil.total, 1e-12);
  ASSERT_EQ(r.groups.size(), 2U);
  EXPECT_DOUBLE_EQ(r.groups[0].weight, 3.0);
  EXPECT_DOUBLE_EQ(r.groups[0].weight_share, 3.0 / 8.0);
  EXPECT_NEAR(r.groups[0].mean, 40000.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.groups[1].mean_ratio, 72000.0 / 50000.0, 1e-15);
  EXPECT_NEAR(r.groups[1].income_share, 0.9, 1e-15);
  EXPECT_NEAR(r.groups[0].theil, theil_a, 1e-12);
  EXPECT_NEAR(r.group_mean_ratio, 5.4, 1e-12);
}

TEST(Inequality, MeanLogDeviationEdges) {
  EXPECT_DOUBLE_EQ(mean_log_deviation(std::vector<double>{3, 3, 3}, std::vector<double>{1, 2, 3}),
                   0.0);
  // A zero income with weight diverges; with zero weight it is left out.
  EXPECT_EQ(mean_log_deviation(std::vector<double>{0, 2}, std::vector<double>{1, 1}),
            std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(mean_log_deviation(std::vector<double>{0, 2}, std::vector<double>{0, 1}), 0.0);
  EXPECT_DOUBLE_EQ(mean_log_deviation(std::vector<double>{}, std::vector<double>{}), 0.0);
}

TEST(Inequality, OneGroupHasNoBetweenPart) {
  const std::vector<std::uint32_t> one(incomes.size(), 0);
  const InequalityReport r = measure_inequality(incomes, persons, one, 1);
  EXPECT_NEAR(r.theil.between, 0.0, 1e-15);
  EXPECT_NEAR(r.theil.within, r.theil.total, 1e-15);
  EXPECT_DOUBLE_EQ(r.group_mean_ratio, 1.0);
  EXPECT_DOUBLE_EQ(r.groups[0].mean_ratio, 1.0);
}

TEST(Inequality, RefusesBadInputs) {
  EXPECT_THROW(measure_inequality(incomes, std::vector<double>{1, 1}, groups, 2),
               std::invalid_argument);
  EXPECT_THROW(measure_inequality(incomes, std::vector<double>{1, -1, 1, 1}, groups, 2),
               std::invalid_argument);
  EXPECT_THROW(measure_inequality(incomes, persons, groups, 1), std::out_of_range);
}

}  // namespace
}  // namespace cpsim

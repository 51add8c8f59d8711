// Sector prices (docs/economy-rules.md R5): a sector's price follows its unit
// labour cost, so relative prices move with the productivity trends alone
// (hand-computed); no pass-through keeps every price at 1; the consumer price
// index lies between the sector prices; money stays exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

constexpr std::size_t digital = 0, services = 2;

/// The price of each sector at each recorded step.
std::vector<std::vector<double>> prices(const CompletedRun& run) {
  const MetricSet& set = run.simulation->metrics();
  const MetricSpec& spec = set.spec(set.find("price_level"));
  std::vector<std::vector<double>> out;
  for (const MetricRow& row : run.rows) {
    const auto values = row.real_values(spec);
    out.emplace_back(values.begin(), values.end());
  }
  return out;
}

std::vector<Override> trends(const char* passthrough) {
  return {{"parameters.sectors.digital_economy.productivity_growth", "0.05"},
          {"parameters.sectors.services.productivity_growth", "0.02"},
          {"parameters.firms.price_cost_passthrough", passthrough}};
}

TEST(Prices, RelativePricesFollowTheProductivityTrends) {
  // dlog P_s = log(1 + d) - a_s / 12 each month, so the district's wage
  // growth d cancels: P_services / P_digital = exp((0.05 - 0.02) t / 12).
  const CompletedRun run = run_scenario(xihu_small(5, 24, trends("1")), 2);
  const auto p = prices(run);
  for (std::size_t t = 0; t < p.size(); ++t) {
    EXPECT_NEAR(p[t][services] / p[t][digital], std::exp(0.03 * static_cast<double>(t) / 12.0),
                1e-12)
        << t;
  }
  // Wages grow faster than services' productivity: services get dearer.
  EXPECT_GT(p.back()[services], 1.0);
}

TEST(Prices, ConsumerPricesLieBetweenTheSectorPrices) {
  const CompletedRun run = run_scenario(xihu_small(6, 24, trends("1")), 2);
  const auto p = prices(run);
  const auto cpi = run.series("consumer_price_index");
  for (std::size_t t = 1; t < p.size(); ++t) {
    EXPECT_GE(cpi[t], *std::min_element(p[t].begin(), p[t].end()) - 1e-12) << t;
    EXPECT_LE(cpi[t], *std::max_element(p[t].begin(), p[t].end()) + 1e-12) << t;
  }
  for (const double error : run.series("money_error")) EXPECT_EQ(error, 0.0);
}

TEST(Prices, NoPassThroughKeepsEveryPriceAtOne) {
  const CompletedRun run = run_scenario(xihu_small(5, 14, trends("0")), 2);
  for (const auto& step : prices(run)) {
    for (const double price : step) EXPECT_EQ(price, 1.0);
  }
  for (const double cpi : run.series("consumer_price_index")) EXPECT_EQ(cpi, 1.0);
  // Real GDP is then GDP.
  EXPECT_EQ(run.series("real_gdp"), run.series("gdp"));
}

TEST(Prices, DearerServicesHireFewerWorkersForTheSameSpending) {
  // Paired by seed: with markup pricing services' value added per worker
  // keeps up with wages, so after five years the district employs fewer
  // people than with prices held at 1, at every seed.
  for (const std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    const auto employment = [&](const char* passthrough) {
      return run_scenario(xihu_small(seed, 60, trends(passthrough)), 2).series("employment").back();
    };
    EXPECT_LT(employment("1"), employment("0")) << "seed " << seed;
  }
}

}  // namespace
}  // namespace cpsim::testing

// The district equity fund (equity_fund.cpp, docs/economy-rules.md R8a):
// hand-computed holdings (Pareto by rank at the top, pro rata below) and
// payments; on Xihu at 1:100 the fund's dividends reach nearly every
// household, no holder takes more than the top stratum's share, the bank
// passes on exactly what it receives, and money is conserved; out-of-range
// ownership parameters are refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "economy/economy.hpp"
#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

using models::economy::equity_fund_holdings;
using models::economy::equity_fund_payment;

TEST(EquityFund, HoldingsAreParetoByRankAtTheTopAndProRataBelow) {
  const std::vector<double> wealth{100, 400, 300, 200, 0, 500, 600, 700, 800, 900};
  // Top 2 of 10, exponent 1: x = (0.5/2)^-1 = 4 and (1.5/2)^-1 = 4/3, holding
  // half the fund: 0.375 and 0.125. The other half pro rata to 2,800.
  const std::vector<double> h = equity_fund_holdings(wealth, 0.2, 0.5, 1.0);
  ASSERT_EQ(h.size(), wealth.size());
  EXPECT_DOUBLE_EQ(h[9], 0.375);
  EXPECT_DOUBLE_EQ(h[8], 0.125);
  EXPECT_DOUBLE_EQ(h[7], 700.0 / 2800.0 * 0.5);
  EXPECT_DOUBLE_EQ(h[0], 100.0 / 2800.0 * 0.5);
  EXPECT_EQ(h[4], 0.0);
  EXPECT_NEAR(std::accumulate(h.begin(), h.end(), 0.0), 1.0, 1e-12);
}

TEST(EquityFund, EqualWealthIsRankedByRowAndAllTopWithoutABody) {
  // Everyone in the top: the whole fund follows the Pareto law; ties by row.
  const std::vector<double> h = equity_fund_holdings(std::vector<double>{5, 5}, 1.0, 0.67, 1.0);
  // x = (0.5/2)^-1 = 4 and (1.5/2)^-1 = 4/3: shares 0.75 and 0.25.
  EXPECT_DOUBLE_EQ(h[0], 0.75);
  EXPECT_DOUBLE_EQ(h[1], 0.25);
}

TEST(EquityFund, PaymentsAreFlooredToTheFen) {
  EXPECT_EQ(equity_fund_payment(1000, 1.0 / 3.0, 1.0), 333);
  EXPECT_EQ(equity_fund_payment(1000, 0.5, 2.0), 250);
  EXPECT_EQ(equity_fund_payment(1000, 0.5, 0.0), 0);
}

TEST(EquityFund, DividendsReachNearlyEveryHouseholdAndTheBankPassesThemOn) {
  // A closed district: every row is a set-up household holding its units.
  const auto run = run_xihu_small(20210701, 12, 2, closed_boundary());
  const Simulation& s = *run->simulation;
  const AgentTable& t = *s.find_table("households");
  const auto& share =
      std::get<std::vector<float>>(t.column_data(t.find_column("equity_fund_share")));
  const auto& property =
      std::get<std::vector<std::int64_t>>(t.column_data(t.find_column("property_income")));
  std::size_t holders = 0, paid = 0;
  double largest = 0, total = 0;
  for (std::size_t i = 0; i < share.size(); ++i) {
    total += share[i];
    largest = std::max(largest, static_cast<double>(share[i]));
    if (share[i] > 0) ++holders;
    if (property[i] > 0) ++paid;
  }
  EXPECT_NEAR(total, 1.0, 1e-4);
  EXPECT_GT(static_cast<double>(holders), 0.95 * static_cast<double>(share.size()));
  EXPECT_GT(static_cast<double>(paid), 0.9 * static_cast<double>(share.size()));
  // Top stratum of the Pareto law with the defaults (top 10 %, 67 %, 1.5).
  EXPECT_LT(largest, 0.06);
  // The bank is only the fund's custodian: its dividends column nets to 0.
  const MetricSpec& matrix = spec(s, "flow_matrix");
  const auto& dimensions = s.metrics().dimensions();
  const std::size_t institutions = dimensions[matrix.dimensions[1]].labels.size();
  const auto dividends = static_cast<std::size_t>(models::economy::Flow::dividends);
  const auto bank = static_cast<std::size_t>(models::economy::Institution::bank);
  const auto households = static_cast<std::size_t>(models::economy::Institution::households);
  std::int64_t received = 0;
  for (const MetricRow& row : run->observer.rows) {
    const auto flows = row.integer_values(matrix);
    EXPECT_EQ(flows[dividends * institutions + bank], 0);
    received += flows[dividends * institutions + households];
  }
  EXPECT_GT(received, 0);
  EXPECT_GT(expect_books_balance(s, run->observer.rows, "equity fund"), 0);
}

TEST(EquityFund, OutOfRangeOwnershipParametersAreRefused) {
  expect_overrides_refused("scenarios/xihu-small.yaml",
                           {"parameters.wealth.equity_pareto_exponent=0.5",
                            "parameters.wealth.equity_top_holding_share=1.5",
                            "parameters.wealth.equity_participation_urban=-0.1"});
}

}  // namespace
}  // namespace cpsim::testing

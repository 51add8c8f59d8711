// The district government's fiscal rule (government.cpp, docs/economy-rules.md
// R11): hand-computed smoothing and planned purchases; a budget without
// enough revenue buys nothing, borrows, and pays interest on last month's debt
// to the bank, to the fen; a policy's cost is paid by lower public purchases;
// results are identical at 1, 2 and 4 threads; out-of-range rule parameters
// are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "economy/economy.hpp"
#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

using models::economy::FiscalRuleState;
using models::economy::planned_public_purchases;
using models::economy::update_fiscal_rule;

constexpr std::uint64_t seed = 20210701;

TEST(FiscalRule, FirstMonthSetsTheSmoothedValuesThenTheyAdapt) {
  FiscalRuleState rule;
  update_fiscal_rule(rule, 80000, 30000, 0.25);
  EXPECT_TRUE(rule.started);
  EXPECT_EQ(rule.smoothed_resources, 80000.0);
  EXPECT_EQ(rule.smoothed_committed, 30000.0);
  update_fiscal_rule(rule, 100000, 40000, 0.25);
  EXPECT_EQ(rule.smoothed_resources, 85000.0);  // 80,000 + 0.25 x 20,000
  EXPECT_EQ(rule.smoothed_committed, 32500.0);  // 30,000 + 0.25 x 10,000
}

TEST(FiscalRule, PurchasesCloseTheNetPositionAtTheCorrectionRate) {
  FiscalRuleState rule{85000.0, 32500.0, true};
  // Balanced position: purchases are the smoothed surplus of resources.
  EXPECT_EQ(planned_public_purchases(rule, 0, 0.2), 52500);
  // Debt of 1,200,000 fen: 0.2 / 12 x 1,200,000 = 20,000 fen less.
  EXPECT_EQ(planned_public_purchases(rule, -1200000, 0.2), 32500);
  // Deposits of 600,000 fen are spent down: 10,000 fen more.
  EXPECT_EQ(planned_public_purchases(rule, 600000, 0.2), 62500);
  // A fraction of a fen stays with the government.
  EXPECT_EQ(planned_public_purchases(FiscalRuleState{100.9, 0.0, true}, 0, 0.2), 100);
  // Never negative: committed spending above resources buys nothing.
  EXPECT_EQ(planned_public_purchases(FiscalRuleState{1000.0, 5000.0, true}, 0, 0.2), 0);
  EXPECT_EQ(planned_public_purchases(rule, -100000000, 0.2), 0);
}

// Without VAT and corporate tax, and without the provincial pension refund,
// the district's pensions and dibao exceed its revenue: the rule buys
// nothing and the deficits add to debt.
const std::vector<std::string> no_revenue{
    "parameters.tax.vat_rate=0", "parameters.tax.corporate_rate=0",
    "parameters.tax.corporate_rate_high_tech=0", "parameters.pension.upper_funded_share=0"};

CompletedRun run_small(std::vector<std::string> settings, std::int64_t steps, int threads = 2,
                       const std::string& file = "scenarios/xihu-small.yaml") {
  std::vector<Override> overrides{parse_override("seed=" + std::to_string(seed)),
                                  parse_override("steps=" + std::to_string(steps))};
  for (const std::string& s : settings) overrides.push_back(parse_override(s));
  return run_scenario(load_shipped(file, overrides), threads);
}

/// The government's (or another institution's) entry of one flow, fen, by step.
std::vector<std::int64_t> flow_of(const CompletedRun& run, std::string_view flow,
                                  std::string_view institution) {
  const Simulation& s = *run.simulation;
  const MetricSpec& matrix = spec(s, "flow_matrix");
  const auto& dimensions = s.metrics().dimensions();
  const auto& kinds = dimensions[matrix.dimensions[0]].labels;
  const auto& institutions = dimensions[matrix.dimensions[1]].labels;
  const auto k =
      static_cast<std::size_t>(std::find(kinds.begin(), kinds.end(), flow) - kinds.begin());
  const auto j = static_cast<std::size_t>(
      std::find(institutions.begin(), institutions.end(), institution) - institutions.begin());
  if (k == kinds.size() || j == institutions.size()) throw std::invalid_argument("no such flow");
  std::vector<std::int64_t> values;
  for (const MetricRow& row : run.rows) {
    values.push_back(row.integer_values(matrix)[k * institutions.size() + j]);
  }
  return values;
}

TEST(FiscalRule, DeficitsAddToDebtAndLastMonthsDebtPaysInterestToTheBank) {
  const CompletedRun run = run_small(no_revenue, 25);
  const std::vector<double> debt = run.series("government_debt");
  const auto interest_paid = flow_of(run, "overdraft_interest", "government");
  const auto interest_received = flow_of(run, "overdraft_interest", "bank");
  const auto purchases = flow_of(run, "government_purchases", "government");
  const std::vector<double> interest_metric = run.series("government_interest");
  const std::vector<double> debt_to_gdp = run.series("government_debt_to_gdp");
  const std::vector<double> gdp = run.series("gdp");
  EXPECT_GT(debt.back(), debt[12]);
  EXPECT_GT(debt[12], 0.0);
  std::int64_t total_interest = 0;
  for (std::size_t step = 2; step < run.rows.size(); ++step) {
    const auto debt_fen = std::llround(debt[step - 1] * 100.0);
    const auto expected =
        static_cast<std::int64_t>(std::floor(static_cast<double>(debt_fen) * 0.0315 / 12.0));
    EXPECT_EQ(-interest_paid[step], expected) << "step " << step;
    EXPECT_GE(interest_received[step], -interest_paid[step]) << "step " << step;
    EXPECT_EQ(interest_metric[step], static_cast<double>(expected) / 100.0) << "step " << step;
    EXPECT_DOUBLE_EQ(debt_to_gdp[step], debt[step] / (12.0 * gdp[step])) << "step " << step;
    total_interest += expected;
    if (step >= 3) EXPECT_EQ(purchases[step], 0) << "step " << step;
  }
  EXPECT_GT(total_interest, 0);
  EXPECT_GT(expect_books_balance(*run.simulation, run.rows, "deficit"), 0);
}

TEST(FiscalRule, BitIdenticalAtOneTwoAndFourThreadsWithDebt) {
  const CompletedRun one = run_small(no_revenue, 14, 1);
  ASSERT_GT(one.series("government_debt").back(), 0.0);
  for (const int threads : {2, 4}) {
    const CompletedRun other = run_small(no_revenue, 14, threads);
    EXPECT_TRUE(identical_rows(one.rows, other.rows)) << threads << " threads";
    expect_same_households(*one.simulation, *other.simulation,
                           std::to_string(threads) + " threads");
  }
}

TEST(FiscalRule, APolicysCostIsPaidByLowerPublicPurchases) {
  // The childcare allowance starts at step 13; compare steps 13-36 with the
  // baseline at the same seed (both at 1:100).
  const std::vector<std::string> small{"parameters.population.residents=10892"};
  const CompletedRun baseline = run_small(small, 36, 2, "scenarios/xihu/baseline.yaml");
  const CompletedRun policy =
      run_small(small, 36, 2, "scenarios/xihu/policies/childcare-allowance.yaml");
  const auto sum_from = [](const std::vector<std::int64_t>& v, std::size_t first) {
    std::int64_t s = 0;
    for (std::size_t i = first; i < v.size(); ++i) s += v[i];
    return s;
  };
  const std::int64_t cost = -sum_from(flow_of(policy, "policy_benefits", "government"), 13);
  // The government's column holds its outflows as negative amounts.
  const std::int64_t purchases_cut =
      sum_from(flow_of(policy, "government_purchases", "government"), 13) -
      sum_from(flow_of(baseline, "government_purchases", "government"), 13);
  ASSERT_GT(cost, 0);
  // Purchases fall by most of the cost (the smoothing lag leaves some to
  // deposits; the allowance's spending adds a little tax revenue).
  EXPECT_GT(static_cast<double>(purchases_cut), 0.5 * static_cast<double>(cost));
  EXPECT_LT(static_cast<double>(purchases_cut), 1.2 * static_cast<double>(cost));
  // The government ends without debt in both runs.
  EXPECT_EQ(policy.series("government_debt").back(), 0.0);
}

TEST(FiscalRule, OutOfRangeRuleParametersAreRefused) {
  expect_overrides_refused("scenarios/xihu-small.yaml",
                           {"parameters.government.revenue_smoothing=1.5",
                            "parameters.government.balance_correction_annual=-0.1",
                            "parameters.government.debt_rate_annual=2"});
}

}  // namespace
}  // namespace cpsim::testing

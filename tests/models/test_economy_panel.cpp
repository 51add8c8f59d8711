// The household panel is enough to recompute the engine's statistics: after
// a year, per-capita disposable income from the household columns, with a
// plain Gini written here, equals the engine's metrics; and so do the
// urban:rural ratio and the wealth Gini.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "models/economy_fixture.hpp"

namespace cpsim::testing {
namespace {

template <class T>
std::vector<double> column(const AgentTable& table, std::string_view name) {
  const std::size_t c = table.find_column(name);
  EXPECT_LT(c, table.column_count()) << name;
  const auto& data = std::get<std::vector<T>>(table.column_data(c));
  return std::vector<double>(data.begin(), data.end());
}

/// Person-weighted Gini from first principles: sort by value, then
/// 1 - sum_i w_i (C_{i-1} + C_i) / (W T) over the Lorenz curve.
double weighted_gini(const std::vector<double>& value, const std::vector<double>& weight) {
  std::vector<std::size_t> order(value.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return value[a] != value[b] ? value[a] < value[b] : weight[a] < weight[b];
  });
  double total_weight = 0, total = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    total_weight += weight[i];
    total += weight[i] * value[i];
  }
  double area = 0, previous = 0, cumulative = 0;
  for (const std::size_t i : order) {
    cumulative += weight[i] * value[i];
    area += weight[i] * (previous + cumulative);
    previous = cumulative;
  }
  return 1.0 - area / (total_weight * total);
}

TEST(EconomyPanel, StatisticsRecomputedFromTheHouseholdTableMatchTheEngine) {
  const auto run = run_xihu_small(11, 12, 2);
  const Simulation& sim = *run->simulation;
  const AgentTable& households = *sim.find_table("households");
  const auto workers = column<std::uint8_t>(households, "workers");
  const auto children = column<std::uint8_t>(households, "children");
  const auto elderly = column<std::uint8_t>(households, "elderly");
  const auto flags = column<std::uint8_t>(households, "flags");
  const auto ytd = column<std::int64_t>(households, "income_ytd");
  const auto deposits = column<std::int64_t>(households, "deposits");
  const auto housing = column<std::int64_t>(households, "housing_wealth");
  const auto equity = column<std::int64_t>(households, "firm_equity");
  const char* components[] = {"wage_income", "business_income", "property_income"};
  std::vector<double> month(households.size(), 0.0);
  for (const char* name : components) {
    const auto x = column<std::int64_t>(households, name);
    for (std::size_t i = 0; i < x.size(); ++i) month[i] += x[i];
  }
  for (const char* name : {"collective_dividend", "pension_income", "transfer_income"}) {
    const auto x = column<std::int32_t>(households, name);
    for (std::size_t i = 0; i < x.size(); ++i) month[i] += x[i];
  }
  const auto taxes = column<std::int64_t>(households, "taxes_paid");

  std::vector<double> members(households.size()), per_capita_year(households.size()),
      per_capita_month(households.size()), wealth(households.size()), ones(households.size(), 1.0);
  double urban_income = 0, urban_persons = 0, rural_income = 0, rural_persons = 0;
  for (std::size_t i = 0; i < households.size(); ++i) {
    members[i] = workers[i] + children[i] + elderly[i];
    ASSERT_GT(members[i], 0);
    per_capita_year[i] = ytd[i] / 100.0 / members[i];
    per_capita_month[i] = 12.0 * (month[i] - taxes[i]) / 100.0 / members[i];
    wealth[i] = (deposits[i] + housing[i] + equity[i]) / 100.0;
    const bool rural = (static_cast<int>(flags[i]) & 1) != 0;
    (rural ? rural_income : urban_income) += ytd[i] / 100.0;
    (rural ? rural_persons : urban_persons) += members[i];
  }
  const MetricRow& last = run->observer.rows.back();
  const auto metric = [&](std::string_view name) { return last.real_values(spec(sim, name))[0]; };
  EXPECT_NEAR(weighted_gini(per_capita_year, members), metric("gini_income_ytd"), 1e-9);
  EXPECT_NEAR(weighted_gini(per_capita_month, members), metric("gini_income"), 1e-9);
  EXPECT_NEAR(weighted_gini(wealth, ones), metric("gini_wealth"), 1e-9);
  EXPECT_NEAR((urban_income / urban_persons) / (rural_income / rural_persons),
              metric("urban_rural_ratio_ytd"), 1e-9);
  EXPECT_NEAR(urban_income / urban_persons, metric("urban_income_per_capita_ytd"), 1e-6);
  // A real year of income: the statistics are not degenerate.
  EXPECT_GT(metric("gini_income_ytd"), 0.1);
  EXPECT_GT(metric("urban_rural_ratio_ytd"), 1.0);
}

TEST(EconomyPanel, EveryHouseholdColumnHasAUnitAndADescription) {
  const auto run = run_xihu_small(1, 1, 1);
  const AgentTable& households = *run->simulation->find_table("households");
  for (std::size_t c = 0; c < households.column_count(); ++c) {
    EXPECT_FALSE(households.column_info(c).unit.empty()) << households.column_info(c).name;
    EXPECT_FALSE(households.column_info(c).description.empty()) << households.column_info(c).name;
  }
  // The budget of state per household.
  EXPECT_LE(households.bytes_per_agent(), 200U);
}

}  // namespace
}  // namespace cpsim::testing

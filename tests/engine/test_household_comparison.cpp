// The household comparison and the budget on hand-computed cases: deciles,
// PolicyEngine's five bands, group breakdowns, poverty, matching by id, the
// summary over replicates and the yearly budget at full scale.
#include <gtest/gtest.h>

#include <cmath>

#include "cpsim/engine/budget_comparison.hpp"
#include "cpsim/engine/confidence_interval.hpp"
#include "cpsim/engine/household_comparison.hpp"

namespace cpsim {
namespace {

double value(const MeasureSet& set, const std::string& name, std::size_t element = 0) {
  const Measure* m = set.find(name);
  EXPECT_NE(m, nullptr) << name;
  return m == nullptr ? std::nan("") : m->values.at(element);
}

PanelSpec spec() {
  PanelSpec s;
  s.table = "households";
  s.income = "income";
  s.persons = {{"adults", "adults"}};
  s.groups = {{"residence", "flags", {{"rural", 1}}, "urban", {"urban", "rural"}}};
  s.relative_poverty = 0.5;
  s.poverty_lines = {{"dibao", 150}};
  return s;
}

/// Ten one-person households with incomes 100, 200, ..., 1000; the first
/// three rural.
PanelColumns ten_households() {
  PanelColumns c;
  for (std::uint64_t h = 0; h < 10; ++h) {
    c.id.push_back(h);
    c.income.push_back(100.0 * static_cast<double>(h + 1));
    c.groups.resize(1);
    c.groups[0].push_back(h < 3 ? 1 : 0);
  }
  c.persons = {std::vector<double>(10, 1.0)};
  return c;
}

TEST(HouseholdComparison, BandsAsPolicyEngineDrawsThem) {
  EXPECT_EQ(band_of(0.0501), 0U);
  EXPECT_EQ(band_of(0.05), 1U);  // "gain less than 5 %" includes 5 %
  EXPECT_EQ(band_of(0.0011), 1U);
  EXPECT_EQ(band_of(0.001), 2U);  // within 0.1 %: no change
  EXPECT_EQ(band_of(0.0), 2U);
  EXPECT_EQ(band_of(-0.001), 2U);
  EXPECT_EQ(band_of(-0.0011), 3U);
  EXPECT_EQ(band_of(-0.05), 3U);
  EXPECT_EQ(band_of(-0.0501), 4U);
}

TEST(HouseholdComparison, DecilesArePersonWeightedByMidpoint) {
  // Unsorted incomes, one person each: decile = rank.
  const std::vector<double> income = {50, 10, 90, 30, 70, 20, 100, 40, 80, 60};
  const std::vector<double> one(10, 1.0);
  const std::vector<std::uint64_t> id = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto d = income_deciles(income, one, id);
  EXPECT_EQ(d, (std::vector<std::uint8_t>{4, 0, 8, 2, 6, 1, 9, 3, 7, 5}));
  // Five persons: a household of 3 (midpoint at 2.5 of 5 = 50 %) is in d6;
  // the richest single (midpoint 4.5 / 5 = 90 %) in d10; the poorest (10 %) in d2.
  const std::vector<double> pc = {1, 2, 3};
  const std::vector<double> w = {1, 3, 1};
  const std::vector<std::uint64_t> ids = {7, 8, 9};
  EXPECT_EQ(income_deciles(pc, w, ids), (std::vector<std::uint8_t>{1, 5, 9}));
}

TEST(HouseholdComparison, HandComputedPair) {
  const PanelSpec s = spec();
  const HouseholdPanel base = make_panel(ten_households(), s);
  PanelColumns changed = ten_households();
  changed.income[0] = 110;  // +10 %: gains more than 5 %
  changed.income[9] = 900;  // -10 %: loses more than 5 %
  changed.income[4] = 502;  // +0.4 %: gains less than 5 %
  const HouseholdPanel reform = make_panel(changed, s);
  const MeasureSet m = compare_households(base, reform, s);

  EXPECT_EQ(value(m, "households_compared"), 10);
  EXPECT_EQ(value(m, "households_unmatched"), 0);
  EXPECT_DOUBLE_EQ(value(m, "baseline_income", 0), 100);
  EXPECT_DOUBLE_EQ(value(m, "income_change", 0), 10);
  EXPECT_DOUBLE_EQ(value(m, "income_change_relative", 0), 0.1);
  EXPECT_DOUBLE_EQ(value(m, "income_change", 9), -100);
  EXPECT_DOUBLE_EQ(value(m, "income_change", 4), 2);
  EXPECT_DOUBLE_EQ(value(m, "income_change", 5), 0);
  // winners_losers[decile, band]
  EXPECT_EQ(value(m, "winners_losers", 0 * 5 + 0), 1);
  EXPECT_EQ(value(m, "winners_losers", 4 * 5 + 1), 1);
  EXPECT_EQ(value(m, "winners_losers", 5 * 5 + 2), 1);
  EXPECT_EQ(value(m, "winners_losers", 9 * 5 + 4), 1);
  // Over all persons: one in ten in each moving band.
  EXPECT_DOUBLE_EQ(value(m, "winners_losers_all", 0), 0.1);
  EXPECT_DOUBLE_EQ(value(m, "winners_losers_all", 1), 0.1);
  EXPECT_DOUBLE_EQ(value(m, "winners_losers_all", 2), 0.7);
  EXPECT_DOUBLE_EQ(value(m, "winners_losers_all", 4), 0.1);
  EXPECT_DOUBLE_EQ(value(m, "income_change_all"), (10 - 100 + 2) / 10.0);
  // Residence: rural (100, 200, 300) gains 10/3 per person; urban 4..10
  // changes by (2 - 100) / 7.
  EXPECT_DOUBLE_EQ(value(m, "income_change_by_residence", 0), 10.0 / 3.0);
  EXPECT_DOUBLE_EQ(value(m, "income_change_by_residence", 1), -98.0 / 7.0);
  // urban:rural ratio: 4900/7 over 200, then 4802/7 over 610/3.
  EXPECT_DOUBLE_EQ(value(m, "residence_ratio_baseline"), (4900.0 / 7.0) / 200.0);
  EXPECT_DOUBLE_EQ(value(m, "residence_ratio_reform"), (4802.0 / 7.0) / (610.0 / 3.0));
  // Poverty [line, population]: relative line 0.5 x median 500 = 250:
  // 100 and 200 are below (0.2), 2 of the 3 rural (population 1), none urban.
  const std::size_t populations = 4;  // all, residence:rural, residence:urban, age:adults
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_baseline", 0), 0.2);
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_baseline", 1), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_baseline", 2), 0.0);
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_baseline", 3), 0.2);
  // The dibao line 150: only the 100 household, which the reform lifts to 110.
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_baseline", populations), 0.1);
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_reform", populations), 0.1);
  EXPECT_DOUBLE_EQ(value(m, "poverty_rate_change", populations), 0.0);
  // Inequality: the Gini of 100..1000 is 0.3; the reform lowers it.
  EXPECT_NEAR(value(m, "inequality_baseline", 0), 0.3, 1e-12);
  EXPECT_LT(value(m, "inequality_change", 0), 0);
  EXPECT_DOUBLE_EQ(value(m, "inequality_baseline", 6), 550);  // mean income
}

TEST(HouseholdComparison, MatchesHouseholdsByIdAndCountsTheRest) {
  const PanelSpec s = spec();
  const HouseholdPanel base = make_panel(ten_households(), s);
  // The reform holds the same households in reverse order, one of them gone.
  PanelColumns reversed;
  const PanelColumns ten = ten_households();
  reversed.persons.resize(1);
  reversed.groups.resize(1);
  for (std::size_t h = 10; h-- > 1;) {
    reversed.id.push_back(ten.id[h]);
    reversed.income.push_back(ten.income[h] * 2);  // everyone doubles
    reversed.persons[0].push_back(1);
    reversed.groups[0].push_back(ten.groups[0][h]);
  }
  const MeasureSet m = compare_households(base, make_panel(reversed, s), s);
  EXPECT_EQ(value(m, "households_compared"), 9);
  EXPECT_EQ(value(m, "households_unmatched"), 1);
  EXPECT_DOUBLE_EQ(value(m, "winners_losers_all", 0), 1.0);  // all gain 100 %
  EXPECT_DOUBLE_EQ(value(m, "income_change_relative_all"), 1.0);
}

TEST(HouseholdComparison, FenColumnsAreReadInRmb) {
  PanelColumns c = ten_households();
  c.income_unit = "fen";
  EXPECT_DOUBLE_EQ(make_panel(c, spec()).income[0], 1.0);
}

TEST(Measures, SummaryOverReplicatesIsTheStudentTInterval) {
  std::vector<MeasureSet> pairs(2);
  pairs[0].add("x", "1", "x").values[0] = 1;
  pairs[1].add("x", "1", "x").values[0] = 3;
  const MeasureSet s = summarise_measures(pairs, 0.95);
  const double half = student_t_quantile(0.975, 1) * std::sqrt(2.0) / std::sqrt(2.0);
  EXPECT_DOUBLE_EQ(value(s, "x", 0), 2);
  EXPECT_DOUBLE_EQ(value(s, "x", 1), 2 - half);
  EXPECT_DOUBLE_EQ(value(s, "x", 2), 2 + half);
  EXPECT_DOUBLE_EQ(value(s, "x", 3), std::sqrt(2.0));
  // One pair: no interval.
  const MeasureSet one = summarise_measures(std::span<const MeasureSet>(pairs.data(), 1), 0.95);
  EXPECT_EQ(value(one, "x", 0), 1);
  EXPECT_TRUE(std::isnan(value(one, "x", 1)));
}

TEST(BudgetComparison, YearlyCostAtFullScaleCumulativeAndDiscounted) {
  MetricSet metrics;
  const std::size_t policy = metrics.add_dimension("policy", {"pension"});
  const Metric<double> spending = metrics.add_real("spending", "RMB/month", "", {policy});
  const std::size_t flow = metrics.add_dimension("flow", {"tax", "wages"});
  const std::size_t who = metrics.add_dimension("who", {"government", "households"});
  const Metric<std::int64_t> flows = metrics.add_integer("flows", "fen", "", {flow, who});
  // Two years of 2 steps: the reform spends 10 RMB a step and collects 100
  // fen more tax a step in year 2.
  RunTrajectory base, reform;
  for (int step = 0; step <= 4; ++step) {
    MetricRow b(metrics), r(metrics);
    r.set(spending, 0, step == 0 ? 0.0 : 10.0);
    r.set(flows, 0, step > 2 ? 100 : 0);  // (tax, government)
    r.set(flows, 3, 999);                 // (wages, households): not selected
    base.append(b);
    reform.append(r);
  }
  BudgetSpec spec{"spending", "flows", {"tax"}, "government", 0.1};
  check_budget_spec(spec, metrics);
  const auto years = compare_budget(spec, metrics, 5, reform, base, 2, 100.0);
  ASSERT_EQ(years.size(), 2U);
  EXPECT_DOUBLE_EQ(value(years[0], "spending_change"), 2 * 10 * 100.0);
  EXPECT_DOUBLE_EQ(value(years[0], "revenue_change"), 0);
  EXPECT_DOUBLE_EQ(value(years[1], "revenue_change"), 2 * 1.0 * 100.0);
  EXPECT_DOUBLE_EQ(value(years[1], "net_cost"), 2000 - 200);
  EXPECT_DOUBLE_EQ(value(years[1], "net_cost_cumulative"), 2000 + 1800);
  EXPECT_DOUBLE_EQ(value(years[1], "net_cost_discounted"), 2000 + 1800 / 1.1);
  EXPECT_THROW(check_budget_spec({"nothing", "", {}, "", 0}, metrics), std::invalid_argument);
  EXPECT_THROW(check_budget_spec({"spending", "flows", {"vat"}, "government", 0}, metrics),
               std::invalid_argument);
}

}  // namespace
}  // namespace cpsim

// The district economy started from a household table
// (household_table.cpp): weights expand to population.residents by the
// documented largest-remainder rule, rows with more than two working-age
// members split, the shipped synthetic sample builds the households the
// table describes, and a run from it conserves money and is bit-identical at
// 1, 2 and 4 threads.
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "cpsim/engine/data_table.hpp"
#include "economy/economy.hpp"
#include "economy/household_table.hpp"
#include "models/economy_fixture.hpp"

namespace cpsim::testing {
namespace {

using models::economy::EconomyParameters;
using models::economy::HouseholdTable;

const std::string kHeader =
    "residence,hukou,children,working_age,elderly,wage_1,wage_2,deposits,housing_wealth,weight\n";

EconomyParameters small_district(std::int64_t residents) {
  EconomyParameters p = models::economy::read_parameters(xihu_small(1, 1).parameters);
  p.population.residents = residents;
  p.population.urban_communities = 2;
  p.population.villages = 1;
  return p;
}

/// Copies of table row `row` (0 when the expansion gave it none).
std::uint32_t copies(const HouseholdTable& table, std::uint32_t row) {
  for (const auto& h : table.households) {
    if (h.row == row) return h.copies;
  }
  return 0;
}

TEST(HouseholdTable, WeightsExpandByLargestRemaindersInFileOrder) {
  // Members 2, 2, 2, 1: 40 persons in 20 households at residents 40; weights 3:3:3:1 of 10
  // give shares 6, 6, 6, 2 households exactly.
  const std::string text = kHeader +
                           "urban,local_urban,0,2,0,9000,8000,1000,2000,3\n"
                           "urban,migrant,1,1,0,6000,0,500,0,3\n"
                           "rural,local_agricultural,0,1,1,4000,0,800,900,3\n"
                           "urban,local_urban,0,0,1,0,0,100,100,1\n";
  const HouseholdTable exact = models::economy::expand_household_table(
      DataTable::parse_csv(text, "t.csv"), small_district(38));
  ASSERT_EQ(exact.households.size(), 4U);
  EXPECT_EQ(exact.total_households, 20U);  // round(38 x 10 / 19) = 20
  EXPECT_EQ(copies(exact, 0), 6U);
  EXPECT_EQ(copies(exact, 3), 2U);
  // 7 households from weights 3:3:3:1: shares 2.1 x 3 and 0.7; floors 2, 2, 2, 0 leave
  // one, which goes to the largest remainder (0.7, the last row).
  const HouseholdTable seven = models::economy::expand_household_table(
      DataTable::parse_csv(text, "t.csv"), small_district(13));
  EXPECT_EQ(seven.total_households, 7U);  // round(13 x 10 / 19) = 7
  EXPECT_EQ(copies(seven, 3), 1U);
  EXPECT_EQ(copies(seven, 0) + copies(seven, 1) + copies(seven, 2), 6U);
  // Equal remainders: the earlier rows win. Weights 1:1:1:2 of one-person households at 3
  // households: shares 0.6, 0.6, 0.6 and 1.2; floors 0, 0, 0, 1 leave two, which go to the
  // first two of the three equal remainders.
  const std::string ties = kHeader +
                           "urban,local_urban,0,1,0,0,0,0,0,1\n"
                           "urban,local_urban,0,1,0,0,0,0,0,1\n"
                           "urban,local_urban,0,1,0,0,0,0,0,1\n"
                           "rural,local_agricultural,0,1,0,0,0,0,0,2\n";
  EconomyParameters one_community = small_district(3);
  one_community.population.urban_communities = 1;
  const HouseholdTable three =
      models::economy::expand_household_table(DataTable::parse_csv(ties, "t.csv"), one_community);
  EXPECT_EQ(copies(three, 0), 1U);
  EXPECT_EQ(copies(three, 1), 1U);
  EXPECT_EQ(copies(three, 2), 0U);
  EXPECT_EQ(copies(three, 3), 1U);
}

TEST(HouseholdTable, LargeHouseholdsSplitIntoPiecesOfTwoWorkersKeepingMoneyAndMembers) {
  const std::string text = kHeader +
                           "urban,local_urban,2,5,1,9000,8000,100001,3000000,10\n"
                           "urban,local_urban,0,1,0,9000,0,1000,0,10\n"
                           "rural,local_agricultural,0,1,0,4000,0,800,900,10\n";
  const HouseholdTable table = models::economy::expand_household_table(
      DataTable::parse_csv(text, "t.csv"), small_district(1000));
  ASSERT_EQ(table.households.size(), 5U);  // 5 working-age: pieces of 2, 2 and 1 workers
  std::int64_t deposits = 0, housing = 0;
  int workers = 0, children = 0, elderly = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& h = table.households[k];
    EXPECT_EQ(h.row, 0U);
    deposits += h.deposits;
    housing += h.housing_wealth;
    workers += h.workers;
    children += h.children;
    elderly += h.elderly;
  }
  EXPECT_EQ(table.households[0].workers, 2);
  EXPECT_EQ(table.households[0].children, 2);  // children and elderly stay with the first
  EXPECT_EQ(table.households[2].workers, 1);
  EXPECT_EQ(workers, 5);
  EXPECT_EQ(children, 2);
  EXPECT_EQ(elderly, 1);
  EXPECT_EQ(deposits, 10000100);  // fen: nothing lost to the division
  EXPECT_EQ(housing, 300000000);
  // Wages become skills at the employment-weighted wage per unit of skill.
  EXPECT_GT(table.households[0].skill[0], table.households[0].skill[1]);
  EXPECT_EQ(table.households[1].skill[0], 0.0F);  // pieces after the first draw theirs
  // Persons at the scale: within a household of the target.
  EXPECT_NEAR(static_cast<double>(table.residents), 1000.0, 8.0);
}

TEST(HouseholdTable, ChildrenAndElderlyBeyondTwoGoToTheNextPieces) {
  // 2 working-age, 3 children, 5 elderly: pieces of (2, 2, 2), (0, 1, 2), (0, 0, 1).
  const std::string text = kHeader + "urban,local_urban,3,2,5,9000,8000,1000,0,10\n" +
                           "rural,local_agricultural,0,1,0,4000,0,800,900,10\n";
  const HouseholdTable table = models::economy::expand_household_table(
      DataTable::parse_csv(text, "t.csv"), small_district(1000));
  ASSERT_EQ(table.households.size(), 4U);
  const auto& first = table.households[0];
  const auto& second = table.households[1];
  const auto& third = table.households[2];
  EXPECT_EQ(first.workers + first.children + first.elderly, 6);
  EXPECT_EQ(second.workers, 0);
  EXPECT_EQ(second.children, 1);
  EXPECT_EQ(second.elderly, 2);
  EXPECT_EQ(third.children + third.workers, 0);
  EXPECT_EQ(third.elderly, 1);
  EXPECT_EQ(first.deposits + second.deposits + third.deposits, 100000);  // fen
}

template <class T>
const std::vector<T>& column(const AgentTable& table, std::string_view name) {
  return std::get<std::vector<T>>(table.column_data(table.find_column(name)));
}

Scenario sample_scenario(std::uint64_t seed, std::int64_t steps) {
  return shipped_scenario("xihu/households-sample.yaml", seed, steps);
}

std::unique_ptr<EconomyRun> run_sample(std::uint64_t seed, std::int64_t steps, int threads) {
  return run_shipped("xihu/households-sample.yaml", seed, steps, threads);
}

TEST(HouseholdTable, SampleScenarioBuildsTheTablesHouseholds) {
  static const ModelRegistry registry = app::make_registry();
  const Scenario scenario = sample_scenario(3, 1);
  const EconomyParameters p = models::economy::read_parameters(scenario.parameters);
  ASSERT_NE(p.household_table.table, nullptr);
  const HouseholdTable& table = *p.household_table.table;
  Simulation simulation(scenario.seed, scenario.steps);
  simulation.build(registry.find(scenario.model)->create(), scenario.parameters);
  const AgentTable& households = *simulation.find_table("households");
  ASSERT_EQ(households.size(), table.total_households);
  // Persons: the table's expansion, within a household of population.residents.
  EXPECT_NEAR(static_cast<double>(table.residents), static_cast<double>(p.population.residents),
              10.0);
  std::int64_t persons = 0;
  for (const char* group : {"workers", "children", "elderly"}) {
    for (const std::uint8_t n : column<std::uint8_t>(households, group)) persons += n;
  }
  const auto flags = column<std::uint8_t>(households, "flags");
  const auto region = column<std::uint16_t>(households, "region");
  const auto deposits = column<std::int64_t>(households, "deposits");
  const auto housing = column<std::int64_t>(households, "housing_wealth");
  std::int64_t table_deposits = 0, model_deposits = 0, table_housing = 0, model_housing = 0;
  std::uint64_t rural = 0, table_rural = 0, migrants = 0, table_migrants = 0;
  for (const auto& h : table.households) {
    table_deposits += static_cast<std::int64_t>(h.copies) * h.deposits;
    table_housing += static_cast<std::int64_t>(h.copies) * h.housing_wealth;
    if ((h.flags & models::economy::flag_rural_resident) != 0) table_rural += h.copies;
    if ((h.flags & models::economy::flag_migrant) != 0) table_migrants += h.copies;
  }
  std::vector<int> per_region(p.population.urban_communities + p.population.villages, 0);
  for (std::size_t i = 0; i < households.size(); ++i) {
    model_deposits += deposits[i];
    model_housing += housing[i];
    const bool in_village = region[i] >= p.population.urban_communities;
    EXPECT_EQ(in_village, (flags[i] & models::economy::flag_rural_resident) != 0) << i;
    rural += in_village ? 1 : 0;
    migrants += (flags[i] & models::economy::flag_migrant) != 0 ? 1 : 0;
    ++per_region[region[i]];
  }
  EXPECT_EQ(persons, table.residents);
  EXPECT_EQ(model_deposits, table_deposits);  // the table's deposits, not drawn ones
  EXPECT_EQ(model_housing, table_housing);
  EXPECT_EQ(rural, table_rural);
  EXPECT_EQ(migrants, table_migrants);
  // Copies are dealt in turn: every region holds households, evenly within a residence.
  const auto [fewest, most] =
      std::minmax_element(per_region.begin(), per_region.begin() + p.population.urban_communities);
  EXPECT_GE(*fewest, 1);
  EXPECT_LE(*most - *fewest, 1);
}

TEST(HouseholdTable, SampleRunConservesMoneyAndIsBitIdenticalAtOneTwoAndFourThreads) {
  const auto one = run_sample(11, 13, 1);
  EXPECT_GT(expect_books_balance(*one->simulation, one->observer.rows, "1 thread"), 0);
  for (const int threads : {2, 4}) {
    const auto other = run_sample(11, 13, threads);
    const std::string label = std::to_string(threads) + " threads";
    EXPECT_GT(expect_books_balance(*other->simulation, other->observer.rows, label), 0);
    ASSERT_EQ(one->observer.rows.size(), other->observer.rows.size());
    for (std::size_t step = 0; step < one->observer.rows.size(); ++step) {
      const MetricRow& a = one->observer.rows[step];
      const MetricRow& b = other->observer.rows[step];
      ASSERT_EQ(a.reals().size(), b.reals().size());
      EXPECT_EQ(std::memcmp(a.reals().data(), b.reals().data(), a.reals().size_bytes()), 0)
          << "real metrics differ at step " << step << " with " << label;
      EXPECT_EQ(std::memcmp(a.integers().data(), b.integers().data(), a.integers().size_bytes()), 0)
          << "integer metrics differ at step " << step << " with " << label;
    }
    expect_same_households(*one->simulation, *other->simulation, label);
  }
}

}  // namespace
}  // namespace cpsim::testing

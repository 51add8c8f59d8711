// The district's regions from a table (region_table.cpp): regions numbered
// urban rows first, areas named in order of appearance, residents
// apportioned by largest remainders; the shipped Xihu region table builds
// its named areas, fills every region with its residents, conserves money
// and is bit-identical at 1 and 4 threads.
#include <gtest/gtest.h>

#include "cpsim/engine/data_table.hpp"
#include "economy/economy.hpp"
#include "economy/region_table.hpp"
#include "models/economy_fixture.hpp"

namespace cpsim::testing {
namespace {

using models::economy::RegionTable;

TEST(RegionTable, UrbanRowsFirstAreasInOrderResidentsByLargestRemainders) {
  // In region order (a, c, b, d) residents 3:1:1:2 of 10: shares 4.29, 1.43, 1.43, 2.86;
  // floors 4, 1, 1, 2 leave two, for the remainders 0.86 (d) and 0.43 (c, before b).
  const RegionTable t =
      models::economy::read_region_rows(DataTable::parse_csv("name,parent,residence,residents\n"
                                                             "a,North,urban,3\n"
                                                             "b,Hills,rural,1\n"
                                                             "c,South,urban,1\n"
                                                             "d,North,rural,2\n",
                                                             "r.csv"),
                                        10);
  EXPECT_EQ(t.names, (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_EQ(t.rural, (std::vector<std::uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(t.area_names, (std::vector<std::string>{"North", "South", "Hills"}));
  EXPECT_EQ(t.area, (std::vector<std::uint16_t>{0, 1, 2, 0}));
  EXPECT_EQ(t.urban_areas, 2U);
  EXPECT_EQ(t.residents, (std::vector<std::int64_t>{4, 2, 1, 3}));  // a, c, b, d
}

Scenario regions_sample(std::uint64_t seed, std::int64_t steps) {
  return shipped_scenario("xihu/regions-sample.yaml", seed, steps);
}

std::unique_ptr<EconomyRun> run_regions_sample(std::uint64_t seed, std::int64_t steps,
                                               int threads) {
  return run_shipped("xihu/regions-sample.yaml", seed, steps, threads);
}

TEST(RegionTable, XihuTableBuildsNamedAreasAndFillsEachRegionWithItsResidents) {
  const Scenario scenario = regions_sample(5, 1);
  const auto p = models::economy::read_parameters(scenario.parameters);
  ASSERT_NE(p.region_table.table, nullptr);
  const RegionTable& table = *p.region_table.table;
  EXPECT_EQ(p.population.urban_communities, 165);
  EXPECT_EQ(p.population.villages, 32);
  EXPECT_EQ(table.area_names.front(), "Beishan subdistrict");
  EXPECT_EQ(table.area_names.back(), "Shuangpu town");
  EXPECT_EQ(table.area_names.size(), 12U);
  const auto run = run_regions_sample(5, 13, 1);
  const Simulation& simulation = *run->simulation;
  // The per-area metrics carry the table's names.
  const auto& dimensions = simulation.metrics().dimensions();
  const auto area = std::find_if(dimensions.begin(), dimensions.end(),
                                 [](const auto& d) { return d.name == "area"; });
  ASSERT_NE(area, dimensions.end());
  EXPECT_EQ(area->labels, table.area_names);
  EXPECT_GT(expect_books_balance(simulation, run->observer.rows, "1 thread"), 0);
  // At set-up every region holds exactly its apportioned residents.
  Simulation fresh(scenario.seed, 1);
  static const ModelRegistry registry = app::make_registry();
  fresh.build(registry.find(scenario.model)->create(), scenario.parameters);
  const AgentTable& households = *fresh.find_table("households");
  const auto get = [&](const char* name) {
    return std::get<std::vector<std::uint8_t>>(
        households.column_data(households.find_column(name)));
  };
  const auto region = std::get<std::vector<std::uint16_t>>(
      households.column_data(households.find_column("region")));
  const auto workers = get("workers");
  const auto children = get("children");
  const auto elderly = get("elderly");
  std::vector<std::int64_t> residents(table.residents.size(), 0);
  for (std::size_t i = 0; i < households.size(); ++i) {
    residents[region[i]] += workers[i] + children[i] + elderly[i];
  }
  EXPECT_EQ(residents, table.residents);
}

TEST(RegionTable, BitIdenticalAtOneAndFourThreads) {
  const auto one = run_regions_sample(9, 13, 1);
  const auto four = run_regions_sample(9, 13, 4);
  expect_same_households(*one->simulation, *four->simulation, "4 threads");
}

}  // namespace
}  // namespace cpsim::testing

// The district's regions from a table (region_table.cpp): regions numbered
// urban rows first, areas named in order of appearance, residents
// apportioned by largest remainders; the shipped Xihu region table builds
// its named areas, fills every region with its residents, conserves money
// and is bit-identical at 1 and 4 threads. The optional columns: a region's
// income level scales its drawn skills and so its workers' mean wage; its
// sector shares split its jobs; empty cells are the scenario's own, bit for
// bit; bit-identical at 1, 2 and 4 threads with both.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "cpsim/engine/data_table.hpp"
#include "cpsim/engine/errors.hpp"
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

// ------------------------------------------------- income and sector shares

TEST(RegionTable, IncomesAndSharesAreReadInRegionOrder) {
  models::economy::RegionTableParameters reference;
  reference.reference_income_urban = 50000;
  reference.reference_income_rural = 25000;
  const RegionTable t = models::economy::read_region_rows(
      DataTable::parse_csv("name,parent,residence,residents,income,share_services,"
                           "share_digital_economy,share_tea_agriculture\n"
                           "v,Hills,rural,1,30000,0,0,1\n"
                           "a,North,urban,3,75000,0.25,0.75,0\n"
                           "b,South,urban,1,,,,\n",
                           "r.csv"),
      10, reference);
  // Region order a, b, v: 75000 / 50000, the reference, 30000 / 25000.
  EXPECT_EQ(t.skill_scale, (std::vector<double>{1.5, 1.0, 1.2}));
  EXPECT_EQ(t.has_shares, (std::vector<std::uint8_t>{1, 0, 1}));
  ASSERT_EQ(t.sector_shares.size(), 3U);
  EXPECT_EQ(t.sector_shares[0][models::economy::services], 0.25);
  EXPECT_EQ(t.sector_shares[0][models::economy::digital_economy], 0.75);
  EXPECT_EQ(t.sector_shares[0][models::economy::advanced_manufacturing], 0.0);  // no column
  EXPECT_EQ(t.sector_shares[2][models::economy::tea_agriculture], 1.0);
}

TEST(RegionTable, BadIncomesAndSharesNameTheirCell) {
  models::economy::RegionTableParameters reference;
  reference.reference_income_urban = 50000;
  const auto refused = [&](const std::string& csv) {
    try {
      (void)models::economy::read_region_rows(DataTable::parse_csv(csv, "r.csv"), 10, reference);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "name,parent,residence,residents,income\nv,Hills,rural,1,\n";
  EXPECT_EQ(refused(head + "a,North,urban,1,600000\n"),
            "r.csv:3: income: 600000 is 12 times region_table.reference_income_urban (50000); "
            "expected 0.1 to 10 times");
  EXPECT_EQ(refused(head + "a,North,urban,1,abc\n"),
            "r.csv:3: income: expected a finite number or an empty cell, found 'abc'");
  EXPECT_EQ(refused("name,parent,residence,residents,income\nv,Hills,rural,1,20000\n"
                    "a,North,urban,1,\n"),
            "r.csv:2: income: a region's income is read relative to "
            "region_table.reference_income_rural, which the scenario does not set");
  const std::string shares =
      "name,parent,residence,residents,share_services,share_tea_agriculture\n";
  EXPECT_EQ(refused(shares + "a,North,urban,1,1,\nv,Hills,rural,1,0,1\n"),
            "r.csv:2: share_tea_agriculture: empty (a row with sector shares gives every "
            "share_ column)");
  EXPECT_EQ(refused(shares + "a,North,urban,1,1,0\nv,Hills,rural,1,0.5,0.5\n"),
            "r.csv:3: share_services: a rural region (a village) holds only the village sectors "
            "(tea_agriculture, rural_tourism); expected 0, found '0.5'");
  EXPECT_EQ(refused(shares + "a,North,urban,1,1.5,0\nv,Hills,rural,1,0,1\n"),
            "r.csv:2: share_services: expected a share from 0 to 1, found '1.5'");
  // Within 1e-9 of 1 is accepted; 1e-8 off is not.
  EXPECT_EQ(refused(shares + "a,North,urban,1,0.999999999999,0\nv,Hills,rural,1,0,1\n"),
            "no error");
  EXPECT_EQ(refused(shares + "a,North,urban,1,0.99999999,0\nv,Hills,rural,1,0,1\n"),
            "r.csv:2: share_*: the sector shares sum to 0.99999999, expected 1 (within 1e-9)");
}

/// Writes `csv` to a file of its own (per test) and returns its path.
std::string write_table(const std::string& name, const std::string& csv) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("cpsim-test-region-table-" + name + "-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << csv;
  return path.string();
}

/// Xihu at 1:100 on a three-region table: communities a and b, village v.
Scenario three_regions(const std::string& file, std::uint64_t seed, std::int64_t steps,
                       std::vector<Override> extra = {}) {
  extra.push_back({"parameters.region_table.file", file});
  extra.push_back({"parameters.region_table.reference_income_urban", "60000"});
  extra.push_back({"parameters.region_table.reference_income_rural", "30000"});
  const std::vector<Override> closed = closed_boundary();
  extra.insert(extra.end(), closed.begin(), closed.end());
  return xihu_small(seed, steps, extra);
}

/// A table of the simulation (built, not yet run, when `steps` is 0).
template <typename T>
std::vector<T> column(const Simulation& simulation, const char* table, const char* name) {
  const AgentTable& t = *simulation.find_table(table);
  return std::get<std::vector<T>>(t.column_data(t.find_column(name)));
}

std::unique_ptr<Simulation> built(const Scenario& scenario) {
  static const ModelRegistry registry = app::make_registry();
  auto simulation = std::make_unique<Simulation>(scenario.seed, 1);
  simulation->build(registry.find(scenario.model)->create(), scenario.parameters);
  return simulation;
}

const std::string kPlain =
    "name,parent,residence,residents\n"
    "a,North,urban,5000\n"
    "b,South,urban,5000\n"
    "v,Hills,rural,1000\n";

TEST(RegionTable, IncomeLevelScalesTheRegionsSkills) {
  // b at 90,000 of the urban reference 60,000: each of its drawn skills is
  // 1.5 times the same household's skill without the column (same seed, same
  // households); a and v (empty cells) keep theirs bit for bit.
  const std::string plain = write_table("skills-plain", kPlain);
  const std::string rich = write_table("skills-rich",
                                       "name,parent,residence,residents,income\n"
                                       "a,North,urban,5000,\n"
                                       "b,South,urban,5000,90000\n"
                                       "v,Hills,rural,1000,\n");
  const auto before = built(three_regions(plain, 3, 1));
  const auto after = built(three_regions(rich, 3, 1));
  const auto region = column<std::uint16_t>(*before, "households", "region");
  ASSERT_EQ(region, column<std::uint16_t>(*after, "households", "region"));
  std::size_t scaled = 0;
  for (const char* name : {"skill_0", "skill_1"}) {
    const auto s0 = column<float>(*before, "households", name);
    const auto s1 = column<float>(*after, "households", name);
    for (std::size_t i = 0; i < s0.size(); ++i) {
      if (region[i] != 1) {
        ASSERT_EQ(s0[i], s1[i]) << name << " of household " << i;
      } else if (s0[i] > 0.05F && s1[i] < 20.0F) {  // inside draw_skill's clamp
        ASSERT_NEAR(s1[i] / s0[i], 1.5, 1e-6) << name << " of household " << i;
        ++scaled;
      }
    }
  }
  EXPECT_GT(scaled, 3000U);
}

TEST(RegionTable, RegionsMeanWageAndIncomeFollowItsIncomeLevel) {
  // Same residents, b's income 1.5 times a's: b's skills are 1.5 times (test
  // above), so its workers earn at least 1.5 times a's per employed worker in
  // the first month, and more with the sorting of the better-skilled to the
  // better-paying firms (measured about 1.75); its disposable income per
  // person follows (about 1.65: pensions and the dibao do not scale, the tax
  // is progressive). Over five seeds; without the column both ratios are
  // near 1.
  const std::string plain = write_table("wage-plain", kPlain);
  const std::string rich = write_table("wage-rich",
                                       "name,parent,residence,residents,income\n"
                                       "a,North,urban,5000,60000\n"
                                       "b,South,urban,5000,90000\n"
                                       "v,Hills,rural,1000,\n");
  const auto wage_ratio = [](const Simulation& simulation) {
    const auto region = column<std::uint16_t>(simulation, "households", "region");
    const auto wage = column<std::int64_t>(simulation, "households", "wage_income");
    const auto e0 = column<std::int32_t>(simulation, "households", "employer_0");
    const auto e1 = column<std::int32_t>(simulation, "households", "employer_1");
    std::array<double, 2> total{}, employed{};
    for (std::size_t i = 0; i < region.size(); ++i) {
      if (region[i] > 1) continue;
      total.at(region[i]) += static_cast<double>(wage[i]);
      employed.at(region[i]) += (e0[i] >= 0 ? 1 : 0) + (e1[i] >= 0 ? 1 : 0);
    }
    return (total[1] / employed[1]) / (total[0] / employed[0]);
  };
  const auto income_ratio = [](const EconomyRun& run) {  // areas North, South, Hills
    const auto income =
        run.observer.rows.at(1).real_values(spec(*run.simulation, "income_per_capita_by_area"));
    return income[1] / income[0];
  };
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto with = run_economy(three_regions(rich, seed, 1), 1);
    const auto without = run_economy(three_regions(plain, seed, 1), 1);
    const double wage = wage_ratio(*with->simulation);
    EXPECT_GT(wage, 1.5) << "seed " << seed;
    EXPECT_LT(wage, 1.95) << "seed " << seed;
    const double income = income_ratio(*with);
    EXPECT_GT(income, 1.4) << "seed " << seed;
    EXPECT_LT(income, 1.85) << "seed " << seed;
    EXPECT_NEAR(wage_ratio(*without->simulation), 1.0, 0.1) << "seed " << seed;
    EXPECT_NEAR(income_ratio(*without), 1.0, 0.1) << "seed " << seed;
  }
}

TEST(RegionTable, RegionsJobsFollowItsSectorShares) {
  // Community a: half its value added digital, half manufacturing; b: the
  // scenario's shares; village v: tea only. At set-up each region's jobs
  // (the firms' labour demand) are its residents' share of its residence's
  // jobs, split by share / productivity: a's digital jobs are
  // (0.5 / 45000) / (0.5 / 45000 + 0.5 / 26000) = 26 / 71 of its jobs.
  const std::string file = write_table("sectors",
                                       "name,parent,residence,residents,share_digital_economy,"
                                       "share_advanced_manufacturing,share_services,"
                                       "share_tea_agriculture,share_rural_tourism\n"
                                       "a,North,urban,6000,0.5,0.5,0,0,0\n"
                                       "b,South,urban,4000,,,,,\n"
                                       "v,Hills,rural,1000,0,0,0,1,0\n");
  const Scenario scenario = three_regions(file, 7, 1);
  const auto p = models::economy::read_parameters(scenario.parameters);
  const auto simulation = built(scenario);
  const auto region = column<std::uint16_t>(*simulation, "firms", "region");
  const auto sector = column<std::uint8_t>(*simulation, "firms", "sector");
  const auto demand = column<std::int32_t>(*simulation, "firms", "labour_demand");
  using models::economy::sector_count;
  std::array<std::array<double, sector_count>, 3> jobs{};
  for (std::size_t i = 0; i < region.size(); ++i) jobs.at(region[i])[sector[i]] += demand[i];
  const auto sum = [](const std::array<double, sector_count>& x) {
    double total = 0;
    for (const double v : x) total += v;
    return total;
  };
  const double a = sum(jobs[0]), b = sum(jobs[1]);
  ASSERT_GT(a, 1000);
  EXPECT_NEAR(jobs[0][models::economy::digital_economy] / a, 26.0 / 71.0, 2.0 / a);
  EXPECT_NEAR(jobs[0][models::economy::advanced_manufacturing] / a, 45.0 / 71.0, 2.0 / a);
  EXPECT_NEAR(a / (a + b), 0.6, 10.0 / (a + b));  // residents 6000 : 4000, each group rounded
  // b: the scenario's value-added shares over the productivities.
  std::array<double, 3> w{};
  for (std::size_t s = 0; s < 3; ++s) {
    w[s] = p.sectors[s].value_added_share / p.sectors[s].productivity_month;
  }
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_NEAR(jobs[1][s] / b, w[s] / (w[0] + w[1] + w[2]), 2.0 / b) << "sector " << s;
  }
  EXPECT_EQ(jobs[2][models::economy::rural_tourism], 0.0);
  EXPECT_GT(jobs[2][models::economy::tea_agriculture], 0.0);
  for (std::size_t s = 0; s < 3; ++s) EXPECT_EQ(jobs[2][s], 0.0);
  EXPECT_EQ(jobs[0][models::economy::services], 0.0);
}

TEST(RegionTable, EmptyIncomeAndShareCellsAreTheScenariosOwnBitForBit) {
  const std::string plain = write_table("empty-plain", kPlain);
  const std::string empty = write_table("empty-cells",
                                        "name,parent,residence,residents,income,share_services,"
                                        "share_tea_agriculture\n"
                                        "a,North,urban,5000,,,\n"
                                        "b,South,urban,5000,,,\n"
                                        "v,Hills,rural,1000,,,\n");
  const auto one = run_economy(three_regions(plain, 11, 3), 1);
  const auto two = run_economy(three_regions(empty, 11, 3), 2);
  expect_same_households(*one->simulation, *two->simulation, "empty cells");
}

TEST(RegionTable, IncomesAndSharesBitIdenticalAtOneTwoAndFourThreads) {
  const std::string file = write_table("threads",
                                       "name,parent,residence,residents,income,"
                                       "share_digital_economy,share_advanced_manufacturing,"
                                       "share_services,share_tea_agriculture,share_rural_tourism\n"
                                       "a,North,urban,6000,75000,0.3,0.3,0.4,0,0\n"
                                       "b,South,urban,4000,50000,,,,,\n"
                                       "v,Hills,rural,1000,27000,0,0,0,0.6,0.4\n");
  const auto one = run_economy(three_regions(file, 13, 13), 1);
  EXPECT_GT(expect_books_balance(*one->simulation, one->observer.rows, "1 thread"), 0);
  for (const int threads : {2, 4}) {
    const auto other = run_economy(three_regions(file, 13, 13), threads);
    expect_same_households(*one->simulation, *other->simulation,
                           std::to_string(threads) + " threads");
    EXPECT_TRUE(column<std::int32_t>(*one->simulation, "firms", "employees") ==
                column<std::int32_t>(*other->simulation, "firms", "employees"));
  }
}

}  // namespace
}  // namespace cpsim::testing

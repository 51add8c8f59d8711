// The demography with ages (docs/economy-rules.md R15): hand-computed life
// table and retirement ages, the invariants of members' ages, estates and
// formations through the ledger, the retirement reform, and crude birth and
// death rates against Hangzhou's over several seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "economy/ages.hpp"
#include "economy/economy.hpp"
#include "economy/ledger.hpp"
#include "economy/state.hpp"
#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

namespace eco = models::economy;

eco::DemographyParameters defaults() {
  eco::DemographyParameters d;
  d.mortality_background = 0.0003;
  d.mortality_at_65 = 0.0085;
  d.mortality_growth = 0.095;
  d.total_fertility = 1.1;
  d.fertility_peak_age = 29.5;
  d.fertility_spread = 5.0;
  d.retirement_age_men = 60;
  d.retirement_age_women = 50;
  d.retirement_age_women_staff = 55;
  d.setup_cohort_decline = 0.04;
  return d;
}

TEST(LifeTable, DeathAndBirthRatesAsDeclared) {
  const eco::LifeTable life(defaults());
  EXPECT_DOUBLE_EQ(life.death_probability(65), 0.0003 + 0.0085);
  EXPECT_DOUBLE_EQ(life.death_probability(75), 0.0003 + 0.0085 * std::exp(0.95));
  EXPECT_DOUBLE_EQ(life.death_probability(eco::max_age), 1.0);
  EXPECT_DOUBLE_EQ(life.death_probability(200), 1.0);  // clamped to the oldest age
  double fertility = 0;
  for (int age = 0; age <= eco::max_age; ++age) fertility += life.fertility(age);
  EXPECT_NEAR(fertility, 1.1, 1e-12);  // the schedule sums to the total fertility rate
  EXPECT_EQ(life.fertility(14), 0.0);
  EXPECT_EQ(life.fertility(50), 0.0);
  EXPECT_GT(life.fertility(29), life.fertility(40));
  // Hangzhou's life expectancy is about 83-84 years (2021-2022).
  EXPECT_GT(life.life_expectancy(), 82.5);
  EXPECT_LT(life.life_expectancy(), 85.0);
}

TEST(LifeTable, RetiredAgesStartAtTheirRetirementAge) {
  const eco::LifeTable life(defaults());
  EXPECT_EQ(life.draw_age_from(60, 0.0), 60);
  EXPECT_EQ(life.draw_age_from(50, 0.0), 50);
  EXPECT_GT(life.draw_age_from(60, 0.999999), 95);
  // The median retired man (60+) is in his late sixties or early seventies.
  const int median = life.draw_age_from(60, 0.5);
  EXPECT_GE(median, 66);
  EXPECT_LE(median, 74);
}

TEST(RetirementAge, LegalAgesAndThe2025Reform) {
  eco::DemographyParameters d = defaults();
  EXPECT_EQ(eco::retirement_age(d, false, false, 1990), 60.0);
  EXPECT_EQ(eco::retirement_age(d, true, false, 1990), 50.0);
  EXPECT_EQ(eco::retirement_age(d, true, true, 1990), 55.0);
  d.retirement_reform = true;
  // Men: one month per four months of birth from January 1965 (born in July: 2 months).
  EXPECT_EQ(eco::retirement_age(d, false, false, 1964), 60.0);
  EXPECT_DOUBLE_EQ(eco::retirement_age(d, false, false, 1965), 60.0 + 2.0 / 12);
  EXPECT_DOUBLE_EQ(eco::retirement_age(d, false, false, 1970), 60.0 + 17.0 / 12);
  EXPECT_EQ(eco::retirement_age(d, false, false, 1980), 63.0);
  // Women staff from 1970, women workers from 1975 (one month per two).
  EXPECT_EQ(eco::retirement_age(d, true, true, 1969), 55.0);
  EXPECT_DOUBLE_EQ(eco::retirement_age(d, true, true, 1970), 55.0 + 2.0 / 12);
  EXPECT_EQ(eco::retirement_age(d, true, true, 1990), 58.0);
  EXPECT_EQ(eco::retirement_age(d, true, false, 1974), 50.0);
  EXPECT_DOUBLE_EQ(eco::retirement_age(d, true, false, 1975), 50.0 + 4.0 / 12);
  EXPECT_EQ(eco::retirement_age(d, true, false, 1990), 55.0);
}

CompletedRun run_years(std::uint64_t seed, int years, const std::vector<Override>& extra = {}) {
  return run_scenario(xihu_small(seed, 12 * years, extra), 2);
}

TEST(Demography, MembersAgesStayInTheirGroups) {
  const CompletedRun run = run_years(5, 3);
  const auto flags = household_column<std::uint8_t>(run, "flags");
  const auto workers = household_column<std::uint8_t>(run, "workers");
  const auto children = household_column<std::uint8_t>(run, "children");
  const auto elderly = household_column<std::uint8_t>(run, "elderly");
  const auto bits = household_column<std::uint8_t>(run, "person_bits");
  const std::array<std::span<const std::uint8_t>, 2> worker_age{
      household_column<std::uint8_t>(run, "age_0"), household_column<std::uint8_t>(run, "age_1")};
  const std::array<std::span<const std::uint8_t>, 2> child_age{
      household_column<std::uint8_t>(run, "child_age_0"),
      household_column<std::uint8_t>(run, "child_age_1")};
  const std::array<std::span<const std::uint8_t>, 2> elder_age{
      household_column<std::uint8_t>(run, "elder_age_0"),
      household_column<std::uint8_t>(run, "elder_age_1")};
  std::size_t households = 0;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if ((flags[i] & eco::flag_vacant) != 0) {
      EXPECT_EQ(workers[i] + children[i] + elderly[i], 0) << i;
      continue;
    }
    ++households;
    EXPECT_GT(workers[i] + children[i] + elderly[i], 0) << i;
    EXPECT_LE(workers[i], 2);
    EXPECT_LE(children[i], 2);
    EXPECT_LE(elderly[i], 2);
    for (int k = 0; k < workers[i]; ++k) {
      const int age = worker_age[static_cast<std::size_t>(k)][i];
      const bool female = (bits[i] & eco::female_worker(k)) != 0;
      EXPECT_GE(age, 20) << i;
      // Below the legal age (no reform in the shipped scenario).
      EXPECT_LT(age, female ? ((bits[i] & eco::staff_worker(k)) != 0 ? 55 : 50) : 60) << i;
    }
    for (int k = 0; k < children[i]; ++k) {
      EXPECT_LT(child_age[static_cast<std::size_t>(k)][i], 22) << i;
    }
    for (int k = 0; k < elderly[i]; ++k) EXPECT_GE(elder_age[static_cast<std::size_t>(k)][i], 50);
  }
  EXPECT_GT(households, 4000U);
}

TEST(Demography, EstatesAndGiftsMoveThroughTheLedger) {
  const CompletedRun run = run_years(7, 6);
  const auto total = [&](const char* name) {
    const auto series = run.series(name);
    return std::accumulate(series.begin(), series.end(), 0.0);
  };
  EXPECT_GT(total("births"), 200);
  EXPECT_GT(total("deaths"), 200);
  EXPECT_GT(total("households_formed"), 20);
  EXPECT_GT(total("households_dissolved"), 10);
  for (const double error : run.series("money_error")) EXPECT_EQ(error, 0.0);
  // The family row of the flow matrix: between households (and the government
  // for an estate without heir), summing to zero, and not empty.
  const MetricSet& set = run.simulation->metrics();
  const MetricSpec& matrix = set.spec(set.find("flow_matrix"));
  const auto row = static_cast<std::size_t>(eco::Flow::family) * eco::institution_count;
  for (std::size_t step = 1; step < run.rows.size(); ++step) {
    const auto values = run.rows[step].integer_values(matrix);
    std::int64_t sum = 0;
    for (std::size_t k = 0; k < eco::institution_count; ++k) {
      sum += values[row + k];
      const auto institution = static_cast<eco::Institution>(k);
      if (institution != eco::Institution::households &&
          institution != eco::Institution::government) {
        EXPECT_EQ(values[row + k], 0) << step;
      }
    }
    EXPECT_EQ(sum, 0) << step;
    if (step % 12 != 0) {  // the demography moves money at the yearly steps only
      for (std::size_t k = 0; k < eco::institution_count; ++k) EXPECT_EQ(values[row + k], 0);
    }
  }
}

TEST(Demography, IdenticalAtOneTwoAndFourThreadsOverYears) {
  const Scenario scenario = xihu_small(9, 36);
  const CompletedRun one = run_scenario(scenario, 1);
  const CompletedRun two = run_scenario(scenario, 2);
  const CompletedRun four = run_scenario(scenario, 4);
  EXPECT_TRUE(identical_rows(one.rows, two.rows));
  EXPECT_TRUE(identical_rows(one.rows, four.rows));
  expect_same_households(*one.simulation, *four.simulation, "1 vs 4 threads");
}

TEST(Demography, RetirementReformKeepsWorkersLonger) {
  // Paired by seed (a 2021 start): the step into 2025 (48) and later ones
  // retire fewer workers with the reform, at every seed; before, nobody is
  // affected and the runs are identical.
  for (const std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    const CompletedRun base = run_years(seed, 6);
    const CompletedRun reform =
        run_years(seed, 6, {{"parameters.demography.retirement_reform", "true"}});
    const auto retired = [](const CompletedRun& run) {
      const auto series = run.series("retirements");
      return series[48] + series[60] + series[72];
    };
    EXPECT_LT(retired(reform), retired(base)) << seed;
    EXPECT_TRUE(identical_rows({base.rows.begin(), base.rows.begin() + 37},
                               {reform.rows.begin(), reform.rows.begin() + 37}))
        << seed;
  }
}

TEST(Demography, ReformWithoutAStartDateIsRefused) {
  Scenario scenario = xihu_small(1, 12, {{"parameters.demography.retirement_reform", "true"}});
  EXPECT_NO_THROW((void)eco::read_parameters(scenario.parameters));
  scenario.parameters.set_start_date("");
  try {
    (void)eco::read_parameters(scenario.parameters);
    ADD_FAILURE() << "accepted";
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("parameters.demography.retirement_reform"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace cpsim::testing

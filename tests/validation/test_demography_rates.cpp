// Crude birth and death rates and the age structure of the 1:100 Xihu
// baseline against Hangzhou's (docs/economy-rules.md R15): births 6.7-7.6 and
// deaths 4.7-5.4 per 1,000 in 2021-2024; 12.4 % aged 65 and over in 2021.
// Pooled over seeds 1-8 (none chosen because it passes) and the first three
// years; the bands are the published ranges widened by two standard errors
// of a Poisson count of that many person-years (about 0.3 per 1,000 each).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

TEST(DemographyRates, BirthsDeathsAndAgeingNearHangzhou) {
  double births = 0, deaths = 0, person_years = 0, old = 0, persons = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const CompletedRun run = run_scenario(xihu_small(seed, 36), 2);
    const auto population = run.series("population");
    const auto b = run.series("births");
    const auto d = run.series("deaths");
    for (std::size_t year = 1; year <= 3; ++year) {
      births += b[12 * year];
      deaths += d[12 * year];
      person_years += population[12 * (year - 1)];
    }
    const MetricSet& set = run.simulation->metrics();
    const auto by_age = run.rows[0].integer_values(set.spec(set.find("population_by_age")));
    old += static_cast<double>(by_age[3]);
    persons += population[0];
  }
  const double birth_rate = 1000 * births / person_years;
  const double death_rate = 1000 * deaths / person_years;
  EXPECT_GT(birth_rate, 6.7 - 0.6);
  EXPECT_LT(birth_rate, 7.6 + 0.6);
  EXPECT_GT(death_rate, 4.7 - 0.6);
  EXPECT_LT(death_rate, 5.4 + 0.6);
  EXPECT_GT(old / persons, 0.10);
  EXPECT_LT(old / persons, 0.15);
}

}  // namespace
}  // namespace cpsim::testing

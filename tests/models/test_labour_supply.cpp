// Labour supply and its prices (docs/economy-rules.md R3, R4, R12a, R14a):
// the unemployment benefit and the reservation wage on hand-computed cases;
// matching in which more applications never cost hires; migration across the
// district's boundary (arrivals, returns, vacant rows reused) with money
// exact, flows balanced and results identical at 1, 2 and 4 threads; and the
// unemployment insurance's benefits and contributions.
#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "economy/ledger.hpp"
#include "economy/matching.hpp"
#include "economy/state.hpp"
#include "economy/transfers.hpp"
#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

using models::economy::flag_migrant;
using models::economy::flag_rural_resident;
using models::economy::flag_vacant;
using models::economy::reservation_wage;
using models::economy::unemployment_benefit_fen;

constexpr std::int64_t rmb = 100;

TEST(UnemploymentBenefit, FlatBenefitForContributorsDuringTheFirstMonthsOfASpell) {
  // Hangzhou 2021: 90 % of the 2,280 RMB minimum wage, 12 months.
  EXPECT_EQ(unemployment_benefit_fen(true, 1, 12, 2052), 2052 * rmb);
  EXPECT_EQ(unemployment_benefit_fen(true, 12, 12, 2052), 2052 * rmb);
  EXPECT_EQ(unemployment_benefit_fen(true, 13, 12, 2052), 0);  // exhausted
  EXPECT_EQ(unemployment_benefit_fen(false, 3, 12, 2052), 0);  // never contributed
  EXPECT_EQ(unemployment_benefit_fen(true, 0, 12, 2052), 0);   // not yet a month without a job
  EXPECT_EQ(unemployment_benefit_fen(true, 1, 0, 2052), 0);    // no insurance
  EXPECT_EQ(unemployment_benefit_fen(true, 1, 12, 1000.005), 100000);  // floored to the fen
}

TEST(ReservationWage, FallsWithTheSpellDownToTheBenefit) {
  // 0.7 x 10,000 at the start of a spell, then exp(-0.05) a month.
  EXPECT_DOUBLE_EQ(reservation_wage(10000, 0.7, 0.05, 0, 2052), 7000);
  EXPECT_DOUBLE_EQ(reservation_wage(10000, 0.7, 0.05, 6, 2052), 7000 * std::exp(-0.3));
  EXPECT_NEAR(reservation_wage(10000, 0.7, 0.05, 6, 2052), 5185.8, 0.1);
  // After 25 months 7,000 x exp(-1.25) = 2,005.5 < 2,052: the floor holds.
  EXPECT_DOUBLE_EQ(reservation_wage(10000, 0.7, 0.05, 25, 2052), 2052);
  EXPECT_DOUBLE_EQ(reservation_wage(10000, 0.0, 0.05, 0, 917), 917);
}

/// Hires of one matching on a random market where each seeker finds a third
/// of the firms unacceptable (offers declined must pass on to others).
std::int64_t hires_with(std::int64_t applications, std::uint64_t seed) {
  const RandomStream market(seed, "test.market");
  const std::size_t seekers = 2000, firms = 120;
  std::vector<std::uint64_t> keys(seekers);
  std::vector<float> scores(seekers);
  for (std::size_t s = 0; s < seekers; ++s) {
    keys[s] = 1000 + 7 * s;
    scores[s] = static_cast<float>(market.uniform(s, 0));
  }
  std::vector<std::int32_t> vacancies(firms);
  for (std::size_t f = 0; f < firms; ++f) {
    vacancies[f] = static_cast<std::int32_t>(market.index(f, 1, 15));
  }
  const auto value = [&](std::size_t s, std::size_t f) {
    return market.uniform(s * firms + f, 2) < 1.0 / 3.0 ? -1.0 : 1.0 + market.uniform(f, 3);
  };
  const models::economy::MatchingRules rules{applications, applications, 3};
  const auto hired = models::economy::match_jobs(keys, scores, vacancies, rules,
                                                 RandomStream(seed, "labour.search"), 5, value);
  return std::count_if(hired.begin(), hired.end(), [](std::int32_t f) { return f >= 0; });
}

TEST(Matching, DoublingApplicationsNeverCostsHires) {
  // Fewer vacancies than seekers: without the offer waves, top applicants
  // holding several offers left the others' vacancies open.
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    for (const std::int64_t k : {1, 2, 4}) {
      EXPECT_GE(hires_with(2 * k, seed), hires_with(k, seed)) << "seed " << seed << ", k " << k;
    }
  }
}

// ---------------------------------------------------------------- migration
// A district with strong flows both ways: a low outside wage draws many
// arrivals, a high return rate frees many rows.
std::vector<Override> busy_boundary() {
  return {{"parameters.in_migration.outside_wage_ratio", "0.2"},
          {"parameters.in_migration.return_rate_annual", "0.6"}};
}

CompletedRun run_busy(int threads, std::int64_t steps = 24, std::uint64_t seed = 11) {
  return run_scenario(xihu_small(seed, steps, busy_boundary()), threads);
}

const CompletedRun& busy() {
  static const CompletedRun run = run_busy(2);
  return run;
}

double total(const std::vector<double>& series) {
  return std::accumulate(series.begin(), series.end(), 0.0);
}

TEST(LabourMigration, ArrivalsAreMigrantRentersInUrbanCommunities) {
  // Before the first yearly step: later an arrival may inherit an estate.
  const CompletedRun run = run_busy(2, 11);
  EXPECT_GT(total(run.series("arriving_households")), 50);
  EXPECT_GT(total(run.series("departing_households")), 50);
  const auto flags = household_column<std::uint8_t>(run, "flags");
  const auto housing = household_column<std::int64_t>(run, "housing_wealth");
  const auto fund = household_column<float>(run, "equity_fund_share");
  const auto ids = run.simulation->find_table("households")->ids();
  std::size_t arrivals = 0;
  // Arrivals' ids come from their own origin (formed households have another).
  const AgentId arrival_origin = IdAllocator::make(0x7ffffffeU, 0);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if ((ids[i] & ~AgentId{0xffffffffU}) != arrival_origin || (flags[i] & flag_vacant) != 0) {
      continue;
    }
    ++arrivals;
    EXPECT_NE(flags[i] & flag_migrant, 0) << i;
    EXPECT_EQ(flags[i] & flag_rural_resident, 0) << i;
    EXPECT_EQ(housing[i], 0) << i;
    EXPECT_EQ(fund[i], 0.0F) << i;
  }
  EXPECT_GT(arrivals, 0U);
}

TEST(LabourMigration, DeparturesLeaveVacantRowsThatArrivalsTakeFirst) {
  const CompletedRun& run = busy();
  const auto flags = household_column<std::uint8_t>(run, "flags");
  const auto deposits = household_column<std::int64_t>(run, "deposits");
  const auto employer_0 = household_column<std::int32_t>(run, "employer_0");
  const auto workers = household_column<std::uint8_t>(run, "workers");
  const auto children = household_column<std::uint8_t>(run, "children");
  std::size_t vacant = 0;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if ((flags[i] & flag_vacant) == 0) continue;
    ++vacant;
    EXPECT_EQ(flags[i], flag_vacant) << i;
    EXPECT_EQ(deposits[i], 0) << i;
    EXPECT_EQ(employer_0[i], -1) << i;
    EXPECT_EQ(workers[i] + children[i], 0) << i;
  }
  // The households metric counts the occupied rows; the change over the run
  // is arrivals minus departures plus households formed minus dissolved.
  const auto households = run.series("households");
  EXPECT_EQ(households.back(), static_cast<double>(flags.size() - vacant));
  EXPECT_EQ(households.back() - households.front(),
            total(run.series("arriving_households")) - total(run.series("departing_households")) +
                total(run.series("households_formed")) - total(run.series("households_dissolved")));
  // Rows are reused: the table holds fewer rows than set-up plus all arrivals.
  EXPECT_LT(static_cast<double>(flags.size()), households.front() +
                                                   total(run.series("arriving_households")) +
                                                   total(run.series("households_formed")));
}

TEST(LabourMigration, MoneyExactAndFlowsBalanceWithBusyBoundary) {
  const CompletedRun& run = busy();
  for (const double error : run.series("money_error")) EXPECT_EQ(error, 0.0);
  // The migration row of the flow matrix: households and the rest of the
  // world only, summing to zero; deposits brought in net of those taken out.
  const MetricSet& set = run.simulation->metrics();
  const MetricSpec& matrix = set.spec(set.find("flow_matrix"));
  const auto row = static_cast<std::size_t>(models::economy::Flow::migration) *
                   models::economy::institution_count;
  std::int64_t in = 0;
  for (std::size_t step = 1; step < run.rows.size(); ++step) {
    const auto values = run.rows[step].integer_values(matrix);
    std::int64_t sum = 0;
    for (std::size_t k = 0; k < models::economy::institution_count; ++k) sum += values[row + k];
    EXPECT_EQ(sum, 0) << step;
    in += values[row + static_cast<std::size_t>(models::economy::Institution::households)];
  }
  EXPECT_NE(in, 0);
}

TEST(LabourMigration, IdenticalAtOneTwoAndFourThreads) {
  const CompletedRun one = run_busy(1, 14);
  const CompletedRun four = run_busy(4, 14);
  const CompletedRun two = run_busy(2, 14);
  EXPECT_TRUE(identical_rows(one.rows, two.rows));
  EXPECT_TRUE(identical_rows(one.rows, four.rows));
  const auto ids_one = one.simulation->find_table("households")->ids();
  const auto ids_four = four.simulation->find_table("households")->ids();
  EXPECT_TRUE(std::equal(ids_one.begin(), ids_one.end(), ids_four.begin(), ids_four.end()));
}

TEST(LabourMigration, ClosedBoundaryHasNoFlows) {
  const CompletedRun run = run_scenario(xihu_small(3, 24, closed_boundary()), 2);
  EXPECT_EQ(total(run.series("arriving_households")), 0.0);
  EXPECT_EQ(total(run.series("departing_households")), 0.0);
  // Only the demography changes the household count then.
  const auto households = run.series("households");
  EXPECT_EQ(households.back() - households.front(),
            total(run.series("households_formed")) - total(run.series("households_dissolved")));
}

TEST(LabourMigration, ArrivalsRiseWithTheExpectedIncomeGap) {
  // Paired by seed (common random numbers): a lower outside wage means a
  // larger gap and more arrivals in the first year, at every seed.
  for (const std::uint64_t seed : {1ULL, 2ULL, 3ULL, 4ULL}) {
    const auto arrivals = [&](const char* ratio) {
      const CompletedRun run = run_scenario(
          xihu_small(seed, 12, {{"parameters.in_migration.outside_wage_ratio", ratio}}), 2);
      return total(run.series("arriving_persons"));
    };
    EXPECT_GT(arrivals("0.22"), arrivals("0.29")) << "seed " << seed;
  }
}

TEST(LabourMigration, HousingCrowdingIsResidentsOverAGrowingCapacity) {
  // The capacity is the set-up's residents, growing at housing_growth_annual
  // a month at a time: crowding = population / (population_0 x e^(g t / 12)).
  const CompletedRun run = run_busy(2, 14);
  const auto population = run.series("population");
  const auto crowding = run.series("housing_crowding");
  for (std::size_t t = 0; t < crowding.size(); ++t) {
    const double capacity = population.front() * std::exp(0.015 * static_cast<double>(t) / 12.0);
    EXPECT_NEAR(crowding[t], population[t] / capacity, 1e-9) << t;
  }
}

TEST(LabourMigration, RentLowersTheGapAndArrivalsWhenHousingLags) {
  // Paired by seed: rent at 30 % of income, housing that shrinks 50 % a
  // year. At set-up crowding is 1 and rent is at its set-up share, so the
  // gap is the same; afterwards it is lower, and fewer arrive, at every seed.
  for (const std::uint64_t seed : {1ULL, 2ULL, 3ULL, 4ULL}) {
    const auto run = [&](const char* rent) {
      return run_scenario(xihu_small(seed, 12,
                                     {{"parameters.in_migration.rent_share", rent},
                                      {"parameters.in_migration.housing_growth_annual", "-0.5"}}),
                          2);
    };
    const CompletedRun free = run("0");
    const CompletedRun rent = run("0.3");
    EXPECT_EQ(free.series("expected_income_gap").front(),
              rent.series("expected_income_gap").front());
    EXPECT_LT(rent.series("expected_income_gap")[1], free.series("expected_income_gap")[1]);
    EXPECT_LT(total(rent.series("arriving_persons")), total(free.series("arriving_persons")))
        << "seed " << seed;
    for (const double error : rent.series("money_error")) EXPECT_EQ(error, 0.0);
  }
}

// ------------------------------------------------------- unemployment insurance
TEST(UnemploymentInsurance, BenefitsAreTheFlatAmountForEachRecipient) {
  const CompletedRun run = run_scenario(xihu_small(20210701, 24), 2);
  const auto recipients = run.series("benefit_recipients");
  const auto benefits = run.series("unemployment_benefits");
  const auto contributions = run.series("social_contributions");
  for (std::size_t step = 1; step < run.rows.size(); ++step) {
    EXPECT_DOUBLE_EQ(benefits[step], 2052.0 * recipients[step]) << step;
    EXPECT_GT(contributions[step], 0.0) << step;
  }
  EXPECT_GT(total(recipients), 0.0);
}

TEST(UnemploymentInsurance, NoInsuranceMeansNoBenefitsAndNoContributions) {
  const CompletedRun run =
      run_scenario(xihu_small(20210701, 12,
                              {{"parameters.unemployment_insurance.max_months", "0"},
                               {"parameters.unemployment_insurance.employee_rate", "0"},
                               {"parameters.unemployment_insurance.employer_rate", "0"}}),
                   2);
  EXPECT_EQ(total(run.series("benefit_recipients")), 0.0);
  for (std::size_t step = 1; step < run.rows.size(); ++step) {
    EXPECT_EQ(run.series("social_contributions")[step], 0.0) << step;
  }
  for (const double error : run.series("money_error")) EXPECT_EQ(error, 0.0);
}

}  // namespace
}  // namespace cpsim::testing

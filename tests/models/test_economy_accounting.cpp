// Accounting identities of the district economy on the 1:100 Xihu scenario:
// money is conserved to the fen every step, every row and column of the
// transaction-flow matrix sums to zero, and all metrics are bit-identical at
// 1, 2 and 4 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include "cpsim/engine/errors.hpp"
#include "economy/ledger.hpp"
#include "models/economy_fixture.hpp"

namespace cpsim::testing {
namespace {

void expect_nontrivial_books_balance(const EconomyRun& run, const std::string& label) {
  EXPECT_GT(expect_books_balance(*run.simulation, run.observer.rows, label), 0)
      << "the books balance trivially if nothing flows";
}

TEST(EconomyAccounting, MoneyIsConservedAndFlowMatrixBalancesAtSeveralSeedsAndThreads) {
  for (const std::uint64_t seed : {1ULL, 2ULL, 20210701ULL}) {
    for (const int threads : {1, 4}) {
      // 25 steps: two year ends (tax settlement, ageing, firm dynamics).
      const auto run = run_xihu_small(seed, 25, threads);
      expect_nontrivial_books_balance(
          *run, "seed " + std::to_string(seed) + " threads " + std::to_string(threads));
    }
  }
}

TEST(EconomyAccounting, BitIdenticalAtOneTwoAndFourThreads) {
  const auto one = run_xihu_small(7, 14, 1);
  for (const int threads : {2, 4}) {
    const auto other = run_xihu_small(7, 14, threads);
    ASSERT_EQ(one->observer.rows.size(), other->observer.rows.size());
    for (std::size_t step = 0; step < one->observer.rows.size(); ++step) {
      const MetricRow& a = one->observer.rows[step];
      const MetricRow& b = other->observer.rows[step];
      ASSERT_EQ(a.reals().size(), b.reals().size());
      ASSERT_EQ(a.integers().size(), b.integers().size());
      EXPECT_EQ(std::memcmp(a.reals().data(), b.reals().data(), a.reals().size_bytes()), 0)
          << "real metrics differ at step " << step << " with " << threads << " threads";
      EXPECT_EQ(std::memcmp(a.integers().data(), b.integers().data(), a.integers().size_bytes()), 0)
          << "integer metrics differ at step " << step << " with " << threads << " threads";
    }
    // The household panel too.
    expect_same_households(*one->simulation, *other->simulation,
                           std::to_string(threads) + " threads");
  }
}

TEST(EconomyAccounting, DifferentSeedsGiveDifferentRuns) {
  const auto a = run_xihu_small(1, 3, 2);
  const auto b = run_xihu_small(2, 3, 2);
  const MetricSpec& gdp = spec(*a->simulation, "gdp");
  EXPECT_NE(a->observer.rows[3].real_values(gdp)[0], b->observer.rows[3].real_values(gdp)[0]);
}

}  // namespace
}  // namespace cpsim::testing

namespace cpsim::models::economy {
namespace {

TEST(EconomyLabourMetrics, VacanciesAndJobFindingFollowTheirDefinitions) {
  // open_vacancies is what the firms' vacancy column holds after matching;
  // the rates are its share of labour demand and the share of the month's
  // seekers who were hired. Some months leave vacancies open (the Beveridge
  // curve has two sides), though offers declined pass on to other applicants.
  const auto run = cpsim::testing::run_xihu_small(20210701, 14, 2);
  const Simulation& simulation = *run->simulation;
  const auto integer = [&](std::size_t step, const char* name) {
    return run->observer.rows[step].integer_values(cpsim::testing::spec(simulation, name))[0];
  };
  const auto real = [&](std::size_t step, const char* name) {
    return run->observer.rows[step].real_values(cpsim::testing::spec(simulation, name))[0];
  };
  std::int64_t most_open = 0;
  for (std::size_t step = 1; step < run->observer.rows.size(); ++step) {
    const std::int64_t open = integer(step, "open_vacancies");
    most_open = std::max(most_open, open);
    const std::int64_t employed = integer(step, "employment");
    const std::int64_t hires = integer(step, "hires");
    const std::int64_t unemployed = integer(step, "labour_force") - employed;
    EXPECT_GE(open, 0) << step;
    EXPECT_DOUBLE_EQ(real(step, "vacancy_rate"),
                     static_cast<double>(open) / static_cast<double>(employed + open))
        << step;
    EXPECT_DOUBLE_EQ(real(step, "job_finding_rate"),
                     static_cast<double>(hires) / static_cast<double>(hires + unemployed))
        << step;
    EXPECT_GT(hires, 0) << step;
  }
  const AgentTable& firms = *simulation.find_table("firms");
  std::int64_t open_at_end = 0;
  for (std::size_t c = 0; c < firms.column_count(); ++c) {
    if (firms.column_info(c).name != "vacancies") continue;
    for (const std::int32_t v : std::get<std::vector<std::int32_t>>(firms.column_data(c))) {
      open_at_end += v;
    }
  }
  EXPECT_EQ(integer(run->observer.rows.size() - 1, "open_vacancies"), open_at_end);
  EXPECT_GT(most_open, 0);
}

TEST(LedgerGuards, MoneyOverflowStopsWithTheAccountNamed) {
  std::vector<std::int64_t> households{std::numeric_limits<std::int64_t>::max() - 5, 0};
  std::vector<std::int64_t> firms{100}, villages{0};
  Ledger ledger;
  ledger.attach(households, firms, villages);
  FlowTally tally;
  ledger.transfer(firm_account(0), household_account(0), 5, Flow::wages, tally);  // fits exactly
  try {
    ledger.transfer(firm_account(0), household_account(0), 1, Flow::wages, tally);
    FAIL() << "expected a SimulationError";
  } catch (const SimulationError& e) {
    EXPECT_STREQ(e.what(),
                 "money overflow: balance of households[0] plus 1 fen (wages) does not fit in "
                 "64-bit fen");
  }
}

TEST(LedgerGuards, NegativeAndNonFiniteAmountsStopTheRun) {
  std::vector<std::int64_t> households{0}, firms{0}, villages{0};
  Ledger ledger;
  ledger.attach(households, firms, villages);
  FlowTally tally;
  EXPECT_THROW(ledger.transfer(firm_account(0), household_account(0), -3, Flow::wages, tally),
               SimulationError);
  EXPECT_THROW(static_cast<void>(floor_fen(std::nan(""))), SimulationError);
  EXPECT_THROW(static_cast<void>(floor_fen(1e30)), SimulationError);
  EXPECT_EQ(floor_fen(12.99), 12);
  EXPECT_EQ(floor_fen(-4.0), 0);
}

}  // namespace
}  // namespace cpsim::models::economy

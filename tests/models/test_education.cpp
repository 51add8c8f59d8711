// Children's human capital and entrants' skills in the district economy
// (education.hpp, demography.cpp; docs/economy-model.md "Education and
// skills") on Xihu at 1:100: more public or private education raises the
// skill of labour-market entrants against the same seed (common random
// numbers: the same children enter with the same draws); a positive
// intergenerational elasticity correlates entrants' skills with their
// parents'; the public-education policy conserves money, balances the flow
// matrix and is identical at 1, 2 and 4 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/economy_fixture.hpp"
#include "support/run_model.hpp"

namespace cpsim::testing {
namespace {

constexpr std::uint64_t seed = 20210701;
constexpr std::size_t urban = 0, rural = 1;  // the residence dimension

CompletedRun run_xihu(const std::string& file, std::int64_t steps,
                      std::vector<std::string> settings = {}, int threads = 2) {
  std::vector<Override> overrides{parse_override("seed=" + std::to_string(seed)),
                                  parse_override("steps=" + std::to_string(steps)),
                                  parse_override("parameters.population.residents=10892")};
  for (const std::string& s : settings) overrides.push_back(parse_override(s));
  return run_scenario(load_shipped(file, overrides), threads);
}

/// Element k of a metric at the year ends (steps 12, 24, ...).
std::vector<double> yearly(const CompletedRun& run, const std::string& name, std::size_t k = 0) {
  const auto& set = run.simulation->metrics();
  const std::size_t index = set.find(name);
  if (index == set.specs().size()) throw std::invalid_argument("no metric " + name);
  const MetricSpec& spec = set.spec(index);
  std::vector<double> values;
  for (std::size_t step = 12; step < run.rows.size(); step += 12) {
    const MetricRow& row = run.rows[step];
    values.push_back(spec.type == MetricType::Real
                         ? row.real_values(spec)[k]
                         : static_cast<double>(row.integer_values(spec)[k]));
  }
  return values;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

TEST(Education, PublicEducationInVillagesRaisesRuralEntrantsSkill) {
  // The policy starts at step 13; its children enter at the year ends 24-60.
  const CompletedRun base = run_xihu("scenarios/xihu/baseline.yaml", 60);
  const CompletedRun schools = run_xihu("scenarios/xihu/policies/education-investment.yaml", 60);
  const auto entrants_base = yearly(base, "entrants", rural);
  const auto entrants_schools = yearly(schools, "entrants", rural);
  ASSERT_EQ(entrants_base, entrants_schools);  // the same children enter
  ASSERT_GT(mean(entrants_base), 0.0);
  const auto skill_base = yearly(base, "entrant_skill", rural);
  const auto skill_schools = yearly(schools, "entrant_skill", rural);
  EXPECT_EQ(skill_base[0], skill_schools[0]);  // year 1: before the policy
  for (std::size_t year = 1; year < skill_base.size(); ++year) {
    if (entrants_base[year] == 0) continue;
    EXPECT_GT(skill_schools[year], skill_base[year]) << "year " << year + 1;
  }
  // The moving average takes in a tenth a year: after four years about a
  // third of the 6,000 RMB.
  EXPECT_GT(yearly(schools, "education_per_child", rural).back(),
            yearly(base, "education_per_child", rural).back() + 1000.0);
  EXPECT_GT(mean(yearly(schools, "policy_spending")), 0.0);
}

TEST(Education, MoreHouseholdEducationSpendingRaisesEntrantsSkill) {
  // A closed boundary: who lives in the district then does not depend on the
  // labour market, so the same children enter in both runs.
  const std::vector<std::string> closed{"parameters.in_migration.rate_annual=0",
                                        "parameters.in_migration.return_rate_annual=0",
                                        "parameters.in_migration.return_unemployed_annual=0"};
  std::vector<std::string> more_spending = closed;
  more_spending.emplace_back("parameters.education.private_share=0.12");
  const CompletedRun base = run_xihu("scenarios/xihu-small.yaml", 48, closed);
  const CompletedRun more = run_xihu("scenarios/xihu-small.yaml", 48, more_spending);
  EXPECT_GT(mean(yearly(more, "household_education_spending")),
            1.5 * mean(yearly(base, "household_education_spending")));
  for (const std::size_t g : {urban, rural}) {
    EXPECT_EQ(yearly(base, "entrants", g), yearly(more, "entrants", g));
    EXPECT_GT(mean(yearly(more, "entrant_skill", g)), mean(yearly(base, "entrant_skill", g))) << g;
  }
  // Spending on education is part of services spending: the money is the same.
  EXPECT_EQ(yearly(base, "money_total"), yearly(more, "money_total"));
}

TEST(Education, IntergenerationalElasticityCorrelatesEntrantsWithParents) {
  // Mean over ten year ends of the correlation of entrants' and working
  // parents' log skills (about 50 pairs a year at 1:100).
  const auto correlation = [](const std::string& rho, const std::string& beta) {
    const CompletedRun run = run_xihu("scenarios/xihu-small.yaml", 120,
                                      {"parameters.skills.intergenerational_elasticity=" + rho,
                                       "parameters.education.skill_elasticity=" + beta});
    return mean(yearly(run, "entrant_parent_skill_correlation"));
  };
  const double independent = correlation("0", "0");
  const double through_education = correlation("0", "0.3");
  const double strong = correlation("0.6", "0.3");
  // Without persistence or education the draws are independent of the parent.
  EXPECT_LT(std::abs(independent), 0.15);
  // Richer parents (more skill) spend more on education.
  EXPECT_GT(through_education, independent);
  EXPECT_GT(strong, through_education + 0.25);
  EXPECT_GT(strong, 0.4);
}

TEST(Education, MoneyIsConservedAndTheFlowMatrixBalancesWithPublicEducation) {
  const CompletedRun run = run_xihu("scenarios/xihu/policies/education-investment.yaml", 26);
  EXPECT_GT(expect_books_balance(*run.simulation, run.rows, "education-investment"), 0);
}

TEST(Education, BitIdenticalAtOneTwoAndFourThreads) {
  const std::string file = "scenarios/xihu/policies/education-investment.yaml";
  const CompletedRun one = run_xihu(file, 26, {}, 1);
  for (const int threads : {2, 4}) {
    const CompletedRun other = run_xihu(file, 26, {}, threads);
    EXPECT_TRUE(identical_rows(one.rows, other.rows)) << threads << " threads";
    expect_same_households(*one.simulation, *other.simulation,
                           std::to_string(threads) + " threads");
  }
}

}  // namespace
}  // namespace cpsim::testing

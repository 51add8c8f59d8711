// Policy modules of the district economy (docs/policies.md), mechanics
// that hold for every module: common random numbers (a policy that never
// acts, or acts with a zero-size lever, reproduces the baseline bit for bit;
// the months before a policy's start are the baseline's); money conservation
// and a balanced flow matrix with every policy on; identical results at 1, 2
// and 4 threads. Each module's effects, paired over seeds with intervals:
// test_policy_effects.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "economy/policies/policy.hpp"
#include "models/economy_fixture.hpp"
#include "models/policy_fixture.hpp"

namespace cpsim::testing::policies {
namespace {

constexpr std::uint64_t seed = 20210701;

const CompletedRun& baseline() { return policies::baseline(seed); }

CompletedRun run_policy(const std::string& file, std::vector<std::string> extra = {},
                        std::int64_t run_steps = steps, int threads = 2) {
  return policies::run_policy(file, seed, extra, run_steps, threads);
}

/// Every metric the baseline has is bit-identical in `run` at every step.
void expect_baseline_metrics(const CompletedRun& run, const std::string& label) {
  const CompletedRun& base = baseline();
  ASSERT_EQ(run.rows.size(), base.rows.size()) << label;
  for (const MetricSpec& spec : base.simulation->metrics().specs()) {
    const MetricSpec& other =
        run.simulation->metrics().spec(run.simulation->metrics().find(spec.name));
    for (std::size_t step = 0; step < base.rows.size(); ++step) {
      if (spec.type == MetricType::Real) {
        const auto a = base.rows[step].real_values(spec);
        const auto b = run.rows[step].real_values(other);
        ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0)
            << label << ": " << spec.name << " differs at step " << step;
      } else {
        const auto a = base.rows[step].integer_values(spec);
        const auto b = run.rows[step].integer_values(other);
        ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(std::int64_t)), 0)
            << label << ": " << spec.name << " differs at step " << step;
      }
    }
  }
}

// ------------------------------------------------- common random numbers

std::vector<std::string> all_starting_at(const std::string& start) {
  std::vector<std::string> overrides;
  for (const auto& module : models::economy::policy_modules()) {
    overrides.push_back("policies." + module.info.name + ".start=" + start);
  }
  return overrides;
}

TEST(PolicyCommonRandomNumbers, PoliciesAfterTheRunGiveTheBaseline) {
  const CompletedRun run = run_policy("all-nine-pictures", all_starting_at("100"));
  expect_baseline_metrics(run, "all policies from step 100");
  EXPECT_EQ(total_policy_spending(run), 0.0);
}

TEST(PolicyCommonRandomNumbers, DisabledPoliciesGiveTheBaseline) {
  std::vector<std::string> off;
  for (const auto& module : models::economy::policy_modules())
    off.push_back("policies." + module.info.name + ".enabled=false");
  expect_baseline_metrics(run_policy("all-nine-pictures", off), "all policies disabled");
}

TEST(PolicyCommonRandomNumbers, ZeroSizeLeversGiveTheBaseline) {
  expect_baseline_metrics(
      run_policy("rural-pension", {"policies.rural_pension.monthly_amount=300"}),
      "pension at the baseline level");
  expect_baseline_metrics(run_policy("dibao-reform", {"policies.dibao_reform.standard_increase=0",
                                                      "policies.dibao_reform.take_up=0"}),
                          "dibao reform of size 0");
  expect_baseline_metrics(
      run_policy("digital-governance", {"policies.digital_governance.outreach_rate=0"}),
      "outreach 0");
  expect_baseline_metrics(run_policy("charity", {"policies.charity.donation_rate=0"}), "charity 0");
  expect_baseline_metrics(
      run_policy("enterprise-pairing", {"policies.enterprise_pairing.support_per_member_month=0"}),
      "pairing 0");
  expect_baseline_metrics(run_policy("time-bank", {"policies.time_bank.participation=0",
                                                   "policies.elderly_care.enabled=false"}),
                          "time bank with no volunteers");
}

TEST(PolicyCommonRandomNumbers, APolicyLeavesTheMonthsBeforeItsStartUntouched) {
  const CompletedRun run = run_policy("all-nine-pictures");
  const CompletedRun& base = baseline();
  const MetricSpec& gdp = base.simulation->metrics().spec(base.simulation->metrics().find("gdp"));
  const MetricSpec& gdp_run = run.simulation->metrics().spec(run.simulation->metrics().find("gdp"));
  for (std::size_t step = 0; step < policy_start; ++step) {
    EXPECT_EQ(run.rows[step].real_values(gdp_run)[0], base.rows[step].real_values(gdp)[0]) << step;
  }
  EXPECT_NE(run.rows[policy_start].real_values(gdp_run)[0],
            base.rows[policy_start].real_values(gdp)[0]);
}

// ------------------------------------------------ accounts and threads

TEST(PolicyAccounts, MoneyIsConservedAndFlowsBalanceWithEveryPolicyOn) {
  const CompletedRun run = run_policy("all-nine-pictures");
  EXPECT_GT(expect_books_balance(*run.simulation, run.rows, "all-nine-pictures"), 0);
  const auto& set = run.simulation->metrics();
  const MetricSpec& flows = set.spec(set.find("flow_matrix"));
  const std::size_t institutions = set.dimensions()[flows.dimensions[1]].labels.size();
  // Every new flow kind carries money in this run.
  using models::economy::Flow;
  for (const Flow kind : {Flow::policy_benefits, Flow::policy_subsidies, Flow::policy_purchases,
                          Flow::environmental_tax, Flow::charity}) {
    double moved = 0;
    for (std::size_t j = 0; j < institutions; ++j) {
      const std::size_t cell = static_cast<std::size_t>(kind) * institutions + j;
      for (const double x : element(run, "flow_matrix", cell)) moved += std::abs(x);
    }
    EXPECT_GT(moved, 0.0) << models::economy::flow_names[static_cast<std::size_t>(kind)];
  }
  // Every instance spends something.
  const MetricSpec& spending = set.spec(set.find("policy_spending"));
  const std::size_t policies = set.dimensions()[spending.dimensions[0]].labels.size();
  EXPECT_EQ(policies, models::economy::policy_modules().size());
  for (std::size_t k = 0; k < policies; ++k) {
    const std::string& name = set.dimensions()[spending.dimensions[0]].labels[k];
    const bool parameters_only = name == "digital_economy" || name == "reserved_land" ||
                                 name == "rural_tourism" || name == "rural_ecommerce" ||
                                 name == "business_environment" || name == "income_tax_reform" ||
                                 name == "capital_income_tax";
    const double total = policy_mean(run, "policy_spending", k);
    if (parameters_only) {
      EXPECT_EQ(total, 0.0) << name;
    } else {
      EXPECT_GT(total, 0.0) << name;
    }
  }
}

TEST(PolicyAccounts, BitIdenticalAtOneTwoAndFourThreadsWithEveryPolicyOn) {
  const CompletedRun one = run_policy("all-nine-pictures", {}, 30, 1);
  const CompletedRun two = run_policy("all-nine-pictures", {}, 30, 2);
  const CompletedRun four = run_policy("all-nine-pictures", {}, 30, 4);
  EXPECT_TRUE(identical_rows(one.rows, two.rows));
  EXPECT_TRUE(identical_rows(one.rows, four.rows));
}

}  // namespace
}  // namespace cpsim::testing::policies

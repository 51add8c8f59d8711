// Policy effects with intervals (docs/policies.md "Effects with intervals at
// 1:100"): every module's shipped scenario (scenarios/xihu/policies/NAME.yaml)
// against the baseline at 1:100, 36 months (policies from step 13), at the
// fixed seeds 1..8 with common random numbers (policy run and baseline with
// the same seed). For each metric a module targets, the mean paired
// difference's 95 % Student-t interval (n - 1 degrees of freedom) must
// exclude 0 with the expected sign. Where a module has no significant effect
// at this size the metric is only reported (printed, and stated in
// docs/policies.md) and the test asserts what does hold for the module (its
// other targets, and that it pays at every seed).
//
// Cost: a baseline per seed, run once per test process, and one run per module
// and seed; the TESTs group the modules by picture so that each process runs
// about forty 36-month runs at 1:100.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cpsim/engine/confidence_interval.hpp"
#include "economy/policies/policy.hpp"
#include "models/policy_fixture.hpp"

namespace cpsim::testing::policies {
namespace {

constexpr std::uint64_t first_seed = 1;
constexpr std::uint64_t replicates = 8;  // seeds 1..8, fixed
constexpr double confidence = 0.95;

/// What the test expects of a paired difference (policy minus reference).
enum class Expect {
  raises,   ///< interval above 0
  lowers,   ///< interval below 0
  reported  ///< no significant effect at 1:100 (docs/policies.md): printed, not asserted
};

struct Effect {
  std::string metric;  ///< as in docs/policies.md's table
  std::function<double(const CompletedRun&)> measure;
  Expect expect;
};

struct ModuleEffects {
  std::string module;  ///< module name; its scenario is the name with '-' for '_'
  bool pays;           ///< mechanics: the policy pays something at every seed
  std::vector<Effect> effects;
  /// Overrides of the module's own scenario that give the reference run;
  /// empty: the baseline.
  std::vector<std::string> reference = {};
};

// ------------------------------------------------------------- measures

std::function<double(const CompletedRun&)> during_policy(std::string metric, std::size_t k = 0) {
  return [metric = std::move(metric), k](const CompletedRun& run) {
    return policy_mean(run, metric, k);
  };
}

std::function<double(const CompletedRun&)> at_end(std::string table, std::string column) {
  return [table = std::move(table), column = std::move(column)](const CompletedRun& run) {
    return final_mean(run, table, column);
  };
}

const auto public_purchases = [](const CompletedRun& run) { return public_purchases_mean(run); };

std::string scenario_file(std::string module) {
  std::replace(module.begin(), module.end(), '_', '-');
  return module;
}

// ------------------------------------------------------------- the test

/// Runs every module of `group` at seeds 1..8 against its reference, checks
/// its mechanics at every seed and the interval of each targeted effect.
void expect_paired_effects(const std::vector<ModuleEffects>& group) {
  std::vector<std::vector<std::vector<double>>> differences(group.size());
  std::vector<std::vector<double>> reference_sum(group.size());  // for the printed level
  for (std::size_t m = 0; m < group.size(); ++m) {
    differences[m].resize(group[m].effects.size());
    reference_sum[m].resize(group[m].effects.size());
  }
  for (std::uint64_t seed = first_seed; seed < first_seed + replicates; ++seed) {
    for (std::size_t m = 0; m < group.size(); ++m) {
      const ModuleEffects& module = group[m];
      SCOPED_TRACE(module.module + " seed " + std::to_string(seed));
      const std::string file = scenario_file(module.module);
      const CompletedRun run = run_policy(file, seed);
      CompletedRun own_reference;
      if (!module.reference.empty()) own_reference = run_policy(file, seed, module.reference);
      const CompletedRun& reference = module.reference.empty() ? baseline(seed) : own_reference;
      if (module.pays) EXPECT_GT(total_policy_spending(run), 0.0);
      for (std::size_t e = 0; e < module.effects.size(); ++e) {
        const Effect& effect = module.effects[e];
        const double level = effect.measure(reference);
        differences[m][e].push_back(effect.measure(run) - level);
        reference_sum[m][e] += level;
      }
    }
  }
  for (std::size_t m = 0; m < group.size(); ++m) {
    for (std::size_t e = 0; e < group[m].effects.size(); ++e) {
      const Effect& effect = group[m].effects[e];
      const DifferenceSummary d = summarize_differences(differences[m][e], confidence);
      // One line per effect (reference level, mean paired difference, interval,
      // replicates): the row of docs/policies.md's table.
      std::printf("paired effect | %s | %s | %.6g | %+.6g | [%+.6g, %+.6g] | %lld\n",
                  group[m].module.c_str(), effect.metric.c_str(),
                  reference_sum[m][e] / static_cast<double>(replicates), d.mean, d.ci_low,
                  d.ci_high, static_cast<long long>(d.n));
      const std::string label = group[m].module + ": " + effect.metric +
                                ", mean paired difference " + std::to_string(d.mean) +
                                ", 95 % interval [" + std::to_string(d.ci_low) + ", " +
                                std::to_string(d.ci_high) + "]";
      EXPECT_EQ(d.n, static_cast<std::int64_t>(replicates)) << label;
      if (effect.expect == Expect::raises) EXPECT_GT(d.ci_low, 0.0) << label;
      if (effect.expect == Expect::lowers) EXPECT_LT(d.ci_high, 0.0) << label;
    }
  }
}

// ------------------------------------------------------- the modules' effects

using models::economy::Flow;
using models::economy::Institution;
using E = Expect;

std::vector<ModuleEffects> development_and_innovation() {  // pictures 1-3
  return {
      {"rural_infrastructure",
       true,
       {{"village attractiveness (end)", at_end("villages", "attractiveness"), E::raises},
        {"government_spending", during_policy("government_spending"), E::raises}}},
      {"digital_economy", false, {{"mean_wage", during_policy("mean_wage"), E::raises}}},
      {"rd_subsidy",
       true,
       {{"firm productivity (end)", at_end("firms", "productivity"), E::raises},
        {"government_spending", during_policy("government_spending"), E::raises}}},
      {"talent_attraction",
       true,
       {{"urban_income_per_capita", during_policy("urban_income_per_capita"), E::raises}}},
  };
}

std::vector<ModuleEffects> rural_revitalisation() {  // picture 4
  const std::size_t tourism = sector_index(models::economy::rural_tourism);
  const std::size_t tea = sector_index(models::economy::tea_agriculture);
  return {
      {"enterprise_pairing",
       true,
       {{"village_collective_income", during_policy("village_collective_income"), E::raises}}},
      {"reserved_land",
       false,
       {{"village_collective_income", during_policy("village_collective_income"), E::raises},
        {"rural_income_per_capita", during_policy("rural_income_per_capita"), E::raises}}},
      {"tea_brand",
       true,  // paid by outside buyers
       {{"rural_income_per_capita", during_policy("rural_income_per_capita"), E::raises},
        {"urban_rural_ratio", during_policy("urban_rural_ratio"), E::lowers}}},
      {"rural_tourism",
       false,
       {{"gdp_by_sector[rural_tourism]", during_policy("gdp_by_sector", tourism), E::raises},
        {"village_collective_income", during_policy("village_collective_income"), E::raises}}},
      {"rural_ecommerce",
       false,
       {{"gdp_by_sector[tea_agriculture]", during_policy("gdp_by_sector", tea), E::raises}}},
  };
}

std::vector<ModuleEffects> incomes_and_poverty() {  // picture 5, cash benefits
  return {
      {"dibao_reform",
       true,
       {{"dibao_poverty_rate", during_policy("dibao_poverty_rate"), E::lowers},
        {"dibao_households", during_policy("dibao_households"), E::raises},
        // The fiscal rule pays the cost with lower public purchases.
        {"government purchases (fen/month)", public_purchases, E::lowers}}},
      {"rural_pension",
       true,
       {{"rural_income_per_capita", during_policy("rural_income_per_capita"), E::raises},
        {"urban_rural_ratio", during_policy("urban_rural_ratio"), E::lowers},
        // Reported, not asserted: the fiscal rule cuts public purchases by
        // about the pension's cost within months, so the total moves little
        // (null before issue 10's wage rule, significant after; docs/policies.md).
        {"government_spending", during_policy("government_spending"), E::reported}}},
      {"childcare_allowance",
       true,
       {{"relative_poverty_rate", during_policy("relative_poverty_rate"), E::lowers}}},
      {"health_insurance",
       true,
       {{"rural_income_per_capita", during_policy("rural_income_per_capita"), E::raises}}},
      {"housing_support",
       true,
       {{"dibao_poverty_rate", during_policy("dibao_poverty_rate"), E::lowers},
        {"relative_poverty_rate", during_policy("relative_poverty_rate"), E::lowers}}},
  };
}

std::vector<ModuleEffects> services_labour_and_care() {  // pictures 5 and 6
  return {
      // Under the fiscal rule (R11) the care bought replaces other public
      // purchases of services after the smoothing lag.
      {"elderly_care", true, {{"government purchases (fen/month)", public_purchases, E::lowers}}},
      {"employment_assistance",
       true,
       // Null at 1:100 (docs/policies.md): the training raises skills, but
       // unemployment during the policy months does not move.
       {{"unemployment_rate", during_policy("unemployment_rate"), E::reported},
        {"household skill_0 (end)", at_end("households", "skill_0"), E::raises}}},
      // Entrants' skills: tests/models/test_education.cpp (a longer run).
      {"education_investment",
       true,
       {{"education_per_child[village] (end)",
         [](const CompletedRun& run) { return element(run, "education_per_child", 1).back(); },
         E::raises}}},
      // time-bank.yaml runs elderly_care (instance 0) with the time bank; the
      // reference is the same care without volunteers.
      {"time_bank",
       true,
       {{"elderly care spending (instance 0)", during_policy("policy_spending", 0), E::lowers}},
       {"policies.time_bank.enabled=false"}},
  };
}

std::vector<ModuleEffects> ecology_governance_and_taxation() {  // pictures 7-9, taxation
  // flow_matrix[firm_entry][firms]: start-up capital entrants received.
  const std::size_t entry = flow_cell(Flow::firm_entry, Institution::firms);
  return {
      {"ecological_investment",
       true,
       {{"village attractiveness (end)", at_end("villages", "attractiveness"), E::raises}}},
      {"carbon_tax",
       true,  // paid by manufacturing firms
       {{"government_revenue", during_policy("government_revenue"), E::raises}}},
      {"business_environment",
       false,
       {{"start-up capital (fen/month)", during_policy("flow_matrix", entry), E::lowers}}},
      {"digital_governance",
       true,
       {{"dibao_poverty_rate", during_policy("dibao_poverty_rate"), E::lowers}}},
      {"income_tax_reform",
       false,
       {{"government_revenue", during_policy("government_revenue"), E::lowers},
        {"urban_income_per_capita", during_policy("urban_income_per_capita"), E::raises}}},
      {"capital_income_tax",
       false,
       {{"government_revenue", during_policy("government_revenue"), E::raises}}},
      {"charity",
       true,  // paid by donating households
       {{"rural_income_per_capita", during_policy("rural_income_per_capita"), E::raises},
        {"urban_rural_ratio", during_policy("urban_rural_ratio"), E::lowers}}},
  };
}

TEST(PolicyEffect, EveryModuleHasPairedEffectsAndAShippedScenario) {
  std::multiset<std::string> covered;
  for (const auto& group :
       {development_and_innovation(), rural_revitalisation(), incomes_and_poverty(),
        services_labour_and_care(), ecology_governance_and_taxation()}) {
    for (const ModuleEffects& module : group) {
      covered.insert(module.module);
      EXPECT_FALSE(module.effects.empty()) << module.module;
    }
  }
  for (const auto& module : models::economy::policy_modules()) {
    EXPECT_EQ(covered.count(module.info.name), 1U) << module.info.name;
    EXPECT_NO_THROW(
        load_shipped("scenarios/xihu/policies/" + scenario_file(module.info.name) + ".yaml",
                     small_run(first_seed, steps)))
        << module.info.name;
  }
  EXPECT_EQ(covered.size(), models::economy::policy_modules().size());
}

TEST(PolicyEffect, IntegratedDevelopmentDigitalEconomyAndInnovation) {
  expect_paired_effects(development_and_innovation());
}

TEST(PolicyEffect, RuralRevitalisation) { expect_paired_effects(rural_revitalisation()); }

TEST(PolicyEffect, PublicServicesIncomesAndPoverty) {
  expect_paired_effects(incomes_and_poverty());
}

TEST(PolicyEffect, PublicServicesLabourAndCare) {
  expect_paired_effects(services_labour_and_care());
}

TEST(PolicyEffect, EcologyGovernanceAndTaxation) {
  expect_paired_effects(ecology_governance_and_taxation());
}

}  // namespace
}  // namespace cpsim::testing::policies

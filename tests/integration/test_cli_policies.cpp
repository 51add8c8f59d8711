// Policies from the command line: `cpsim models` lists the economy's policy
// modules with parameters, defaults and units; `--set` reaches policy
// parameters and the stored scenario carries them; a bad policy value is
// refused with exit 2 before any output file exists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;

TEST(CliPolicies, ModelsListsPolicyModulesWithDefaultsAndUnits) {
  const auto r = run_cpsim("models district_economy");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("policy modules"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rural_pension  [picture 5: public services"), std::string::npos);
  EXPECT_NE(r.output.find("    monthly_amount = 600 [RMB/person/month]  range 0 .. 100000"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("time_bank  [picture 6: culture"), std::string::npos);
}

TEST(CliPolicies, SetReachesPolicyParametersAndTheStoredScenarioHasThem) {
  const TempDir dir;
  const auto out = dir.file("p.h5");
  const auto r = run_cpsim("run " + source_dir +
                           "/scenarios/xihu/policies/rural-pension.yaml --set "
                           "parameters.population.residents=10892 --steps 14 --set "
                           "policies.rural_pension.monthly_amount=650 -q -o " +
                           out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto scenario = run_cpsim("info " + out + " --scenario");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  EXPECT_NE(scenario.output.find("policies:\n  rural_pension:\n    type: rural_pension\n    "
                                 "enabled: true\n    start: 13\n    monthly_amount: 650.0\n"),
            std::string::npos)
      << scenario.output;
}

TEST(CliPolicies, BadPolicyValueIsExit2WithoutAFile) {
  const TempDir dir;
  const auto out = dir.file("bad.h5");
  const auto r = run_cpsim("run " + source_dir +
                           "/scenarios/xihu/policies/rural-pension.yaml --set "
                           "policies.rural_pension.monthly_amont=650 -o " +
                           out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--set policies.rural_pension.monthly_amont=650: unknown key (did you "
                          "mean 'monthly_amount'?)"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST(CliPolicies, PitScheduleCheckedAcrossParametersIsExit2) {
  const TempDir dir;
  const auto out = dir.file("bad.h5");
  const auto r = run_cpsim("run " + source_dir +
                           "/scenarios/xihu/policies/income-tax-reform.yaml --set "
                           "'policies.income_tax_reform.brackets_rate=[0.1, 0.2]' -o " +
                           out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--set policies.income_tax_reform.brackets_rate=[0.1, 0.2]: "
                          "policies.income_tax_reform.brackets_rate: expected one rate per "
                          "bracket plus the top rate (7), got 2"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliPolicies, MonthsAreRefusedForAModelThatDoesNotStepByMonths) {
  // The validation models' steps are not calendar time (steps_per_year 0).
  const TempDir dir;
  const std::string scenario = dir.file("dated.yaml");
  std::ofstream(scenario) << "extends: " << source_dir
                          << "/scenarios/kinetic-exchange.yaml\nstart_date: 2021-01\n";
  const auto r = run_cpsim("validate " + scenario);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(
      r.output.find(scenario + ":2:13: start_date: a month YYYY-MM needs a model that steps by "
                               "months; model 'kinetic_exchange' has steps_per_year 0 (leave "
                               "start_date out)\n"),
      std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "one line: " << r.output;
}

}  // namespace
}  // namespace cpsim

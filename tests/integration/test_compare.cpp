// Reform against baseline as a researcher reads it: a study over a policy
// module (metrics aligned across variants), its household comparison and
// budget in the study file, and `cpsim compare` on the study and on two
// runs, with the refusals a user meets. Xihu at 1:100, one year, few
// replicates, so the whole suite takes seconds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::string kSource = CPSIM_SOURCE_DIR;
const std::string kSmall = kSource + "/scenarios/xihu-small.yaml";
const std::string kSpec = kSource + "/scenarios/studies/pension-reform.yaml";

/// A one-year study of `reform` against the baseline, with the shipped
/// study's `households:` and `budget:` blocks unless `blocks` is false.
std::string write_study(const TempDir& dir, const std::string& reform_set, bool blocks = true) {
  std::string text;
  if (blocks) {
    std::ifstream shipped(kSpec);
    text.assign(std::istreambuf_iterator<char>(shipped), std::istreambuf_iterator<char>());
    text = text.substr(text.find("\nhouseholds:") + 1);
  }
  const std::string file = dir.file("study.yaml");
  std::ofstream(file) << "name: compare-test\nseed: 5\nreplicates: 3\nsteps: 12\nscenario: "
                      << kSmall << "\nscenarios:\n  baseline: {}\n  reform: {set: {" << reform_set
                      << "}}\ncompare:\n  - {reform: reform, baseline: baseline}\n"
                      << text;
  return file;
}

using testing::as_doubles;

TEST(CompareCommand, PolicyStudyStoresAlignedSpendingHouseholdsAndBudget) {
  TempDir dir;
  const std::string study = write_study(dir, "policies.rural_pension.start: 2021-01");
  const auto run = run_cpsim("study " + study + " -o " + dir.file("s.h5") + " --quiet");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto data = testing::read_all_datasets(dir.file("s.h5"));
  // policy_spending (scenario, replicate, step, policy): 0 in the baseline,
  // positive in the reform from step 1.
  const auto spending = as_doubles(data.at("metrics/policy_spending"));
  ASSERT_EQ(spending.size(), 2U * 3U * 13U);
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(spending[r * 13 + 12], 0.0);
    EXPECT_GT(spending[3 * 13 + r * 13 + 12], 0.0);
  }
  // Budget year 1 = the reform's year of spending x 100 (scale).
  double year = 0;
  for (std::size_t step = 1; step <= 12; ++step) year += spending[3 * 13 + step];
  const auto budget = as_doubles(data.at("budget/spending_change"));  // (1, 1, 1, 4)
  ASSERT_EQ(budget.size(), 4U);
  double mean = 0;
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t step = 1; step <= 12; ++step) mean += spending[3 * 13 + r * 13 + step];
  }
  EXPECT_NEAR(budget[0], 100.0 * mean / 3.0, 1e-6 * budget[0]);
  EXPECT_LT(budget[1], budget[0]);
  EXPECT_GT(budget[2], budget[0]);
  EXPECT_GT(year, 0.0);
  // Winners and losers (1, 1, decile, band, estimate): each decile's mean
  // shares sum to 1, and the poorest decile gains on average.
  const auto bands = as_doubles(data.at("households/winners_losers"));
  ASSERT_EQ(bands.size(), 10U * 5U * 4U);
  for (std::size_t d = 0; d < 10; ++d) {
    double sum = 0;
    for (std::size_t k = 0; k < 5; ++k) sum += bands[(d * 5 + k) * 4];
    EXPECT_NEAR(sum, 1.0, 1e-12) << "decile " << d;
  }
  const auto change = as_doubles(data.at("households/income_change"));
  EXPECT_GT(change[0], 0.0);
  // Bit-identical at one thread, one run at a time.
  ASSERT_EQ(
      run_cpsim("study " + study + " -o " + dir.file("one.h5") + " --quiet --threads 1 --jobs 1")
          .exit_code,
      0);
  const auto one = testing::read_all_datasets(dir.file("one.h5"));
  std::size_t compared = 0;
  for (const auto& [name, bytes] : data) {
    if (name.starts_with("households/") || name.starts_with("budget/")) {
      EXPECT_EQ(bytes, one.at(name)) << name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 30U);

  // cpsim compare prints the headline, the tables and the budget.
  const auto text = run_cpsim("compare " + dir.file("s.h5"));
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* section :
       {"headline", "net budget cost", "urban:rural ratio", "Gini", "relative poverty rate",
        "by baseline income decile", "winners and losers by baseline income decile", "by residence",
        "by hukou", "budget by year", "3 paired replicates"}) {
    EXPECT_NE(text.output.find(section), std::string::npos) << section << "\n" << text.output;
  }
  const auto csv = run_cpsim("compare " + dir.file("s.h5") + " --format csv --year 1");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(csv.output.rfind("section,measure,unit,dimensions,labels,mean,ci_low,ci_high,sd\n", 0),
            0U);
  EXPECT_NE(csv.output.find("households,winners_losers,1,decile/band,d1/gain_more_than_5pct,"),
            std::string::npos);
  const auto json = run_cpsim("compare " + dir.file("s.h5") + " --format json --contrast reform");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto document = nlohmann::json::parse(json.output);
  EXPECT_EQ(document["contrast"], "reform - baseline");
  EXPECT_EQ(document["replicates"], 3);
  EXPECT_TRUE(document["intervals"].get<bool>());
}

TEST(CompareCommand, AnIdenticalReformChangesNoHousehold) {
  TempDir dir;
  // A pension at the baseline level changes nobody's income.
  const std::string study = write_study(dir, "policies.rural_pension.monthly_amount: 300");
  ASSERT_EQ(run_cpsim("study " + study + " -o " + dir.file("s.h5") + " --quiet").exit_code, 0);
  const auto data = testing::read_all_datasets(dir.file("s.h5"));
  for (const double x : as_doubles(data.at("households/income_change"))) EXPECT_EQ(x, 0.0);
  const auto all = as_doubles(data.at("households/winners_losers_all"));  // (1,1,1,5,4)
  EXPECT_EQ(all[2 * 4], 1.0);                                             // no change, mean
  EXPECT_EQ(all[2 * 4 + 1], 1.0);                                         // zero-width interval
  EXPECT_EQ(all[0], 0.0);
}

TEST(CompareCommand, TwoRunsWithoutIntervalsAndTheirRefusals) {
  TempDir dir;
  const std::string base = dir.file("base.h5");
  const std::string reform = dir.file("reform.h5");
  const std::string pension =
      " --set start_date=2021-01 --set policies.rural_pension.start=2021-01";
  ASSERT_EQ(run_cpsim("run " + kSmall + " --steps 12 -o " + base + " --quiet").exit_code, 0);
  ASSERT_EQ(
      run_cpsim("run " + kSmall + pension + " --steps 12 -o " + reform + " --quiet").exit_code, 0);
  const auto text = run_cpsim("compare " + base + " " + reform + " --spec " + kSpec);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("two single runs: one pair, so no intervals"), std::string::npos);
  EXPECT_NE(text.output.find("by baseline income decile"), std::string::npos);
  // Without --spec the model's default comparison: the same blocks as the
  // shipped study's, so the same report.
  const auto by_default = run_cpsim("compare " + base + " " + reform);
  ASSERT_EQ(by_default.exit_code, 0) << by_default.output;
  EXPECT_EQ(by_default.output, text.output);

  const auto one_line = [](const testing::ProcessResult& r) {
    return std::count(r.output.begin(), r.output.end(), '\n') == 1;
  };
  // Another seed: no common random numbers.
  const std::string other = dir.file("other.h5");
  ASSERT_EQ(run_cpsim("run " + kSmall + pension + " --steps 12 --seed 9 -o " + other + " --quiet")
                .exit_code,
            0);
  const auto seed = run_cpsim("compare " + base + " " + other + " --spec " + kSpec);
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_TRUE(one_line(seed)) << seed.output;
  EXPECT_NE(seed.output.find("seed 9 differs"), std::string::npos) << seed.output;
  // Another scale.
  const std::string scaled = dir.file("scaled.h5");
  ASSERT_EQ(
      run_cpsim("run " + kSmall + " --set scale=50 --steps 12 -o " + scaled + " --quiet").exit_code,
      0);
  const auto scale = run_cpsim("compare " + base + " " + scaled + " --spec " + kSpec);
  EXPECT_EQ(scale.exit_code, 2);
  EXPECT_NE(scale.output.find("scale 50 differs"), std::string::npos) << scale.output;
  // Another model.
  const std::string kinetic = dir.file("kinetic.h5");
  ASSERT_EQ(run_cpsim("run " + kSource + "/scenarios/kinetic-exchange.yaml --steps 12 -o " +
                      kinetic + " --quiet")
                .exit_code,
            0);
  const auto model = run_cpsim("compare " + base + " " + kinetic + " --spec " + kSpec);
  EXPECT_EQ(model.exit_code, 2);
  EXPECT_NE(model.output.find("model kinetic_exchange differs"), std::string::npos) << model.output;
  // A model without a default comparison needs --spec.
  const auto no_spec = run_cpsim("compare " + kinetic + " " + kinetic);
  EXPECT_EQ(no_spec.exit_code, 2);
  EXPECT_TRUE(one_line(no_spec)) << no_spec.output;
  EXPECT_NE(no_spec.output.find("two runs of model kinetic_exchange need --spec"),
            std::string::npos)
      << no_spec.output;
  // No panel in the file.
  const std::string bare = dir.file("bare.h5");
  ASSERT_EQ(run_cpsim("run " + kSmall + pension + " --set output.snapshot_every=0 --steps 12 -o " +
                      bare + " --quiet")
                .exit_code,
            0);
  const auto panel = run_cpsim("compare " + base + " " + bare + " --spec " + kSpec);
  EXPECT_EQ(panel.exit_code, 2);
  EXPECT_TRUE(one_line(panel)) << panel.output;
  EXPECT_NE(panel.output.find("no household panel /snapshots/households/step_000012"),
            std::string::npos)
      << panel.output;
  // A missing file: exit 3.
  const auto missing =
      run_cpsim("compare " + base + " " + dir.file("nothing.h5") + " --spec " + kSpec);
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(one_line(missing)) << missing.output;
}

TEST(CompareCommand, RefusesAStudyWithoutAComparisonAndABadPanelColumn) {
  TempDir dir;
  const std::string plain =
      write_study(dir, "parameters.dibao.standard_per_person_month: 1000", false);
  ASSERT_EQ(run_cpsim("study " + plain + " -o " + dir.file("p.h5") + " --quiet").exit_code, 0);
  const auto none = run_cpsim("compare " + dir.file("p.h5"));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.output.find("has no household comparison or budget"), std::string::npos);

  const std::string bad = dir.file("bad.yaml");
  std::ofstream(bad) << "seed: 5\nreplicates: 2\nsteps: 12\nscenario: " << kSmall
                     << "\nscenarios:\n  baseline: {}\nhouseholds:\n  table: households\n"
                        "  income: income_ytdd\n  persons: {adults: workers}\n";
  const auto column = run_cpsim("study " + bad + " -o " + dir.file("b.h5"));
  EXPECT_EQ(column.exit_code, 2);
  EXPECT_EQ(column.output, bad +
                               ":8:3: households: table 'households' has no column "
                               "'income_ytdd' (did you mean 'income_ytd'?)\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("b.h5")));
}

}  // namespace
}  // namespace cpsim

namespace cpsim {
namespace {

TEST(ValidateCommand, ChecksAStudyWithoutRunningItAndEstimatesItsCost) {
  TempDir dir;
  const auto ok = run_cpsim("validate " + kSpec);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("valid study 'pension-reform' (model district_economy): 2 scenarios x "
                           "10 replicates = 20 runs of 36 steps"),
            std::string::npos)
      << ok.output;
  EXPECT_NE(ok.output.find("# memory: about "), std::string::npos);
  EXPECT_NE(ok.output.find("# time: about "), std::string::npos);
  EXPECT_NE(ok.output.find("households:"), std::string::npos);  // the resolved study
  // A study over a policy with a summary metric only the reform declares is
  // valid (aligned); a misspelt one is refused with its location.
  const std::string bad = dir.file("bad.yaml");
  std::ofstream(bad) << "replicates: 2\nscenario: " << kSmall
                     << "\nscenarios:\n  baseline: {}\n  reform: {set: "
                        "{policies.rural_pension.start: 2022-01}}\nmetrics: [gini_incme]\n";
  const auto refused = run_cpsim("validate " + bad);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.output, bad +
                                ":6:11: metrics[0]: model 'district_economy' has no metric "
                                "'gini_incme' (did you mean 'gini_income'?)\n");
}

}  // namespace
}  // namespace cpsim

namespace cpsim {
namespace {

TEST(ModelsCommand, ListsEveryMetricWithUnitAndDescription) {
  const auto json = run_cpsim("models district_economy --metrics --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto document = nlohmann::json::parse(json.output);
  bool spending = false;
  for (const auto& metric : document["metrics"]) {
    EXPECT_FALSE(metric["unit"].get<std::string>().empty()) << metric["name"];
    EXPECT_FALSE(metric["description"].get<std::string>().empty()) << metric["name"];
    if (metric["name"] == "policy_spending") {
      spending = true;
      EXPECT_EQ(metric["unit"], "RMB/month");
      EXPECT_EQ(metric["dimensions"][0]["name"], "policy");
    }
  }
  EXPECT_TRUE(spending) << "per-instance metrics are listed";
  const auto text = run_cpsim("models boltzmann --metrics");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("gini        1"), std::string::npos) << text.output;
  EXPECT_EQ(run_cpsim("models --metrics").exit_code, 2);
}

}  // namespace
}  // namespace cpsim

namespace cpsim {
namespace {

TEST(InfoCommand, SummarisesEachPolicyInstance) {
  TempDir dir;
  const std::string file = dir.file("pension.h5");
  ASSERT_EQ(
      run_cpsim("run " + kSmall + " --set policies.rural_pension.start=2021-01 --steps 3 -o " +
                file + " --quiet")
          .exit_code,
      0);
  const auto text = run_cpsim("info " + file);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  const std::size_t row = text.output.find("policy_spending[rural_pension]");
  ASSERT_NE(row, std::string::npos) << text.output;
  const auto json = nlohmann::json::parse(run_cpsim("info " + file + " --format json").output);
  const auto& spending = json["metrics"]["policy_spending"];
  EXPECT_EQ(spending["dimensions"][0], "policy");
  EXPECT_GT(spending["elements"]["rural_pension"]["last"].get<double>(), 0.0);
  EXPECT_GT(spending["elements"]["rural_pension"]["mean"].get<double>(), 0.0);
}

}  // namespace
}  // namespace cpsim

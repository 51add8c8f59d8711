// `cpsim study` as a user runs it: common random numbers, results that do
// not depend on --threads or --jobs, the printed summary, refusals.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::string kKinetic = std::string(CPSIM_TEST_DATA) + "/bad-studies/helpers/kinetic.yaml";

std::string write_study(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string file = dir.file(name);
  std::ofstream(file) << "seed: 11\nreplicates: 4\nsteps: 6\nscenario: " << kKinetic << "\n"
                      << body;
  return file;
}

using testing::as_doubles;

TEST(StudyCommand, IdenticalReformGivesExactlyZeroDifferences) {
  TempDir dir;
  // Two names, one scenario: common random numbers make every pair identical.
  const std::string study = write_study(dir, "same.yaml", R"(scenarios:
  baseline: {}
  same: {}
  other: {set: {parameters.lambda: 0.2}}
compare:
  - {reform: same, baseline: baseline}
  - {reform: other, baseline: baseline}
)");
  const auto result = run_cpsim("study " + study + " -o " + dir.file("s.h5") + " --quiet");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto data = testing::read_all_datasets(dir.file("s.h5"));
  for (const char* statistic : {"mean_difference", "sd", "ci_low", "ci_high"}) {
    const auto values = as_doubles(data.at(std::string("comparison/") + statistic + "/gini"));
    ASSERT_EQ(values.size(), 2U * 7U);
    for (std::size_t step = 0; step < 7; ++step) {
      EXPECT_EQ(values[step], 0.0) << statistic << " step " << step;  // contrast 0
    }
  }
  // The real reform does differ, with an interval of non-zero width.
  const auto low = as_doubles(data.at("comparison/ci_low/gini"));
  const auto high = as_doubles(data.at("comparison/ci_high/gini"));
  EXPECT_LT(low[7 + 6], high[7 + 6]);
  EXPECT_NE(as_doubles(data.at("comparison/mean_difference/gini"))[7 + 6], 0.0);
}

TEST(StudyCommand, BitIdenticalAtAnyThreadsAndJobs) {
  TempDir dir;
  const std::string study = write_study(dir, "s.yaml", R"(scenarios:
  baseline: {}
  saving: {}
sweeps:
  - {scenario: saving, parameter: parameters.lambda, values: [0.1, 0.7]}
compare:
  - {reform: saving, baseline: baseline}
)");
  testing::DatasetBytes first;
  for (const std::string options :
       {"--threads 1 --jobs 1", "--threads 2 --jobs 3", "--threads 2 --jobs 1", "--threads 4"}) {
    const std::string out = dir.file("t.h5");
    const auto result = run_cpsim("study " + study + " -o " + out + " --quiet --force " + options);
    ASSERT_EQ(result.exit_code, 0) << options << "\n" << result.output;
    const auto data = testing::read_all_datasets(out);
    ASSERT_GT(data.size(), 20U);
    if (first.empty()) {
      first = data;
    } else {
      EXPECT_TRUE(data == first) << options;
    }
  }
}

TEST(StudyCommand, ReplicateSeedsDoNotDependOnScenarioOrder) {
  TempDir dir;
  const std::string forward = write_study(dir, "f.yaml", R"(scenarios:
  a: {}
  b: {set: {parameters.lambda: 0.1}}
)");
  const std::string backward = write_study(dir, "b.yaml", R"(scenarios:
  b: {set: {parameters.lambda: 0.1}}
  a: {}
)");
  ASSERT_EQ(run_cpsim("study " + forward + " -o " + dir.file("f.h5") + " --quiet").exit_code, 0);
  ASSERT_EQ(
      run_cpsim("study " + backward + " -o " + dir.file("b.h5") + " --quiet --jobs 2").exit_code,
      0);
  const auto f = testing::read_all_datasets(dir.file("f.h5"));
  const auto b = testing::read_all_datasets(dir.file("b.h5"));
  EXPECT_EQ(f.at("metrics/seed"), b.at("metrics/seed"));
  // /metrics/gini is (scenario, replicate, step): scenario a is first in one
  // file and second in the other, with the same numbers.
  const auto gf = as_doubles(f.at("metrics/gini"));
  const auto gb = as_doubles(b.at("metrics/gini"));
  ASSERT_EQ(gf.size(), 2U * 4U * 7U);
  const std::vector<double> a_forward(gf.begin(), gf.begin() + 28);
  const std::vector<double> a_backward(gb.begin() + 28, gb.end());
  EXPECT_EQ(a_forward, a_backward);
  EXPECT_NE(a_forward, std::vector<double>(gf.begin() + 28, gf.end()));  // b differs from a
}

TEST(StudyCommand, QuickStudyPrintsTheContrastsAndInfoReadsTheFile) {
  TempDir dir;
  const std::string study =
      std::string(CPSIM_SOURCE_DIR) + "/scenarios/studies/kinetic-lambda.yaml";
  const std::string out = dir.file("k.h5");
  const auto result = run_cpsim("study " + study + " -o " + out + " --replicates 3");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("4 scenarios x 3 replicates = 12 runs of 100 steps"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("saving[lambda=0.5] - no_saving  gini"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("95% CI last 20 steps"), std::string::npos) << result.output;
  const auto info = run_cpsim("info " + out);
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("cpsim study, 4 scenarios x 3 replicates"), std::string::npos)
      << info.output;
  EXPECT_NE(info.output.find("saving[lambda=0.75] - no_saving gini"), std::string::npos);
  // --scenario prints the resolved study with the expanded variants.
  const auto yaml = run_cpsim("info " + out + " --scenario");
  EXPECT_NE(yaml.output.find("saving[lambda=0.25]:"), std::string::npos) << yaml.output;
}

TEST(StudyCommand, MonthlyModelSummarisesItsLastYearByDefault) {
  TempDir dir;
  const std::string study = dir.file("economy.yaml");
  std::ofstream(study) << "seed: 3\nreplicates: 2\nsteps: 14\nscenario: " << CPSIM_SOURCE_DIR
                       << "/scenarios/xihu-small.yaml\nscenarios:\n  baseline: {}\n"
                          "  reform: {set: {parameters.dibao.standard_per_person_month: 1100}}\n"
                          "compare:\n  - {reform: reform, baseline: baseline}\n"
                          "metrics: [gini_income]\n";
  const std::string out = dir.file("economy.h5");
  const auto result = run_cpsim("study " + study + " -o " + out + " --threads 2");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("95% CI last 12 steps"), std::string::npos) << result.output;
  EXPECT_EQ(testing::read_root_integer_attribute(out, "steps_per_year"), 12);
  EXPECT_EQ(testing::read_root_integer_attribute(out, "summary_window"), 12);
}

TEST(StudyCommand, RefusesExistingOutputAndBadInputWithoutWritingAFile) {
  TempDir dir;
  const std::string study = write_study(dir, "s.yaml", "scenarios:\n  a: {}\n");
  const std::string out = dir.file("s.h5");
  ASSERT_EQ(run_cpsim("study " + study + " -o " + out + " --quiet").exit_code, 0);
  const auto again = run_cpsim("study " + study + " -o " + out + " --quiet");
  EXPECT_EQ(again.exit_code, 3) << again.output;
  EXPECT_NE(again.output.find("already exists (use --force to overwrite)"), std::string::npos);

  const std::string bad = write_study(dir, "bad.yaml", "scenarios:\n  a: {}\nmetrics: [ginni]\n");
  const auto refused = run_cpsim("study " + bad + " -o " + dir.file("bad.h5"));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_EQ(refused.output,
            bad +
                ":7:11: metrics[0]: model 'kinetic_exchange' has no metric 'ginni' (did you "
                "mean 'gini'?)\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.h5")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.h5.partial")));
  const auto zero = run_cpsim("study " + study + " -o " + dir.file("z.h5") + " --replicates 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(zero.output, "cpsim study: --replicates: expected >= 1, found 0\n");
}

TEST(StudyCommand, RefusesConcurrentRunsThatCannotFitInMemory) {
  TempDir dir;
  // 4e9 agents at 56 bytes each: about 224 GB per run.
  const std::string study =
      write_study(dir, "big.yaml", "scenarios:\n  a: {set: {parameters.agents: 4000000000}}\n");
  const auto result = run_cpsim("study " + study + " -o " + dir.file("big.h5") + " --jobs 2");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(study + ": --jobs 2: the concurrent runs need about"),
            std::string::npos)
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("big.h5")));
}

}  // namespace
}  // namespace cpsim

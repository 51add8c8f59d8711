// Studies: Student-t intervals, replicate seeds, loading and expanding study
// files, and the data-driven corpus of broken studies in tests/data/bad-studies.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cpsim/engine/confidence_interval.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/sensitivity.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_results.hpp"
#include "registry.hpp"
#include "support/corpus.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;

const fs::path kBadStudies = fs::path(CPSIM_TEST_DATA) / "bad-studies";
const fs::path kKinetic = fs::path(CPSIM_TEST_DATA) / "bad-studies" / "helpers" / "kinetic.yaml";

// ------------------------------------------------------------ t intervals

TEST(StudentT, QuantilesMatchTables) {
  // Reference values: the root of the regularised incomplete beta function
  // at 30 digits (mpmath); df = 1 is tan(pi (p - 1/2)).
  const struct {
    double p, df, t;
  } table[] = {{0.975, 1, 12.706204736174693},  {0.975, 2, 4.3026527297494618},
               {0.975, 3, 3.1824463052837084},  {0.975, 5, 2.5705818356363148},
               {0.975, 10, 2.2281388519862742}, {0.975, 29, 2.0452296421327039},
               {0.95, 3, 2.3533634348018229},   {0.995, 9, 3.2498355415921257},
               {0.025, 4, -2.7764451051977943}};
  for (const auto& row : table) {
    EXPECT_NEAR(student_t_quantile(row.p, row.df), row.t, 1e-14 * std::fabs(row.t))
        << "p " << row.p << " df " << row.df;
  }
  for (int df = 2; df <= 30; ++df) {  // decreasing towards the normal 1.959964
    EXPECT_LT(student_t_quantile(0.975, df), student_t_quantile(0.975, df - 1));
    EXPECT_GT(student_t_quantile(0.975, df), 1.959964);
  }
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.5, 0), std::invalid_argument);
}

TEST(StudentT, HandComputedInterval) {
  // 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), t(0.975; 3) = 3.1824463052837084.
  const std::vector<double> differences = {1, 2, 3, 4};
  const DifferenceSummary summary = summarize_differences(differences, 0.95);
  EXPECT_EQ(summary.n, 4);
  EXPECT_DOUBLE_EQ(summary.mean, 2.5);
  EXPECT_DOUBLE_EQ(summary.sd, std::sqrt(5.0 / 3.0));
  EXPECT_NEAR(summary.ci_low, 0.44573974323947874, 1e-13);
  EXPECT_NEAR(summary.ci_high, 4.5542602567605213, 1e-13);
  // A higher level gives a wider interval around the same mean.
  const DifferenceSummary wider = summarize_differences(differences, 0.99);
  EXPECT_LT(wider.ci_low, summary.ci_low);
  EXPECT_GT(wider.ci_high, summary.ci_high);
}

TEST(StudentT, IdenticalDifferencesGiveAZeroWidthInterval) {
  const std::vector<double> same = {0.3, 0.3, 0.3, 0.3, 0.3};
  const DifferenceSummary summary = summarize_differences(same, 0.95);
  EXPECT_EQ(summary.sd, 0.0);
  EXPECT_EQ(summary.ci_low, summary.mean);
  EXPECT_EQ(summary.ci_high, summary.mean);
  const std::vector<double> zeros(7, 0.0);
  const DifferenceSummary zero = summarize_differences(zeros, 0.95);
  EXPECT_EQ(zero.mean, 0.0);
  EXPECT_EQ(zero.ci_low, 0.0);
  EXPECT_EQ(zero.ci_high, 0.0);
  // One replicate: a mean but no interval.
  const std::vector<double> one = {2.0};
  const DifferenceSummary single = summarize_differences(one, 0.95);
  EXPECT_EQ(single.mean, 2.0);
  EXPECT_TRUE(std::isnan(single.ci_low));
}

TEST(CompareRuns, PairsReplicatesAndSubtractsIntegersExactly) {
  MetricSet metrics;
  const auto real = metrics.add_real("x", "1", "a real");
  const auto count = metrics.add_integer("n", "fen", "an integer");
  auto trajectory = [&](double x0, double x1, std::int64_t n) {
    RunTrajectory run;
    MetricRow row(metrics);
    row.set(real, x0);
    row.set(count, n);
    run.append(row);
    row.set(real, x1);
    row.set(count, n + 1);
    run.append(row);
    return run;
  };
  // Large integers: the difference is exact although n itself is not a double.
  const std::int64_t big = (std::int64_t{1} << 60) + 1;
  const std::vector<RunTrajectory> baseline = {trajectory(1, 2, big), trajectory(1, 4, big)};
  const std::vector<RunTrajectory> reform = {trajectory(1, 3, big + 2), trajectory(1, 7, big + 2)};
  const ContrastStatistics stats = compare_runs(metrics, 2, reform, baseline, 0.95);
  ASSERT_EQ(stats.metrics.size(), 2U);
  EXPECT_EQ(stats.n, 2);
  EXPECT_EQ(stats.metrics[0].mean_difference, (std::vector<double>{0, 2}));  // (1 + 3) / 2
  EXPECT_EQ(stats.metrics[0].baseline_mean, (std::vector<double>{1, 3}));
  EXPECT_EQ(stats.metrics[0].reform_mean, (std::vector<double>{1, 5}));
  EXPECT_EQ(stats.metrics[0].ci_low[0], 0.0);  // step 0: identical, zero width
  EXPECT_EQ(stats.metrics[1].mean_difference, (std::vector<double>{2, 2}));
  EXPECT_EQ(stats.metrics[1].sd, (std::vector<double>{0, 0}));
}

// --------------------------------------------------------- replicate seeds

TEST(ReplicateSeed, IsTheDocumentedMix) {
  // splitmix64(splitmix64(seed) + (r + 1) * 0x9e3779b97f4a7c15), computed
  // independently (Python): changing it would change every study's results.
  EXPECT_EQ(replicate_seed(20210701, 0), 3840986383018724804ULL);
  EXPECT_EQ(replicate_seed(20210701, 1), 8150033250458698894ULL);
  EXPECT_EQ(replicate_seed(0, 0), 16294208416658607535ULL);
  std::set<std::uint64_t> seen;
  for (std::uint64_t r = 0; r < 10000; ++r) seen.insert(replicate_seed(42, r));
  EXPECT_EQ(seen.size(), 10000U);
  EXPECT_NE(replicate_seed(42, 0), replicate_seed(43, 0));
}

// ---------------------------------------------------------------- loading

class StudyFiles : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path file = dir_ / name;
    std::ofstream(file) << text;
    return file;
  }
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("cpsim-study-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    fs::copy_file(kKinetic, dir_ / "kinetic.yaml", fs::copy_options::overwrite_existing);
  }
  void TearDown() override { fs::remove_all(dir_); }
  ModelRegistry registry_ = app::make_registry();
  fs::path dir_;
};

TEST_F(StudyFiles, DesignPointsCarryTheirValuesAsOverridesThatReadBackExactly) {
  fs::copy_file(fs::path(CPSIM_SOURCE_DIR) / "scenarios" / "ishigami.yaml", dir_ / "ishigami.yaml");
  const fs::path file = write("s.yaml", R"(name: design
seed: 3
replicates: 1
scenario: ishigami.yaml
scenarios:
  ishigami: {set: {parameters.a: 6}}
sensitivity:
  method: sobol
  samples: 8
  parameters:
    parameters.x1: [-3.141592653589793, 3.141592653589793]
    parameters.x3: [-1, 0.1]
  outcomes: [y]
)");
  const Study study = load_study(file, registry_);
  ASSERT_TRUE(study.sensitivity);
  const SensitivityDesign& design = *study.sensitivity;
  ASSERT_EQ(study.variants.size(), 8U * (2 + 2));
  for (std::size_t i = 0; i < study.variants.size(); ++i) {
    const StudyVariant& point = study.variants[i];
    EXPECT_EQ(point.name, "ishigami[point=" + std::to_string(i) + "]");
    ASSERT_EQ(point.overrides.size(), 3U);
    EXPECT_EQ(point.overrides[0].path, "parameters.a");  // the variant's own first
    for (std::size_t p = 0; p < 2; ++p) {
      const double value = design.points[i * 2 + p];
      const std::string& text = point.overrides[1 + p].value;
      EXPECT_EQ(point.overrides[1 + p].path, design.parameters[p].path);
      EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
      std::array<char, 32> printed{};
      std::snprintf(printed.data(), printed.size(), "%.17g", value);
      EXPECT_EQ(text, printed.data());
    }
  }
}

TEST_F(StudyFiles, EntriesNamingOneFileGetItsVariantsEach) {
  // The file is read once for both entries; each applies its own overrides.
  const fs::path file = write("s.yaml", R"(replicates: 2
scenarios:
  low: {file: kinetic.yaml, set: {parameters.lambda: 0.25}}
  high: {file: kinetic.yaml, set: {parameters.lambda: 0.75}}
  plain: {file: ./kinetic.yaml}
)");
  const Study study = load_study(file, registry_);
  ASSERT_EQ(study.variants.size(), 3U);
  EXPECT_EQ(study.variants[0].scenario.parameters.real("lambda"), 0.25);
  EXPECT_EQ(study.variants[1].scenario.parameters.real("lambda"), 0.75);
  const Scenario alone = load_scenario(dir_ / "kinetic.yaml", {}, registry_);
  EXPECT_EQ(study.variants[2].scenario.parameters.real("lambda"), alone.parameters.real("lambda"));
  EXPECT_EQ(study.variants[2].scenario.resolved_yaml, alone.resolved_yaml);
}

TEST_F(StudyFiles, SweepMakesOneVariantPerValueWithItsOverrides) {
  const fs::path file = write("s.yaml", R"(name: sweep
seed: 5
replicates: 3
steps: 7
scenario: kinetic.yaml
scenarios:
  base: {set: {parameters.lambda: 0.0}}
  saving: {set: {parameters.agents: 20}}
sweeps:
  - {scenario: saving, parameter: parameters.lambda, values: [0.25, 0.5]}
  - {scenario: saving, parameter: parameters.initial_wealth, values: [1, 2, 3]}
compare:
  - {reform: saving, baseline: base}
)");
  const Study study = load_study(file, registry_);
  EXPECT_EQ(study.name, "sweep");
  EXPECT_EQ(study.seed, 5U);
  ASSERT_EQ(study.variants.size(), 1U + 2U * 3U);
  EXPECT_EQ(study.variants[0].name, "base");
  EXPECT_EQ(study.variants[1].name, "saving[lambda=0.25,initial_wealth=1]");
  EXPECT_EQ(study.variants[6].name, "saving[lambda=0.5,initial_wealth=3]");
  const StudyVariant& last = study.variants[6];
  EXPECT_EQ(last.base_name, "saving");
  ASSERT_EQ(last.overrides.size(), 3U);
  EXPECT_EQ(last.overrides[0].path, "parameters.agents");
  EXPECT_EQ(last.overrides[1].path, "parameters.lambda");
  EXPECT_EQ(last.overrides[1].value, "0.5");
  EXPECT_EQ(last.scenario.parameters.real("lambda"), 0.5);
  EXPECT_EQ(last.scenario.parameters.real("initial_wealth"), 3.0);
  EXPECT_EQ(last.scenario.parameters.integer("agents"), 20);
  for (const auto& variant : study.variants) EXPECT_EQ(variant.scenario.steps, 7);
  ASSERT_EQ(study.contrasts.size(), 6U);
  EXPECT_EQ(study.contrasts[0].label, "saving[lambda=0.25,initial_wealth=1] - base");
  EXPECT_EQ(study.contrasts[0].reform, 1U);
  EXPECT_EQ(study.contrasts[0].baseline, 0U);
  // The resolved study lists the expanded variants and reloads as the same study.
  EXPECT_NE(study.resolved_yaml.find("saving[lambda=0.5,initial_wealth=3]"), std::string::npos);
  // --replicates replaces the file's value.
  EXPECT_EQ(load_study(file, registry_, 9).replicates, 9);
}

TEST_F(StudyFiles, QuotedOverrideValuesStayStrings) {
  const fs::path file = write("s.yaml", R"(replicates: 1
scenarios:
  a: {file: kinetic.yaml, set: {parameters.rule: "yard_sale", parameters.agents: 30}}
)");
  const Study study = load_study(file, registry_);
  EXPECT_EQ(study.name, "s");  // the file's stem
  EXPECT_EQ(study.variants[0].scenario.parameters.string("rule"), "yard_sale");
  EXPECT_EQ(study.variants[0].scenario.parameters.integer("agents"), 30);
}

TEST_F(StudyFiles, NumbersFollowTheSameYaml12RulesAsScenarios) {
  // +3, 0x2A and 0o7 are integers in a scenario file; so they are here.
  const fs::path file = write("s.yaml", R"(replicates: +3
seed: 0x2A
steps: 0o7
confidence: .9
scenarios:
  a: {file: kinetic.yaml, set: {parameters.agents: 0x20}}
)");
  const Study study = load_study(file, registry_);
  EXPECT_EQ(study.replicates, 3);
  EXPECT_EQ(study.seed, 42U);
  EXPECT_EQ(study.steps, 7);
  EXPECT_EQ(study.confidence, 0.9);
  EXPECT_EQ(study.variants[0].scenario.steps, 7);
  EXPECT_EQ(study.variants[0].scenario.parameters.integer("agents"), 32);
}

TEST_F(StudyFiles, OverrideValuesKeepTheirTypesInsideListsAndMaps) {
  // A quoted value inside a map given to `set:` stays text.
  const fs::path file = write("s.yaml", R"(replicates: 1
scenarios:
  a: {file: kinetic.yaml, set: {parameters: {rule: "yard_sale", agents: 30}}}
)");
  const Study study = load_study(file, registry_);
  EXPECT_EQ(study.variants[0].scenario.parameters.string("rule"), "yard_sale");
  EXPECT_EQ(study.variants[0].scenario.parameters.integer("agents"), 30);
  EXPECT_EQ(study.variants[0].overrides.at(0).value, "{rule: \"yard_sale\", agents: 30}");
}

TEST_F(StudyFiles, SummaryWindowDefaultsToTheModelsYear) {
  const std::string economy = std::string(CPSIM_SOURCE_DIR) + "/scenarios/xihu-small.yaml";
  const std::string head = "replicates: 2\nscenarios:\n  a: {file: " + economy + "}\n";
  const Study monthly = load_study(write("monthly.yaml", head), registry_);
  EXPECT_EQ(monthly.steps_per_year, 12);
  EXPECT_EQ(monthly.summary_window, 12);  // the district economy's year of months
  EXPECT_NE(monthly.resolved_yaml.find("summary_window: 12"), std::string::npos);
  // The file's value wins, 0 (off) included.
  EXPECT_EQ(load_study(write("three.yaml", head + "summary_window: 3\n"), registry_).summary_window,
            3);
  EXPECT_EQ(load_study(write("off.yaml", head + "summary_window: 0\n"), registry_).summary_window,
            0);
  // Validation models' steps are not calendar time: no window unless asked.
  const Study kinetic = load_study(
      write("k.yaml", "replicates: 2\nscenarios:\n  a: {file: kinetic.yaml}\n"), registry_);
  EXPECT_EQ(kinetic.steps_per_year, 0);
  EXPECT_EQ(kinetic.summary_window, 0);
}

TEST_F(StudyFiles, SweepLabelsLeaveOutTheParametersAndPoliciesPrefix) {
  const std::string economy = std::string(CPSIM_SOURCE_DIR) + "/scenarios/xihu-small.yaml";
  const Study study = load_study(write("p.yaml", "replicates: 1\nscenario: " + economy + R"(
scenarios:
  base: {}
  reform: {set: {policies.rural_pension.start: 2022-01}}
sweeps:
  - {scenario: reform, parameter: policies.rural_pension.monthly_amount, values: [450, 600]}
  - {scenario: reform, parameter: parameters.dibao.standard_per_person_month, values: [1000]}
)"),
                                 registry_);
  ASSERT_EQ(study.variants.size(), 3U);
  EXPECT_EQ(study.variants[1].name,
            "reform[rural_pension.monthly_amount=450,dibao.standard_per_person_month=1000]");
  EXPECT_EQ(study.variants[2].overrides.at(1).path, "policies.rural_pension.monthly_amount");
}

// ------------------------------------------------------ bad-studies corpus

class BadStudy : public ::testing::TestWithParam<std::string> {};

TEST_P(BadStudy, ReportsTheExpectedError) {
  const fs::path file = kBadStudies / (GetParam() + ".yaml");
  const ModelRegistry registry = app::make_registry();
  std::string actual;
  try {
    load_study(file, registry);
    FAIL() << file << " loaded without an error";
  } catch (const ScenarioError& e) {
    actual = e.what();
  }
  EXPECT_EQ(actual.find('\n'), std::string::npos) << actual;
  EXPECT_EQ(actual, testing::expected_error(kBadStudies, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadStudy,
                         ::testing::ValuesIn(testing::corpus_cases(kBadStudies, ".yaml")),
                         testing::case_test_name);

TEST(BadStudyCorpus, IsThere) {
  EXPECT_GE(testing::corpus_cases(kBadStudies, ".yaml").size(), 12U) << kBadStudies;
}

}  // namespace
}  // namespace cpsim

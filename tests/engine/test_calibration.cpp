// Calibration files (load_calibration), the moments of a run, the objective
// and the covariance of the simulated method of moments, and the
// data-driven corpus of broken calibration files in tests/data/bad-calibrations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/calibration_estimate.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/study_results.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "registry.hpp"
#include "support/corpus.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;

const fs::path kBadCalibrations = fs::path(CPSIM_TEST_DATA) / "bad-calibrations";

/// A calibration file in a temporary folder (removed after); `KINETIC` and
/// `SOURCE` in its text stand for the corpus's tiny kinetic scenario and the
/// source tree.
class CalibrationFile : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove(path_); }
  Calibration load(std::string text) {
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"KINETIC",
                                              (kBadCalibrations / "helpers" / "kinetic.yaml")},
          {"SOURCE", CPSIM_SOURCE_DIR}}) {
      for (std::size_t at; (at = text.find(key)) != std::string::npos;) {
        text.replace(at, key.size(), value);
      }
    }
    std::ofstream(path_) << text;
    return load_calibration(path_, registry_);
  }
  fs::path path_ = fs::temp_directory_path() /
                   ("cpsim-test-calibration-" + std::to_string(::getpid()) + ".yaml");
  ModelRegistry registry_ = app::make_registry();
};

TEST_F(CalibrationFile, ReadsParametersMomentsAndMethod) {
  const Calibration c = load(R"(name: tiny
scenario: KINETIC
steps: 4
set: {parameters.agents: 20}
seeds: {count: 3, seed: 9}
parameters:
  parameters.lambda: {lower: 0.1, upper: 0.9, start: 0.3}
  parameters.initial_wealth: {lower: 1, upper: 3}
moments:
  - {name: late_gini, metric: gini, steps: [2, 4], target: 0.3, standard_error: 0.02, source: x}
  - {metric: mean_wealth, step: 4, statistic: end, target: 2, weight: 4}
method: {algorithm: GN_CRS2_LM, local: LN_NELDERMEAD, max_evaluations: 30}
)");
  EXPECT_EQ(c.name, "tiny");
  EXPECT_EQ(c.model, "kinetic_exchange");
  EXPECT_EQ(c.steps, 4);
  EXPECT_EQ(c.seed_count, 3);
  ASSERT_EQ(c.parameters.size(), 2U);
  EXPECT_EQ(c.parameters[0].path, "parameters.lambda");
  EXPECT_DOUBLE_EQ(c.parameters[0].start, 0.3);
  EXPECT_DOUBLE_EQ(c.parameters[1].start, 2.0);  // the midpoint by default
  ASSERT_EQ(c.moments.size(), 2U);
  EXPECT_EQ(c.moments[0].name, "late_gini");
  EXPECT_EQ(c.moments[0].first_step, 2);
  EXPECT_EQ(c.moments[0].last_step, 4);
  EXPECT_DOUBLE_EQ(c.moments[0].weight, 1 / (0.02 * 0.02));
  EXPECT_EQ(c.moments[1].name, "mean_wealth");
  EXPECT_DOUBLE_EQ(c.moments[1].standard_error, 0.5);
  EXPECT_EQ(c.method.local, "LN_NELDERMEAD");
  EXPECT_EQ(c.method.local_max_evaluations, 30);
  // The scenario at any point: the fixed overrides, then the parameters.
  const std::vector<double> x = {0.75, 2.5};
  const Scenario scenario = c.make_scenario(x);
  EXPECT_EQ(scenario.parameters.integer("agents"), 20);
  EXPECT_DOUBLE_EQ(scenario.parameters.real("lambda"), 0.75);
  EXPECT_DOUBLE_EQ(scenario.parameters.real("initial_wealth"), 2.5);
  EXPECT_EQ(c.overrides(x).back().value, "2.5");
}

TEST_F(CalibrationFile, YearsCountFromTheFirstStep) {
  const Calibration c = load(
      "scenario: SOURCE/scenarios/xihu-small.yaml\n"
      "steps: 24\n"
      "seeds: {count: 2, seed: 1}\n"
      "parameters:\n"
      "  parameters.skills.mean_rural: {lower: 0.5, upper: 0.8}\n"
      "moments:\n"
      "  - {metric: unemployment_rate, year: 2, target: 0.05, "
      "standard_error: 0.01}\n"
      "  - {name: both, metric: unemployment_rate, years: [1, 2], "
      "target: 0.05, standard_error: 0.01}\n");
  EXPECT_EQ(c.moments[0].first_step, 13);
  EXPECT_EQ(c.moments[0].last_step, 24);
  EXPECT_EQ(c.moments[1].first_step, 1);
  EXPECT_EQ(c.moments[1].window, "years 1-2");
}

TEST_F(CalibrationFile, MomentsAreMeansOverTheWindowOrTheValueAtItsEnd) {
  const Calibration c = load(R"(scenario: KINETIC
seeds: {count: 2, seed: 1}
parameters:
  parameters.lambda: {lower: 0.1, upper: 0.9}
moments:
  - {name: mean, metric: gini, steps: [1, 3], target: 0, standard_error: 1}
  - {name: end, metric: gini, steps: [1, 3], statistic: end, target: 0, standard_error: 1}
  - {name: units, metric: total_units, step: 2, target: 0, standard_error: 1}
)");
  MetricSet metrics;
  metrics.add_real("gini", "1", "");
  metrics.add_integer("total_units", "units", "");
  RunTrajectory run;
  for (int step = 0; step <= 5; ++step) {
    run.reals.push_back(step == 0 ? std::nan("") : 0.1 * step);
    run.integers.push_back(100 + step);
  }
  const std::vector<double> moments = compute_moments(c, metrics, run);
  EXPECT_DOUBLE_EQ(moments[0], (0.1 + 0.2 + 0.3) / 3);
  EXPECT_DOUBLE_EQ(moments[1], 0.3);
  EXPECT_DOUBLE_EQ(moments[2], 102);
  // A NaN inside a window is a simulation error naming the moment.
  run.reals[2] = std::nan("");
  try {
    (void)compute_moments(c, metrics, run);
    FAIL() << "a NaN in the window was accepted";
  } catch (const SimulationError& e) {
    EXPECT_EQ(std::string(e.what()), "moment 'mean': metric 'gini' has no value (NaN) at step 2");
  }
}

TEST_F(CalibrationFile, ARunThatCannotFitIsRefusedBeforeItIsBuilt) {
  try {
    (void)load(R"(scenario: KINETIC
set: {parameters.agents: 4000000000}
seeds: {count: 2, seed: 1}
parameters:
  parameters.lambda: {lower: 0.1, upper: 0.9}
moments:
  - {metric: gini, step: 5, target: 0.3, standard_error: 0.01}
)");
    FAIL() << "a run of 4e9 agents was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("of memory"), std::string::npos) << e.what();
  }
}

TEST(MomentObjective, IsTheWeightedSumOfSquaredGaps) {
  Calibration c;
  c.moments.resize(2);
  c.moments[0].target = 1;
  c.moments[0].weight = 4;
  c.moments[1].target = -2;
  c.moments[1].weight = 0.5;
  const std::vector<double> means = {1.5, 0};
  EXPECT_DOUBLE_EQ(moment_objective(c, means), 4 * 0.25 + 0.5 * 4);
  MomentSamples samples{2, {1, 2, 3, 5}};
  EXPECT_EQ(samples.means(), (std::vector<double>{1.5, 4}));
}

TEST(SmmCovariance, InvertsTheWeightedGramMatrix) {
  // G = [[1, 0], [1, 1], [0, 2]], W = diag(1, 4, 1): G'WG = [[5, 4], [4, 8]],
  // its inverse [[8, -4], [-4, 5]] / 24, times 1 + 1/4 for 4 seeds.
  const std::vector<double> g = {1, 0, 1, 1, 0, 2};
  const std::vector<double> w = {1, 4, 1};
  const std::vector<double> v = smm_covariance(g, w, 2, 4);
  const double f = 1.25 / 24;
  EXPECT_NEAR(v[0], 8 * f, 1e-14);
  EXPECT_NEAR(v[1], -4 * f, 1e-14);
  EXPECT_NEAR(v[2], -4 * f, 1e-14);
  EXPECT_NEAR(v[3], 5 * f, 1e-14);
}

TEST(SmmCovariance, IsNaNWhenAParameterMovesNoMoment) {
  const std::vector<double> g = {1, 0, 2, 0};
  const std::vector<double> w = {1, 1};
  for (const double v : smm_covariance(g, w, 2, 8)) EXPECT_TRUE(std::isnan(v));
}

TEST(RealText, ReadsBackAsTheSameReal) {
  EXPECT_EQ(real_text(3), "3.0");
  EXPECT_EQ(real_text(0.1), "0.10000000000000001");
  EXPECT_EQ(std::stod(real_text(1.0 / 3)), 1.0 / 3);
  EXPECT_EQ(real_text(1e300), "1.0000000000000001e+300");
}

// ------------------------------------------------------ bad-calibrations corpus

class BadCalibration : public ::testing::TestWithParam<std::string> {};

TEST_P(BadCalibration, ReportsTheExpectedError) {
  const fs::path file = kBadCalibrations / (GetParam() + ".yaml");
  const ModelRegistry registry = app::make_registry();
  std::string actual;
  try {
    (void)load_calibration(file, registry);
    FAIL() << file << " loaded without an error";
  } catch (const ScenarioError& e) {
    actual = e.what();
  }
  EXPECT_EQ(actual.find('\n'), std::string::npos) << actual;
  EXPECT_EQ(actual, testing::expected_error(kBadCalibrations, GetParam()));
  // From memory (the fuzz target's way), the same line.
  const std::optional<std::string> text = yaml::read_text_file(file);
  ASSERT_TRUE(text.has_value());
  try {
    (void)load_calibration_text(*text, file, registry);
    FAIL() << file << " loaded from memory without an error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), actual);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadCalibration,
                         ::testing::ValuesIn(testing::corpus_cases(kBadCalibrations, ".yaml")),
                         testing::case_test_name);

TEST(BadCalibrationCorpus, IsThere) {
  EXPECT_GE(testing::corpus_cases(kBadCalibrations, ".yaml").size(), 15U) << kBadCalibrations;
}

}  // namespace
}  // namespace cpsim

// Studies that vary parameters within a scenario: sensitivity designs and
// parameter uncertainty from a calibration file, as a user runs them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::as_doubles;
using testing::run_cpsim;
using testing::TempDir;

const std::string kIshigami = std::string(CPSIM_SOURCE_DIR) + "/scenarios/ishigami.yaml";
const std::string kCalibration = std::string(CPSIM_TEST_DATA) + "/calibration/";

std::string write(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string file = dir.file(name);
  std::ofstream(file) << "seed: 17\nscenario: " << kIshigami << "\n" << body;
  return file;
}

/// The uncertainty study: y's response to raising `a` is sin^2 x2 exactly
/// (the noise is common to both scenarios), so it varies only with x2.
std::string contrast_study(const std::string& uncertainty, int replicates = 12) {
  return "replicates: " + std::to_string(replicates) +
         "\nscenarios:\n"
         "  baseline: {set: {parameters.noise: 0.5}}\n"
         "  higher_a: {set: {parameters.noise: 0.5, parameters.a: 8}}\n"
         "compare:\n  - {reform: higher_a, baseline: baseline}\n" +
         uncertainty;
}

std::string uncertainty(const std::string& file) {
  return "parameter_uncertainty: {calibration: " + kCalibration + file +
         ", draws: multivariate_normal}\n";
}

testing::DatasetBytes run_study(const TempDir& dir, const std::string& study,
                                const std::string& options = "") {
  const std::string out = dir.file("out.h5");
  const auto result = run_cpsim("study " + study + " -o " + out + " --quiet --force " + options);
  EXPECT_EQ(result.exit_code, 0) << options << "\n" << result.output;
  return testing::read_all_datasets(out);
}

/// Runs `study` at 1 thread and 1 job, 2 threads and 3 jobs, and 4
/// threads; expects every dataset bit-identical and returns them.
testing::DatasetBytes identical_at_any_threads_and_jobs(const TempDir& dir,
                                                        const std::string& study) {
  const auto first = run_study(dir, study, "--threads 1 --jobs 1");
  for (const std::string options : {"--threads 2 --jobs 3", "--threads 4"}) {
    EXPECT_TRUE(run_study(dir, study, options) == first) << options;
  }
  return first;
}

double interval_width(const testing::DatasetBytes& data) {
  // /comparison/ci_*/y is (contrast, step): contrast 0, step 1.
  return as_doubles(data.at("comparison/ci_high/y"))[1] -
         as_doubles(data.at("comparison/ci_low/y"))[1];
}

TEST(ParameterUncertainty, WidensTheContrastIntervalWhereTheParameterMatters) {
  TempDir dir;
  // Without draws every pair differs by sin^2(0) = 0 exactly: width 0.
  const auto fixed = run_study(dir, write(dir, "fixed.yaml", contrast_study("")));
  EXPECT_EQ(interval_width(fixed), 0.0);
  // x3 moves y but not the contrast: still width 0, while y itself varies.
  const auto x3 =
      run_study(dir, write(dir, "x3.yaml", contrast_study(uncertainty("ishigami-x3-only.h5"))));
  EXPECT_EQ(interval_width(x3), 0.0);
  const auto y = as_doubles(x3.at("metrics/y"));  // (scenario, replicate, step)
  EXPECT_NE(y[1], y[3]);
  // x2 drawn: the effect sin^2 x2 varies by replicate and the interval
  // holds its mean, sin^2 1 = 0.708 near the estimate x2 = 1 (sd 0.3).
  const auto drawn =
      run_study(dir, write(dir, "x2.yaml", contrast_study(uncertainty("ishigami.h5"), 40)));
  EXPECT_GT(interval_width(drawn), 0.05);
  const double low = as_doubles(drawn.at("comparison/ci_low/y"))[1];
  const double high = as_doubles(drawn.at("comparison/ci_high/y"))[1];
  EXPECT_LT(low, 0.65);
  EXPECT_GT(high, 0.60);
  EXPECT_LT(high - low, 0.3);
  // Each pair's difference is sin^2 of that replicate's drawn x2.
  const auto draws = as_doubles(drawn.at("parameter_draws/value"));  // (replicate, parameter)
  const auto y2 = as_doubles(drawn.at("metrics/y"));
  ASSERT_EQ(draws.size(), 40U * 2U);
  for (std::size_t r = 0; r < 40; ++r) {
    const double difference = y2[(40 + r) * 2 + 1] - y2[r * 2 + 1];
    EXPECT_NEAR(difference, std::pow(std::sin(draws[r * 2]), 2), 1e-9) << r;
  }
}

TEST(ParameterUncertainty, DrawsAreBitIdenticalAtAnyThreadsAndJobs) {
  TempDir dir;
  const auto data = identical_at_any_threads_and_jobs(
      dir, write(dir, "s.yaml", contrast_study(uncertainty("ishigami.h5"))));
  EXPECT_TRUE(data.contains("parameter_draws/value"));
}

// The draws have the calibration's mean and covariance (x2: sd 0.3, x3: sd
// 0.5, correlation 0.5); 4,000 draws put the sample moments within a few
// standard errors. Clipping to [0, 2] and [-1, 2] moves under 0.1 % of them.
TEST(ParameterUncertainty, DrawsFollowTheCalibrationsEstimateAndCovariance) {
  TempDir dir;
  const auto data = run_study(
      dir, write(dir, "many.yaml",
                 "replicates: 4000\nscenarios:\n  base: {}\n" + uncertainty("ishigami.h5")));
  const auto draws = as_doubles(data.at("parameter_draws/value"));
  ASSERT_EQ(draws.size(), 8000U);
  double m2 = 0, m3 = 0;
  for (std::size_t r = 0; r < 4000; ++r) {
    m2 += draws[2 * r];
    m3 += draws[2 * r + 1];
    EXPECT_TRUE(draws[2 * r] >= 0 && draws[2 * r] <= 2);
    EXPECT_TRUE(draws[2 * r + 1] >= -1 && draws[2 * r + 1] <= 2);
  }
  m2 /= 4000;
  m3 /= 4000;
  double v2 = 0, v3 = 0, c = 0;
  for (std::size_t r = 0; r < 4000; ++r) {
    v2 += (draws[2 * r] - m2) * (draws[2 * r] - m2);
    v3 += (draws[2 * r + 1] - m3) * (draws[2 * r + 1] - m3);
    c += (draws[2 * r] - m2) * (draws[2 * r + 1] - m3);
  }
  v2 /= 3999;
  v3 /= 3999;
  c /= 3999;
  EXPECT_NEAR(m2, 1.0, 4 * 0.3 / std::sqrt(4000.0));
  EXPECT_NEAR(m3, 0.5, 4 * 0.5 / std::sqrt(4000.0));
  EXPECT_NEAR(v2, 0.09, 0.09 * 4 * std::sqrt(2.0 / 3999));
  EXPECT_NEAR(v3, 0.25, 0.25 * 4 * std::sqrt(2.0 / 3999));
  EXPECT_NEAR(c / std::sqrt(v2 * v3), 0.5, 0.06);
}

TEST(ParameterUncertainty, AVariantsOwnSettingKeepsItsValue) {
  TempDir dir;
  const auto data = run_study(
      dir, write(dir, "own.yaml",
                 "replicates: 6\nscenarios:\n  drawn: {}\n  fixed: {set: {parameters.x2: 1.0, "
                 "parameters.x3: 0.5}}\n" +
                     uncertainty("ishigami.h5")));
  const auto y = as_doubles(data.at("metrics/y"));  // (scenario, replicate, step)
  for (std::size_t r = 1; r < 6; ++r) {
    EXPECT_NE(y[r * 2 + 1], y[1]) << "drawn, replicate " << r;
    EXPECT_EQ(y[(6 + r) * 2 + 1], y[6 * 2 + 1]) << "fixed, replicate " << r;
  }
}

TEST(SensitivityStudy, BitIdenticalAtAnyThreadsAndJobs) {
  TempDir dir;
  const std::string study = write(dir, "s.yaml", R"(replicates: 3
steps: 4
scenarios:
  noisy: {set: {parameters.noise: 0.3}}
sensitivity:
  method: sobol
  samples: 32
  bootstrap: 200
  parameters: {parameters.x1: [-3, 3], parameters.x2: [-3, 3], parameters.b: [0, 0.2]}
  outcomes: [y, {metric: y, window: 3, statistic: max}]
)");
  const auto data = identical_at_any_threads_and_jobs(dir, study);
  ASSERT_TRUE(data.contains("sensitivity/total"));
  EXPECT_EQ(as_doubles(data.at("sensitivity/total")).size(), 3U * 2U);
  EXPECT_EQ(as_doubles(data.at("sensitivity/response")).size(), 32U * 5U * 2U);
}

TEST(SensitivityStudy, PrintsARankedTablePerOutcome) {
  TempDir dir;
  const std::string study = write(dir, "m.yaml", R"(replicates: 1
scenarios:
  base: {}
sensitivity:
  method: morris
  trajectories: 20
  parameters: {parameters.x3: [-3, 3], parameters.x1: [-3, 3], parameters.a: [6, 8]}
  outcomes: [y]
)");
  const auto result = run_cpsim("study " + study + " -o " + dir.file("m.h5"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string& out = result.output;
  const auto table = out.find("sensitivity: y: Morris elementary effects");
  ASSERT_NE(table, std::string::npos) << out;
  // Ranked by mu*: x1 moves y most over these ranges, then x3, then a.
  const auto x1 = out.find("1    parameters.x1", table);
  const auto x3 = out.find("2    parameters.x3", table);
  const auto a = out.find("3    parameters.a", table);
  EXPECT_NE(x1, std::string::npos) << out;
  EXPECT_NE(x3, std::string::npos) << out;
  EXPECT_NE(a, std::string::npos) << out;
}

/// `study` is refused with exit 2 and a message starting with its path
/// then `message`, and writes no file.
void expect_refused(const TempDir& dir, const std::string& study, const std::string& message) {
  const auto result = run_cpsim("study " + study + " -o " + dir.file("refused.h5"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(study + message), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("refused.h5")));
}

TEST(SensitivityStudy, RefusesAnOutcomeTheModelLacksAndADesignThatCannotFit) {
  TempDir dir;
  const std::string unknown = write(dir, "u.yaml", R"(replicates: 1
scenarios:
  base: {}
sensitivity:
  method: sobol
  samples: 16
  parameters: {parameters.x1: [-3, 3]}
  outcomes: [yy]
)");
  expect_refused(dir, unknown,
                 ":10:14: sensitivity.outcomes[0]: model 'ishigami' has no metric 'yy' (did you "
                 "mean 'y'?)");
  // 1,600 runs of 10^8 steps keep at least 1.3 TB of results.
  const std::string huge = write(dir, "h.yaml", R"(replicates: 4
steps: 100000000
scenarios:
  base: {}
sensitivity:
  method: sobol
  samples: 100
  parameters: {parameters.x1: [-3, 3], parameters.x2: [-3, 3]}
  outcomes: [y]
)");
  expect_refused(dir, huge,
                 ":9:12: sensitivity.samples: the design's 400 points and 1600 runs of 100000000 "
                 "steps keep at "
                 "least");
}

}  // namespace
}  // namespace cpsim

// `cpsim calibrate`: the synthetic-truth test (moments simulated by the model
// itself at known parameters are recovered from another start), results that
// do not depend on --threads or --jobs, refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "calibrate_command.hpp"
#include "calibration_info.hpp"
#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/calibration_estimate.hpp"
#include "cpsim/engine/calibration_output.hpp"
#include "cpsim/engine/errors.hpp"
#include "registry.hpp"
#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::as_doubles;
using testing::run_cpsim;
using testing::TempDir;

const std::string kKinetic = std::string(CPSIM_SOURCE_DIR) + "/scenarios/kinetic-exchange.yaml";

/// A kinetic-exchange calibration of lambda (from the Gini over the last 20
/// of 100 steps) and the initial wealth (from the mean wealth), with the
/// given targets, standard errors and seed.
std::string kinetic_calibration(const std::vector<double>& targets, const std::vector<double>& se,
                                std::uint64_t seed, const std::string& method) {
  std::ostringstream text;
  text.precision(17);
  text << "scenario: " << kKinetic << "\nsteps: 100\n"
       << "set: {parameters.agents: 1000, output.snapshot_every: 0}\n"
       << "seeds: {count: 8, seed: " << seed << "}\n"
       << "parameters:\n"
       << "  parameters.lambda: {lower: 0.0, upper: 0.9, start: 0.2}\n"
       << "  parameters.initial_wealth: {lower: 0.5, upper: 3.0, start: 2.5}\n"
       << "moments:\n";
  const char* metrics[] = {"gini", "mean_wealth"};
  for (std::size_t k = 0; k < 2; ++k) {
    text << "  - {metric: " << metrics[k] << ", steps: [81, 100], target: " << targets[k]
         << ", standard_error: " << se[k] << "}\n";
  }
  text << "method: " << method << "\n";
  return text.str();
}

Calibration load_text(const TempDir& dir, const std::string& name, const std::string& text,
                      const ModelRegistry& registry) {
  std::ofstream(dir.file(name)) << text;
  return load_calibration(dir.file(name), registry);
}

TEST(Calibration, RecoversKnownParametersFromTheModelsOwnMoments) {
  TempDir dir;
  const ModelRegistry registry = app::make_registry();
  app::EvaluationSettings settings;
  // The "data": one run of the model at lambda = 0.6, initial wealth 1.5,
  // with a seed the calibration never uses (study seed 777), as the world is
  // one realisation; the Gini's standard error is the spread of such runs
  // (over 8). The mean wealth is exact: 0.01 stands for a measurement error.
  const std::vector<double> truth = {0.6, 1.5};
  const Calibration data =
      load_text(dir, "data.yaml",
                kinetic_calibration({0, 0}, {1, 1}, 777, "{algorithm: LN_BOBYQA}"), registry);
  const MomentSamples sample = app::evaluate_calibration(data, truth, settings);
  const std::vector<double> means = sample.means();
  double ss = 0;
  for (std::size_t r = 0; r < 8; ++r) ss += std::pow(sample.values[r] - means[0], 2);
  const std::vector<double> targets = {sample.values[0], sample.values[8]};
  const std::vector<double> se = {std::sqrt(ss / 7), 0.01};
  ASSERT_GT(se[0], 0);

  for (const char* method : {"{algorithm: LN_BOBYQA, max_evaluations: 150, xtol_rel: 1e-5}",
                             "{algorithm: GN_CRS2_LM, max_evaluations: 60, local: LN_NELDERMEAD, "
                             "local_max_evaluations: 60, xtol_rel: 1e-5}"}) {
    SCOPED_TRACE(method);
    const Calibration calibration =
        load_text(dir, "c.yaml", kinetic_calibration(targets, se, 11, method), registry);
    const CalibrationResult result = calibrate(calibration, [&](std::span<const double> x) {
      return app::evaluate_calibration(calibration, x, settings);
    });
    ASSERT_EQ(result.estimate.size(), 2U);
    // Within stated tolerances: lambda to 0.03 (the Gini falls about 0.3 per
    // unit of lambda near 0.6; one run's Gini has a spread of about 0.002),
    // the initial wealth to 0.01 (its moment is exact).
    EXPECT_NEAR(result.estimate[0], truth[0], 0.03);
    EXPECT_NEAR(result.estimate[1], truth[1], 0.01);
    // The implied standard errors are finite and cover the truth at 3 se.
    ASSERT_TRUE(std::isfinite(result.standard_error[0]));
    EXPECT_GT(result.standard_error[0], 0);
    EXPECT_LT(std::abs(result.estimate[0] - truth[0]), 3 * result.standard_error[0]);
    EXPECT_LT(std::abs(result.estimate[1] - truth[1]), 3 * result.standard_error[1]);
    // Saving lowers inequality: d Gini / d lambda < 0.
    EXPECT_LT(result.sensitivity[0], 0);
    EXPECT_EQ(result.evaluations, static_cast<std::int64_t>(result.trace_objective.size()));
    EXPECT_EQ(result.sensitivity_evaluations, 4);
    // As many moments as parameters: the fit is exact up to the search's tolerance.
    EXPECT_LT(result.objective, 0.1);
  }
}

/// A calibration of lambda in `dir`/`name`: kinetic exchange with `top`
/// (steps, set:) and one Gini moment at `window`, and `method`.
std::string lambda_calibration(const TempDir& dir, const std::string& name, const std::string& top,
                               const std::string& moment, const std::string& method = "") {
  const std::string file = dir.file(name);
  std::ofstream(file) << "scenario: " << kKinetic << "\n"
                      << top << "seeds: {count: 4, seed: 5}\n"
                      << "parameters:\n  parameters.lambda: {lower: 0.1, upper: 0.9}\n"
                      << "moments:\n  - {metric: " << moment
                      << ", target: 0.3, standard_error: 0.01, source: test}\n"
                      << method;
  return file;
}

std::string small_calibration(const TempDir& dir) {
  return lambda_calibration(
      dir, "small.yaml",
      "name: small\nsteps: 30\nset: {parameters.agents: 200, output.snapshot_every: 0}\n",
      "gini, steps: [21, 30]", "method: {algorithm: LN_NELDERMEAD, max_evaluations: 12}\n");
}

TEST(CalibrateCommand, BitIdenticalAtAnyThreadsAndJobs) {
  TempDir dir;
  const std::string file = small_calibration(dir);
  std::vector<testing::DatasetBytes> files;
  for (const char* options : {"--threads 1 --jobs 1", "--threads 2 --jobs 2", "--threads 4"}) {
    const std::string out = dir.file(std::string("c") + std::to_string(files.size()) + ".h5");
    const auto result = run_cpsim("calibrate " + file + " -o " + out + " --quiet " + options);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    files.push_back(testing::read_all_datasets(out));
  }
  for (const char* name :
       {"calibration/parameters/estimate", "calibration/parameters/standard_error",
        "calibration/trace/objective", "calibration/trace/parameters", "calibration/sensitivity",
        "calibration/covariance", "calibration/moments/simulated"}) {
    ASSERT_TRUE(files[0].count(name)) << name;
    for (std::size_t i = 1; i < files.size(); ++i) {
      EXPECT_EQ(files[i].at(name), files[0].at(name)) << name << " differs in run " << i;
    }
  }
  EXPECT_EQ(as_doubles(files[0].at("calibration/trace/objective")).size(), 12U);
  // What a study reads back to draw parameters (issue 12, item 4).
  const CalibrationEstimate estimate = read_calibration_estimate(dir.file("c0.h5"));
  EXPECT_EQ(estimate.model, "kinetic_exchange");
  EXPECT_EQ(estimate.names, std::vector<std::string>{"parameters.lambda"});
  EXPECT_EQ(estimate.estimate, as_doubles(files[0].at("calibration/parameters/estimate")));
  EXPECT_EQ(estimate.covariance, as_doubles(files[0].at("calibration/covariance")));
  EXPECT_EQ(estimate.lower, std::vector<double>{0.1});
  EXPECT_EQ(estimate.seeds, 4);
  EXPECT_THROW((void)read_calibration_estimate(file), OutputError);  // the YAML, not a file
  // The hooks `cpsim info` and `cpsim validate` dispatch to.
  EXPECT_TRUE(app::is_calibration_file(dir.file("c0.h5")));
  EXPECT_FALSE(app::is_calibration_file(file));
  std::ostringstream info;
  app::print_calibration_info(info, dir.file("c0.h5"));
  EXPECT_NE(info.str().find("parameters.lambda"), std::string::npos) << info.str();
  EXPECT_NE(info.str().find("corr 1"), std::string::npos) << info.str();
  EXPECT_TRUE(app::is_calibration_yaml(file));
  EXPECT_FALSE(app::is_calibration_yaml(kKinetic));
  std::ostringstream validated;
  app::validate_calibration(file, validated, false);
  EXPECT_NE(validated.str().find("at most 12 evaluations of the search + 2 for the sensitivity "
                                 "= 56 runs"),
            std::string::npos)
      << validated.str();
}

TEST(CalibrateCommand, PrintsTheFitAndWritesTheFile) {
  TempDir dir;
  const std::string file = small_calibration(dir);
  const auto result = run_cpsim("calibrate " + file + " -o " + dir.file("c.h5"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("evaluation 12: objective"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("parameters.lambda"), std::string::npos);
  EXPECT_NE(result.output.find("wrote " + dir.file("c.h5")), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.h5.partial")));
  // An existing file is refused before anything runs (exit 3), kept as it was.
  const auto again = run_cpsim("calibrate " + file + " -o " + dir.file("c.h5"));
  EXPECT_EQ(again.exit_code, 3) << again.output;
  EXPECT_NE(again.output.find("already exists (use --force to overwrite)"), std::string::npos);
  // JSON: one document on stdout.
  const auto json =
      run_cpsim("calibrate " + file + " -o " + dir.file("c.h5") + " --force --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(json.output.front(), '{');
  EXPECT_NE(json.output.find("\"estimate\""), std::string::npos);
}

TEST(CalibrateCommand, RefusesABadFileWithOneLocatedLine) {
  TempDir dir;
  const std::string file = lambda_calibration(dir, "bad.yaml", "", "ginni, step: 5");
  const auto result = run_cpsim("calibrate " + file + " -o " + dir.file("c.h5"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output, file +
                               ":6:14: moments[0].metric: model 'kinetic_exchange' has no metric "
                               "'ginni' (did you mean 'gini'?)\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.h5")));
}

TEST(CalibrateCommand, ASignalStopsItWithoutAFile) {
  TempDir dir;
  const std::string file = lambda_calibration(
      dir, "long.yaml",
      "steps: 10000000\nset: {parameters.agents: 1000, output.snapshot_every: 0}\n",
      "gini, step: 10");
  const std::string out = dir.file("c.h5");
  const auto result = testing::run_command("sh -c '" + std::string(CPSIM_BINARY) + " calibrate " +
                                           file + " -o " + out +
                                           " & p=$!; sleep 1; kill -INT $p; wait $p; "
                                           "echo exit=$?' 2>&1");
  EXPECT_NE(result.output.find("interrupted after 0 evaluations; no file written"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("exit=130"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

}  // namespace
}  // namespace cpsim

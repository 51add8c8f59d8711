// Step 0, the initial state, has lived no month: the district economy's
// metrics of a month (incomes, their distribution, the budget's flows) are
// NaN there, marked with an `undefined` attribute, and every summary (the
// printed run summary, `cpsim info`, JSON) skips them instead of showing the
// NaN, or a made-up 0, as a number.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "console.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/simulation.hpp"
#include "exit_code.hpp"
#include "json_output.hpp"
#include "rank_errors.hpp"
#include "runner.hpp"
#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using Json = nlohmann::json;
using testing::TempDir;

const std::string kXihuSmall = std::string(CPSIM_SOURCE_DIR) + "/scenarios/xihu-small.yaml";
const std::string kMonthNotLived = "NaN at step 0: no month has been lived";

std::vector<double> dataset_values(const std::string& file, const std::string& path) {
  const auto bytes = testing::read_all_datasets(file).at(path);
  std::vector<double> values(bytes.size() / sizeof(double));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

/// The string attribute `name` of dataset `path`, or "<missing>".
std::string dataset_attribute(const std::string& file, const std::string& path, const char* name) {
  std::string value = "<missing>";
  const hid_t h5 = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (h5 < 0) return value;
  const hid_t dataset = H5Dopen2(h5, path.c_str(), H5P_DEFAULT);
  if (dataset >= 0 && H5Aexists(dataset, name) > 0) {
    const hid_t attribute = H5Aopen(dataset, name, H5P_DEFAULT);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char* text = nullptr;
    if (H5Aread(attribute, type, &text) >= 0 && text != nullptr) value = text;
    H5free_memory(text);
    H5Tclose(type);
    H5Aclose(attribute);
  }
  if (dataset >= 0) H5Dclose(dataset);
  H5Fclose(h5);
  return value;
}

/// The whitespace-separated cells of the printed line that starts with
/// `metric` (after the indentation), or none.
std::vector<std::string> table_row(const std::string& text, const std::string& metric) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    std::string cell;
    while (cells >> cell) row.push_back(cell);
    if (!row.empty() && row[0] == metric) return row;
  }
  return {};
}

/// How cpsim prints a value between 1e-3 and 1000 (console.cpp).
std::string printed(double value) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.6f", value);
  return text.data();
}

class UndefinedMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto run = testing::run_command(std::string(CPSIM_BINARY) + " run " + kXihuSmall +
                                          " --steps 3 --threads 2 -o " + out_);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    run_text_ = run.output;
  }
  const TempDir dir_;
  const std::string out_ = dir_.file("xihu.h5");
  std::string run_text_;
};

TEST_F(UndefinedMetrics, IncomeMetricsAreNaNAtStepZeroOnlyWithTheReason) {
  for (const std::string name :
       {"gini_income", "urban_rural_ratio", "palma", "dibao_poverty_rate", "quintile_share",
        "government_revenue", "job_finding_rate", "mean_wage"}) {
    const std::vector<double> values = dataset_values(out_, "metrics/" + name);
    const std::size_t per_step = values.size() / 4;
    ASSERT_EQ(values.size(), 4 * per_step) << name;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i < per_step) {
        EXPECT_TRUE(std::isnan(values[i])) << name << "[" << i << "] at step 0";
      } else {
        EXPECT_TRUE(std::isfinite(values[i])) << name << "[" << i << "] after step 0";
      }
    }
    EXPECT_EQ(dataset_attribute(out_, "/metrics/" + name, "undefined"), kMonthNotLived) << name;
  }
  // Stocks are defined in the initial state.
  for (const std::string name : {"gini_wealth", "unemployment_rate", "rural_resident_share"}) {
    for (const double value : dataset_values(out_, "metrics/" + name)) {
      EXPECT_TRUE(std::isfinite(value)) << name;
    }
    EXPECT_EQ(dataset_attribute(out_, "/metrics/" + name, "undefined"), "<missing>") << name;
  }
}

TEST_F(UndefinedMetrics, SummariesStartAtTheFirstDefinedStep) {
  const std::vector<double> gini = dataset_values(out_, "metrics/gini_income");
  ASSERT_EQ(gini.size(), 4U);
  const double defined_min = *std::min_element(gini.begin() + 1, gini.end());

  // `cpsim run`: the first column is step 1's value, not step 0's.
  const auto run_row = table_row(run_text_, "gini_income");
  ASSERT_EQ(run_row.size(), 4U) << run_text_;
  EXPECT_EQ(run_row[2], printed(gini[1]));
  EXPECT_EQ(run_row[3], printed(gini[3]));
  // A stock still starts at step 0.
  const std::vector<double> wealth = dataset_values(out_, "metrics/gini_wealth");
  EXPECT_EQ(table_row(run_text_, "gini_wealth").at(2), printed(wealth[0]));

  // `cpsim info`: first, last, min, max, mean over steps 1-3.
  const auto info = testing::run_cpsim("info " + out_);
  ASSERT_EQ(info.exit_code, 0) << info.output;
  const auto info_row = table_row(info.output, "gini_income");
  ASSERT_EQ(info_row.size(), 7U) << info.output;
  EXPECT_EQ(info_row[2], printed(gini[1]));
  EXPECT_EQ(info_row[4], printed(defined_min));
  EXPECT_NE(info_row[4], printed(0.0));
  EXPECT_EQ(info_row[6], printed((gini[1] + gini[2] + gini[3]) / 3));

  // JSON: the same numbers, exactly.
  const auto json_info =
      testing::run_command(std::string(CPSIM_BINARY) + " info " + out_ + " --format json");
  ASSERT_EQ(json_info.exit_code, 0) << json_info.output;
  const Json document = Json::parse(json_info.output);
  const Json& summary = document["metrics"]["gini_income"];
  EXPECT_EQ(summary["first"].get<double>(), gini[1]);
  EXPECT_EQ(summary["min"].get<double>(), defined_min);
  EXPECT_EQ(summary["last"].get<double>(), gini[3]);
}

TEST(UndefinedMetricsEverywhere, AreNullInJsonAndNotANumberInText) {
  // A metric defined at no recorded step (the run was stopped after step
  // 0): its statistics are NaN, which JSON writes as null, never a number.
  const double undefined = std::numeric_limits<double>::quiet_NaN();
  FileSummary file;
  file.rows = 1;
  file.complete = false;
  FileSummary::MetricSummary gini{"gini_income", "1",       "Gini",    1,        undefined,
                                  undefined,     undefined, undefined, undefined};
  FileSummary::MetricSummary population{"population", "persons", "Residents", 1,   10.0,
                                        10.0,         10.0,      10.0,        10.0};
  file.metrics = {gini, population};
  const Json info = Json::parse(app::run_file_json("x.h5", file));
  for (const char* statistic : {"first", "last", "min", "max", "mean"}) {
    EXPECT_TRUE(info["metrics"]["gini_income"][statistic].is_null()) << statistic;
    EXPECT_EQ(info["metrics"]["population"][statistic], 10.0) << statistic;
  }

  app::RunRequest request;
  request.scenario.name = "stopped";
  app::RunResult result;
  result.metric_names = {"gini_income", "population"};
  result.metric_units = {"1", "persons"};
  result.first_values = {undefined, 10.0};
  result.last_values = {undefined, 11.0};
  const Json run = Json::parse(app::run_summary_json(request, result, 1, false));
  EXPECT_TRUE(run["metrics"]["gini_income"]["first"].is_null());
  EXPECT_TRUE(run["metrics"]["gini_income"]["last"].is_null());
  EXPECT_EQ(run["metrics"]["population"]["first"], 10.0);

  EXPECT_EQ(app::format_number(undefined), "n/a");
}

TEST(UndefinedMetricsEverywhere, ANaNTheModelDidNotDeclareIsExitCode4) {
  // Declared undefined at step 0 ("income") is accepted there; "ratio" was
  // not declared, so its NaN stops the run as a simulation error (exit 4).
  Simulation simulation(1, 2);
  const auto income = simulation.metrics().add_real("income", "RMB", "income this month");
  const auto ratio = simulation.metrics().add_real("ratio", "1", "urban over rural");
  simulation.metrics().declare_undefined_at_step0(income, "no month has been lived");
  simulation.add_measurement([&](const StepContext& context, MetricRow& row) {
    row.set(income, context.step == 0 ? std::nan("") : 1.0);
    row.set(ratio, context.step == 1 ? std::nan("") : 1.0);
  });
  class Ignore final : public StepObserver {
    bool on_step(const Simulation&, std::int64_t, const MetricRow&) override { return true; }
  } observer;
  try {
    simulation.run(1, observer);
    FAIL() << "expected a SimulationError";
  } catch (...) {
    const app::ErrorReport report = app::describe_error(std::current_exception(), "run");
    EXPECT_EQ(report.exit_code, app::exit_simulation_error);
    EXPECT_EQ(report.exit_code, 4);
    EXPECT_EQ(report.line, "simulation error: step 1: metric 'ratio' is NaN");
  }
}

}  // namespace
}  // namespace cpsim

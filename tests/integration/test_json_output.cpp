// `--format json` as a pipeline uses it: stdout holds one JSON document and
// nothing else, its numbers are the file's to the last digit, and errors
// stay one line on stderr with the usual exit codes.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using Json = nlohmann::json;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;
const std::string kBoltzmann = source_dir + "/scenarios/boltzmann.yaml";

struct Streams {
  int exit_code = -1;
  std::string out;  ///< stdout alone
  std::string err;  ///< stderr alone
};

/// Runs `cpsim ARGS` with stdout and stderr kept apart.
Streams run_separately(const TempDir& dir, const std::string& args) {
  const std::string err_file = dir.file("stderr.txt");
  const auto result =
      testing::run_command(std::string(CPSIM_BINARY) + " " + args + " 2>" + err_file);
  std::ifstream in(err_file);
  std::stringstream err;
  err << in.rdbuf();
  return {result.exit_code, result.output, err.str()};
}

/// Parses stdout as exactly one JSON document (throws on anything else).
Json parse_document(const Streams& streams) { return Json::parse(streams.out); }

std::vector<double> dataset_values(const std::string& file, const std::string& path) {
  const auto bytes = testing::read_all_datasets(file).at(path);
  std::vector<double> values(bytes.size() / sizeof(double));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

TEST(JsonOutput, InfoOfARunHoldsTheFilesValuesExactly) {
  const TempDir dir;
  const std::string out = dir.file("b.h5");
  ASSERT_EQ(testing::run_cpsim("run " + kBoltzmann +
                               " --steps 30 --set parameters.agents=200 -q -o " + out)
                .exit_code,
            0);
  const Streams info = run_separately(dir, "info " + out + " --format json");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(info.err, "");
  const Json json = parse_document(info);
  EXPECT_EQ(json["kind"], "run");
  EXPECT_EQ(json["file"], out);
  EXPECT_EQ(json["complete"], true);
  EXPECT_EQ(json["rows"], 31);
  // Attributes keep their stored kinds: numbers are numbers.
  const Json& attributes = json["attributes"];
  EXPECT_EQ(attributes["model"], "boltzmann");
  ASSERT_TRUE(attributes["seed"].is_number_unsigned());
  EXPECT_EQ(attributes["seed"].get<std::uint64_t>(), 42U);
  EXPECT_EQ(attributes["steps_per_year"], 0);
  EXPECT_EQ(attributes["format"], "cpsim-run");
  EXPECT_TRUE(attributes["wall_seconds"].is_number_float());
  EXPECT_NE(attributes["scenario_yaml"].get<std::string>().find("boltzmann"), std::string::npos);
  // The metric summary equals the stored series, bit for bit.
  const std::vector<double> gini = dataset_values(out, "metrics/gini");
  ASSERT_EQ(gini.size(), 31U);
  const Json& summary = json["metrics"]["gini"];
  EXPECT_EQ(summary["first"].get<double>(), gini.front());
  EXPECT_EQ(summary["last"].get<double>(), gini.back());
  EXPECT_EQ(summary["min"].get<double>(), *std::min_element(gini.begin(), gini.end()));
  EXPECT_EQ(summary["max"].get<double>(), *std::max_element(gini.begin(), gini.end()));
  EXPECT_EQ(summary["mean"].get<double>(),
            std::accumulate(gini.begin(), gini.end(), 0.0) / static_cast<double>(gini.size()));
  // snapshot_every 50: the initial state and the last step.
  EXPECT_EQ(json["snapshots"],
            Json::array({"/snapshots/agents/step_000000", "/snapshots/agents/step_000030"}));
}

TEST(JsonOutput, RunSummaryAgreesWithTheFile) {
  const TempDir dir;
  const std::string out = dir.file("b.h5");
  const Streams run =
      run_separately(dir, "run " + kBoltzmann + " --steps 25 --threads 2 --format json -o " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const Json json = parse_document(run);
  EXPECT_EQ(json["kind"], "run");
  EXPECT_EQ(json["model"], "boltzmann");
  EXPECT_EQ(json["seed"], 42);
  EXPECT_EQ(json["steps_completed"], 25);
  EXPECT_EQ(json["complete"], true);
  EXPECT_EQ(json["output"], out);
  EXPECT_FALSE(json.contains("profile"));
  const std::vector<double> gini = dataset_values(out, "metrics/gini");
  EXPECT_EQ(json["metrics"]["gini"]["first"].get<double>(), gini.front());
  EXPECT_EQ(json["metrics"]["gini"]["last"].get<double>(), gini.back());
  // Without a file the output is null; --profile adds the phase times.
  const Json bare = parse_document(
      run_separately(dir, "run " + kBoltzmann + " --steps 5 --no-output --profile --format json"));
  EXPECT_TRUE(bare["output"].is_null());
  EXPECT_FALSE(bare["profile"]["columns"]["phase"]["values"].empty());
  // --quiet still means nothing on stdout.
  const Streams quiet =
      run_separately(dir, "run " + kBoltzmann + " --steps 5 --no-output -q --format json");
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST(JsonOutput, StudySummaryAndStudyInfoCarryTheContrasts) {
  const TempDir dir;
  const std::string study = dir.file("s.yaml");
  std::ofstream(study) << "seed: 11\nreplicates: 4\nsteps: 6\nscenario: " << CPSIM_TEST_DATA
                       << "/bad-studies/helpers/kinetic.yaml\nscenarios:\n  baseline: {}\n"
                          "  saving: {set: {parameters.lambda: 0.2}}\n"
                          "compare:\n  - {reform: saving, baseline: baseline}\n"
                          "metrics: [gini]\nsummary_window: 3\n";
  const std::string out = dir.file("s.h5");
  const Streams run = run_separately(dir, "study " + study + " -o " + out + " --format json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const Json json = parse_document(run);
  EXPECT_EQ(json["kind"], "study");
  EXPECT_EQ(json["model"], "kinetic_exchange");
  EXPECT_EQ(json["scenarios"], Json::array({"baseline", "saving"}));
  EXPECT_EQ(json["replicates"], 4);
  EXPECT_EQ(json["runs"], 8);
  EXPECT_EQ(json["steps"], 6);
  EXPECT_EQ(json["summary_window"], 3);
  EXPECT_EQ(json["output"], out);
  ASSERT_EQ(json["contrasts"].size(), 1U);
  const Json& contrast = json["contrasts"][0];
  EXPECT_EQ(contrast["contrast"], "saving - baseline");
  EXPECT_EQ(contrast["metric"], "gini");
  EXPECT_EQ(contrast["step"], 6);
  const Json& difference = contrast["difference"];
  EXPECT_EQ(difference["n"], 4);
  EXPECT_LT(difference["ci_low"].get<double>(), difference["mean"].get<double>());
  EXPECT_GT(difference["ci_high"].get<double>(), difference["mean"].get<double>());
  EXPECT_DOUBLE_EQ(difference["mean"].get<double>(),
                   contrast["reform_mean"].get<double>() - contrast["baseline_mean"].get<double>());
  EXPECT_EQ(contrast["window"]["steps"], 3);
  // The file's final-step contrast is the same number.
  const std::vector<double> stored = dataset_values(out, "comparison/mean_difference/gini");
  ASSERT_EQ(stored.size(), 7U);
  EXPECT_EQ(difference["mean"].get<double>(), stored.back());

  const Streams info = run_separately(dir, "info " + out + " --format json");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const Json file = parse_document(info);
  EXPECT_EQ(file["kind"], "study");
  EXPECT_EQ(file["attributes"]["summary_window"], 3);
  EXPECT_EQ(file["attributes"]["steps_per_year"], 0);
  Json gini;
  for (const Json& row : file["contrasts"]) {
    if (row["metric"] == "gini") gini = row;
  }
  ASSERT_FALSE(gini.is_null()) << info.out;
  EXPECT_EQ(gini["difference"], difference);
  EXPECT_EQ(gini["baseline_mean"], contrast["baseline_mean"]);
}

TEST(JsonOutput, AStoppedRunStillPrintsItsDocumentMarkedIncomplete) {
  const TempDir dir;
  const std::string out = dir.file("stopped.h5");
  const std::string json_file = dir.file("stopped.json");
  // A long run in the background, stopped with SIGINT once it has written;
  // the shell prints cpsim's exit status.
  const auto stopped = testing::run_command(
      std::string(CPSIM_BINARY) + " run " + source_dir +
      "/scenarios/boltzmann-synchronous.yaml --steps 1000000 --set parameters.agents=20000 "
      "--format json -o " +
      out + " >" + json_file + " 2>" + dir.file("stderr.txt") + " & pid=$!; i=0; while [ ! -e " +
      out + ".partial ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; sleep 0.3; " +
      "kill -INT $pid; wait $pid; echo $?");
  EXPECT_EQ(stopped.output, "130\n");
  std::ifstream in(json_file);
  const Json json = Json::parse(in);
  EXPECT_EQ(json["complete"], false);
  EXPECT_GT(json["steps_completed"].get<std::int64_t>(), 0);
  EXPECT_LT(json["steps_completed"].get<std::int64_t>(), 1000000);
  EXPECT_EQ(json["output"], out);
  EXPECT_TRUE(std::filesystem::exists(out));
}

TEST(JsonOutput, ErrorsStayOneLineOnStderrWithTheUsualCodes) {
  const TempDir dir;
  const Streams missing = run_separately(dir, "info " + dir.file("none.h5") + " --format json");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, dir.file("none.h5") + ": cannot open (no such file)\n");

  const Streams format = run_separately(dir, "run " + kBoltzmann + " --no-output --format xml");
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_EQ(format.out, "");
  EXPECT_EQ(format.err,
            "cpsim run: --format: expected text or json, found 'xml' (try cpsim run --help)\n");

  const std::string scenario = dir.file("bad.yaml");
  std::ofstream(scenario) << "model: boltzmann\nsteps: 10\nparameters:\n  agents: -3\n";
  const Streams bad =
      run_separately(dir, "run " + scenario + " --format json -o " + dir.file("bad.h5"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_EQ(bad.err.rfind(scenario + ":4:11: parameters.agents: ", 0), 0U) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.h5")));
}

}  // namespace
}  // namespace cpsim

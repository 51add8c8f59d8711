// The cpsim command line, driven as a user drives it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;

TEST(Cli, RunWritesAFileAndPrintsASummary) {
  const TempDir dir;
  const auto out = dir.file("b.h5");
  const auto r = run_cpsim("run " + source_dir + "/scenarios/boltzmann.yaml --steps 20 -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("gini"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("wrote " + out), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST(Cli, QuietRunPrintsNothing) {
  const TempDir dir;
  const auto r = run_cpsim("run " + source_dir + "/scenarios/boltzmann.yaml --steps 5 -q -o " +
                           dir.file("q.h5"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
}

TEST(Cli, RefusesToOverwriteWithoutForce) {
  const TempDir dir;
  const auto out = dir.file("b.h5");
  const std::string run = "run " + source_dir + "/scenarios/boltzmann.yaml --steps 5 -q -o " + out;
  ASSERT_EQ(run_cpsim(run).exit_code, 0);
  const auto before = std::filesystem::last_write_time(out);
  const auto again = run_cpsim(run);
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_EQ(again.output, out + ": already exists (use --force to overwrite)\n");
  EXPECT_EQ(std::filesystem::last_write_time(out), before);
  EXPECT_EQ(run_cpsim(run + " --force").exit_code, 0);
}

TEST(Cli, BadScenarioGivesOneLineExitTwoAndNoFile) {
  const TempDir dir;
  const auto scenario = dir.file("bad.yaml");
  std::ofstream(scenario) << "model: boltzmann\nsteps: 10\nparameters:\n  agents: -3\n";
  const auto out = dir.file("bad.h5");
  const auto r = run_cpsim("run " + scenario + " -o " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output.rfind(scenario + ":4:11: parameters.agents: expected >= 1, found -3", 0), 0U)
      << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST(Cli, BadOverrideAndBadThreadsAreUsageErrors) {
  const std::string scenario = source_dir + "/scenarios/boltzmann.yaml";
  EXPECT_EQ(run_cpsim("run " + scenario + " --set parameters.agents --no-output").exit_code, 2);
  EXPECT_EQ(run_cpsim("run " + scenario + " --threads -1 --no-output").exit_code, 2);
  EXPECT_EQ(run_cpsim("run " + scenario + " --threads many --no-output").exit_code, 2);
  EXPECT_EQ(run_cpsim("run").exit_code, 2);
  EXPECT_EQ(run_cpsim("frobnicate").exit_code, 2);
}

TEST(Cli, RefusesASizeThatCannotFitBeforeAllocating) {
  const TempDir dir;
  const auto scenario = dir.file("huge.yaml");
  std::ofstream(scenario) << "model: boltzmann\nsteps: 10\nparameters:\n  agents: 4000000000\n";
  for (const std::string command : {"run -o " + dir.file("h.h5"), std::string("validate")}) {
    const auto r = run_cpsim(command + " " + scenario);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(
        r.output.rfind(scenario + ":4:11: parameters.agents: needs about 272.0 GB of memory, ", 0),
        0U)
        << r.output;
    EXPECT_NE(r.output.find(" available\n"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("h.h5")));
}

TEST(Cli, ValidatePrintsTheResolvedScenario) {
  const auto r = run_cpsim("validate " + source_dir +
                           "/scenarios/boltzmann-random-pair.yaml --set parameters.agents=50");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("variant: random_pair"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("agents: 50"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("initial_wealth: 1"), std::string::npos) << r.output;  // inherited
}

TEST(Cli, InfoShowsProvenanceAndMetrics) {
  const TempDir dir;
  const auto out = dir.file("k.h5");
  ASSERT_EQ(run_cpsim("run " + source_dir + "/scenarios/kinetic-exchange.yaml --steps 10 -q -o " +
                      out + " --seed 99")
                .exit_code,
            0);
  const auto r = run_cpsim("info " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("complete"), std::string::npos);
  EXPECT_NE(r.output.find("kinetic_exchange"), std::string::npos);
  EXPECT_NE(r.output.find("99"), std::string::npos);
  EXPECT_NE(r.output.find("gini_theory"), std::string::npos);
  EXPECT_EQ(run_cpsim("info " + dir.file("missing.h5")).exit_code, 3);
}

TEST(Cli, ModelsListsAndDescribes) {
  const auto list = run_cpsim("models");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("boltzmann"), std::string::npos);
  EXPECT_NE(list.output.find("kinetic_exchange"), std::string::npos);
  const auto one = run_cpsim("models boltzmann");
  EXPECT_NE(one.output.find("variant"), std::string::npos);
  const auto typo = run_cpsim("models boltzman");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("did you mean 'boltzmann'"), std::string::npos) << typo.output;
}

TEST(Cli, HelpEverywhere) {
  for (const char* command :
       {"--help", "run --help", "validate --help", "info --help", "models --help"}) {
    const auto r = run_cpsim(command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find("usage"), std::string::npos) << command;
  }
}

TEST(Cli, OutputDatasetsAreBitIdenticalAtOneTwoAndFourThreads) {
  const TempDir dir;
  for (const char* scenario :
       {"kinetic-exchange.yaml", "boltzmann-synchronous.yaml", "boltzmann.yaml"}) {
    std::map<int, testing::DatasetBytes> files;
    for (const int threads : {1, 2, 4}) {
      const auto out = dir.file(std::to_string(threads) + scenario + ".h5");
      const auto r = run_cpsim("run " + source_dir + "/scenarios/" + scenario +
                               " --steps 30 -q --set output.snapshot_every=10 --threads " +
                               std::to_string(threads) + " -o " + out);
      ASSERT_EQ(r.exit_code, 0) << r.output;
      files[threads] = testing::read_all_datasets(out);
    }
    ASSERT_GT(files[1].size(), 5U);
    EXPECT_TRUE(files[1].count("metrics/gini") == 1);
    EXPECT_EQ(files[1], files[2]) << scenario;
    EXPECT_EQ(files[1], files[4]) << scenario;
  }
}

}  // namespace
}  // namespace cpsim

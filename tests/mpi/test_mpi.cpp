// cpsim under mpirun: decomposed kinetic-exchange runs and study ensembles
// are bit-identical to one process, and errors end every rank with one line.
// Registered only when CMake found MPI and mpirun (label mpi).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim::testing {
namespace {

/// mpirun as CI runs it: as root, more ranks than cores, quiet (no banners),
/// with a time limit so that a hang fails the test instead of stalling it.
/// Under AddressSanitizer the ranks run without LeakSanitizer: Open MPI
/// keeps allocations until exit in components it has already unloaded
/// (reported from "<unknown module>", which no suppression can name); every
/// other ASan and UBSan check stays on, and the same code paths run with
/// leak checks in the one-process tests.
ProcessResult run_mpi(int ranks, const std::string& args) {
  const std::string command =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
      "ASAN_OPTIONS=\"${ASAN_OPTIONS}:detect_leaks=0\" timeout 120 " CPSIM_MPIEXEC
      " -q --oversubscribe -n " +
      std::to_string(ranks) + " " CPSIM_BINARY " " + args + " 2>&1";
  return run_command(command);
}

std::string scenario(const std::string& name) {
  return std::string(CPSIM_SOURCE_DIR) + "/scenarios/" + name;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

void expect_same_datasets(const std::string& expected_path, const std::string& actual_path) {
  const DatasetBytes expected = read_all_datasets(expected_path);
  const DatasetBytes actual = read_all_datasets(actual_path);
  ASSERT_FALSE(expected.empty()) << expected_path;
  ASSERT_EQ(expected.size(), actual.size()) << actual_path;
  for (const auto& [name, bytes] : expected) {
    const auto found = actual.find(name);
    ASSERT_NE(found, actual.end()) << actual_path << " lacks " << name;
    EXPECT_TRUE(found->second == bytes) << actual_path << ": " << name << " differs";
  }
}

TEST(MpiRun, KineticExchangeIsBitIdenticalOnOneTwoAndThreeRanks) {
  const TempDir dir;
  // 5001 agents: an odd count (one sits out) over the Feistel permutation;
  // 999: the small-domain table. Snapshots every 10 steps.
  for (const std::string agents : {"5001", "999"}) {
    const std::string common =
        scenario("kinetic-exchange.yaml") +
        " --steps 30 --set output.snapshot_every=10 --set parameters.agents=" + agents +
        " --threads 2 -q";
    const ProcessResult one = run_cpsim("run " + common + " -o " + dir.file("one.h5") + " -f");
    ASSERT_EQ(one.exit_code, 0) << one.output;
    for (const int ranks : {1, 2, 3}) {
      const std::string file = dir.file(std::to_string(ranks) + "-ranks.h5");
      const ProcessResult result = run_mpi(ranks, "run " + common + " -o " + file + " -f");
      ASSERT_EQ(result.exit_code, 0) << result.output;
      const DatasetBytes datasets = read_all_datasets(file);
      EXPECT_EQ(datasets.count("snapshots/agents/step_000030/wealth"), 1U);
      expect_same_datasets(dir.file("one.h5"), file);
    }
  }
}

TEST(MpiRun, YardSaleWithMoreRanksThanSomeBlocksNeedIsBitIdentical) {
  const TempDir dir;
  const std::string common =
      scenario("yard-sale.yaml") + " --steps 20 --set parameters.agents=10 --threads 1 -q -f";
  ASSERT_EQ(run_cpsim("run " + common + " -o " + dir.file("one.h5")).exit_code, 0);
  const ProcessResult result = run_mpi(4, "run " + common + " -o " + dir.file("four.h5"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_same_datasets(dir.file("one.h5"), dir.file("four.h5"));
}

TEST(MpiStudy, OneAndThreeRanksWriteBitIdenticalMetricsAndComparisons) {
  const TempDir dir;
  const std::string study =
      scenario("studies/kinetic-lambda.yaml") + " --replicates 4 --threads 2 -q -f -o ";
  const ProcessResult one = run_cpsim("study " + study + dir.file("one.h5"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const ProcessResult three = run_mpi(3, "study " + study + dir.file("three.h5"));
  ASSERT_EQ(three.exit_code, 0) << three.output;
  const DatasetBytes datasets = read_all_datasets(dir.file("three.h5"));
  EXPECT_EQ(datasets.count("metrics/gini"), 1U);
  EXPECT_EQ(datasets.count("comparison/mean_difference/gini"), 1U);
  expect_same_datasets(dir.file("one.h5"), dir.file("three.h5"));
}

TEST(MpiErrors, AModelThatIsNotDecomposedRefusesWithOneLine) {
  const TempDir dir;
  const ProcessResult result =
      run_mpi(2, "run " + scenario("boltzmann.yaml") + " -o " + dir.file("b.h5"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(count_lines(result.output), 1U) << result.output;
  EXPECT_NE(result.output.find("boltzmann.yaml: model: 'boltzmann' runs on one process only"),
            std::string::npos)
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("b.h5")));
}

TEST(MpiErrors, ABadScenarioPrintsOneLineAndEndsEveryRank) {
  const TempDir dir;
  const ProcessResult result =
      run_mpi(3, "run " + scenario("kinetic-exchange.yaml") + " --set parameters.lambda=1.5 -o " +
                     dir.file("k.h5"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(count_lines(result.output), 1U) << result.output;
  EXPECT_NE(result.output.find("parameters.lambda"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("k.h5")));
}

TEST(MpiErrors, AnOutputFileOnlyRankZeroSeesEndsEveryRank) {
  const TempDir dir;
  const std::string existing = dir.file("exists.h5");
  ASSERT_EQ(run_cpsim("run " + scenario("kinetic-exchange.yaml") +
                      " --steps 1 --set parameters.agents=10 -q -o " + existing)
                .exit_code,
            0);
  const ProcessResult result =
      run_mpi(3, "run " + scenario("kinetic-exchange.yaml") + " --steps 5 -o " + existing);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_EQ(count_lines(result.output), 1U) << result.output;
  EXPECT_NE(result.output.find("already exists"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace cpsim::testing

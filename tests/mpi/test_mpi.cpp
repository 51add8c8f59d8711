// cpsim under mpirun: decomposed kinetic-exchange runs and study ensembles
// are bit-identical to one process, and errors end every rank with one line.
// Registered only when CMake found MPI and mpirun (label mpi).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "mpi/mpi_run.hpp"

namespace cpsim::testing {
namespace {

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

TEST(MpiStudy, PartsRunOnSeveralRanksMergeIntoTheOneProcessFile) {
  // --part under mpirun deals the part's block of runs to the ranks.
  const TempDir dir;
  const std::string study =
      scenario("studies/kinetic-lambda.yaml") + " --replicates 3 --threads 1 -q -f ";
  ASSERT_EQ(run_cpsim("study " + study + "-o " + dir.file("one.h5")).exit_code, 0);
  const ProcessResult first = run_mpi(2, "study " + study + "--part 1/2 -o " + dir.file("p1.h5"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const ProcessResult second = run_mpi(3, "study " + study + "--part 2/2 -o " + dir.file("p2.h5"));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  const ProcessResult merge = run_cpsim("study -q --merge " + dir.file("p2.h5") + " " +
                                        dir.file("p1.h5") + " -o " + dir.file("merged.h5"));
  ASSERT_EQ(merge.exit_code, 0) << merge.output;
  expect_same_datasets(dir.file("one.h5"), dir.file("merged.h5"));
}

// A sensitivity design's points and parameter draws are dealt like any
// study's runs; rank 0 estimates the indices from the gathered rows.
TEST(MpiStudy, SensitivityDesignsAndParameterDrawsAreBitIdenticalOnThreeRanks) {
  const TempDir dir;
  for (const std::string name : {"ishigami-morris.yaml", "ishigami-uncertainty.yaml"}) {
    const std::string study = scenario("studies/" + name) + " --threads 2 -q -f -o ";
    const ProcessResult one = run_cpsim("study " + study + dir.file("one.h5"));
    ASSERT_EQ(one.exit_code, 0) << one.output;
    const ProcessResult three = run_mpi(3, "study " + study + dir.file("three.h5"));
    ASSERT_EQ(three.exit_code, 0) << three.output;
    const DatasetBytes datasets = read_all_datasets(dir.file("three.h5"));
    EXPECT_EQ(datasets.count("sensitivity/mu_star") + datasets.count("parameter_draws/value"), 1U)
        << name;
    expect_same_datasets(dir.file("one.h5"), dir.file("three.h5"));
  }
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

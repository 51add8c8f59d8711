// Checkpoints across rank counts (docs/checkpoint.md): a checkpoint written
// on R ranks restarts on any other number of ranks, or on one process, to the
// datasets of the run that never stopped.
#include <gtest/gtest.h>

#include <string>

#include "mpi/mpi_run.hpp"

namespace cpsim::testing {
namespace {

struct RankCase {
  std::string name;
  std::string scenario_args;
  int checkpoint_ranks;  ///< 1: a plain process, without mpirun
  int restart_ranks;
};

class MpiCheckpoint : public ::testing::TestWithParam<RankCase> {};

ProcessResult run_on(int ranks, const std::string& args) {
  return ranks == 1 ? run_cpsim(args + " --threads 2") : run_mpi(ranks, args + " --threads 1");
}

TEST_P(MpiCheckpoint, RestartsOnAnotherRankCountToTheSameDatasets) {
  const RankCase& c = GetParam();
  const TempDir dir;
  const std::string straight = dir.file("straight.h5");
  const std::string checkpoint = dir.file("first.ckpt.h5");
  const std::string restarted = dir.file("restarted.h5");
  ProcessResult result = run_cpsim("run " + c.scenario_args + " -q -o " + straight);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = run_on(c.checkpoint_ranks, "run " + c.scenario_args + " -q -o " + dir.file("first.h5") +
                                          " --checkpoint-every 12");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_EQ(read_root_integer_attribute(checkpoint, "step"), 12);
  result = run_on(c.restart_ranks, "run --restart " + checkpoint + " -q -o " + restarted);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_same_datasets(straight, restarted);
}

// 24 steps: the checkpoint after step 12, the restart runs steps 13-24.
INSTANTIATE_TEST_SUITE_P(
    Ranks, MpiCheckpoint,
    ::testing::Values(
        // The district economy (whole state on every rank), with policies.
        RankCase{"xihu_small_policies_1_to_2",
                 scenario("xihu/policies/all-nine-pictures-small.yaml"), 1, 2},
        RankCase{"xihu_small_2_to_1", scenario("xihu-small.yaml"), 2, 1},
        // A table split over ranks: each rank takes its block's rows.
        RankCase{"kinetic_exchange_1_to_2",
                 scenario("kinetic-exchange.yaml") + " --steps 24 --set output.snapshot_every=6", 1,
                 2},
        RankCase{"kinetic_exchange_3_to_2",
                 scenario("kinetic-exchange.yaml") + " --steps 24 --set output.snapshot_every=6", 3,
                 2}),
    [](const ::testing::TestParamInfo<RankCase>& info) { return info.param.name; });

}  // namespace
}  // namespace cpsim::testing

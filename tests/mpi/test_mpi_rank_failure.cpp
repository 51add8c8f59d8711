// An error that one rank meets alone in the middle of a decomposed run
// (docs/mpi.md, Errors): the job must end, not hang, with the one line and
// the error's exit code, and leave no output file.
//
// Only rank 0 writes the file, so a file-size limit on rank 0 alone makes
// one of its snapshot writes fail while ranks 1 and 2 wait in the next
// step's exchange. The limit is set in an MPMD launch (`mpirun -n 1 sh -c
// 'ulimit -f ...; exec cpsim ...' : -n 2 cpsim ...`): on mpirun itself it
// would also cap Open MPI's shared-memory files (PMIx then hangs).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

#include "support/process.hpp"

namespace cpsim::testing {
namespace {

const std::string kKinetic = std::string(CPSIM_SOURCE_DIR) + "/scenarios/kinetic-exchange.yaml";

/// `cpsim ARGS` on 1 + `other_ranks` ranks, rank 0 under `ulimit -f
/// blocks` (512-byte blocks), as root, quiet, killed after 120 s.
ProcessResult run_with_rank_zero_file_limit(int other_ranks, int blocks, const std::string& args) {
  const std::string cpsim = std::string(CPSIM_BINARY) + " " + args;
  return run_command(
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
      "ASAN_OPTIONS=\"${ASAN_OPTIONS}:detect_leaks=0\" timeout 120 " CPSIM_MPIEXEC
      " -q --oversubscribe -n 1 sh -c 'ulimit -f " +
      std::to_string(blocks) + "; exec " + cpsim + "' : -n " + std::to_string(other_ranks) + " " +
      cpsim + " 2>&1");
}

TEST(MpiErrors, AWriteErrorOnRankZeroAloneMidRunEndsEveryRank) {
  const TempDir dir;
  const std::string out = dir.file("k.h5");
  // Snapshots of 100,000 agents (1.6 MB each before compression) every 2
  // steps against a 4 MiB limit: a few fit, a later one does not.
  const std::string args = "run " + kKinetic +
                           " --steps 40 --set parameters.agents=100000 --set "
                           "output.snapshot_every=2 --threads 1 --format json -o " +
                           out;
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult result = run_with_rank_zero_file_limit(2, 8192, args);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(result.exit_code, 3) << result.output;  // a file error; 124 would be a hang
  EXPECT_LT(seconds, 60.0);
  // One line, printed once (by rank 0), and nothing else: no JSON, no banner.
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  EXPECT_EQ(result.output.rfind(out + ".partial: cannot write snapshot /snapshots/agents/step_", 0),
            0U)
      << result.output;
  EXPECT_NE(result.output.find("File too large"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

}  // namespace
}  // namespace cpsim::testing

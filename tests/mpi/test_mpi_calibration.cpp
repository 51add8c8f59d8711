// `cpsim calibrate` under mpirun: each evaluation's seeds are dealt to the
// ranks, rank 0 sends the moments back, and the file is the one-process file.
#include <gtest/gtest.h>

#include <fstream>

#include "mpi_run.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::run_mpi;
using testing::TempDir;

TEST(MpiCalibration, OneAndThreeRanksWriteBitIdenticalFiles) {
  TempDir dir;
  const std::string file = dir.file("c.yaml");
  std::ofstream(file) << "scenario: " << testing::scenario("kinetic-exchange.yaml")
                      << "\nsteps: 20\nset: {parameters.agents: 100, output.snapshot_every: 0}\n"
                         "seeds: {count: 5, seed: 3}\n"
                         "parameters:\n  parameters.lambda: {lower: 0.1, upper: 0.9}\n"
                         "moments:\n  - {metric: gini, steps: [11, 20], target: 0.3, "
                         "standard_error: 0.01}\n"
                         "method: {algorithm: LN_BOBYQA, max_evaluations: 8}\n";
  const auto one = run_cpsim("calibrate " + file + " -o " + dir.file("one.h5") + " --quiet");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto three = run_mpi(3, "calibrate " + file + " -o " + dir.file("three.h5") + " --quiet");
  ASSERT_EQ(three.exit_code, 0) << three.output;
  testing::expect_same_datasets(dir.file("one.h5"), dir.file("three.h5"));
  EXPECT_EQ(testing::read_root_integer_attribute(dir.file("three.h5"), "ranks"), 3);
}

}  // namespace
}  // namespace cpsim

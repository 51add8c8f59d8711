#pragma once
// What the mpi-labelled tests share: cpsim under mpirun as CI runs it, and
// the comparison of every dataset of two output files.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/process.hpp"
#include "support/same_datasets.hpp"

namespace cpsim::testing {

/// mpirun as CI runs it: as root, more ranks than cores, quiet (no banners),
/// with a time limit so that a hang fails the test instead of stalling it.
/// Under AddressSanitizer the ranks run without LeakSanitizer: Open MPI
/// keeps allocations until exit in components it has already unloaded
/// (reported from "<unknown module>", which no suppression can name); every
/// other ASan and UBSan check stays on, and the same code paths run with
/// leak checks in the one-process tests.
inline ProcessResult run_mpi(int ranks, const std::string& args) {
  const std::string command =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
      "ASAN_OPTIONS=\"${ASAN_OPTIONS}:detect_leaks=0\" timeout 120 " CPSIM_MPIEXEC
      " -q --oversubscribe -n " +
      std::to_string(ranks) + " " CPSIM_BINARY " " + args + " 2>&1";
  return run_command(command);
}

inline std::string scenario(const std::string& name) {
  return std::string(CPSIM_SOURCE_DIR) + "/scenarios/" + name;
}

inline std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace cpsim::testing

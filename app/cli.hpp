#pragma once
// The cpsim command line, callable in-process (tests drive it this way).
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim::app {

/// Exit codes, documented in README.md and `cpsim --help`.
enum ExitCode : int {
  exit_ok = 0,
  exit_internal_error = 1,
  exit_bad_input = 2,         ///< usage, scenario or override errors
  exit_io_error = 3,          ///< cannot read or write a file (exists, disk full)
  exit_simulation_error = 4,  ///< NaN metric, money overflow, broken identity
  exit_interrupted = 130,     ///< SIGINT/SIGTERM: the file is kept, marked incomplete
};

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cpsim::app

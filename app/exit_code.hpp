#pragma once
// cpsim's exit codes, on their own so that code returning one (the commands,
// main, the error reports) needs no command's header to name them.

namespace cpsim::app {

/// Exit codes, documented in README.md and `cpsim --help`.
enum ExitCode : int {
  exit_ok = 0,
  exit_internal_error = 1,
  exit_bad_input = 2,         ///< usage, scenario or override errors
  exit_io_error = 3,          ///< a file or resource: exists, disk full, out of memory
  exit_simulation_error = 4,  ///< undeclared NaN metric, money overflow, broken identity
  exit_interrupted = 130,     ///< SIGINT/SIGTERM: the file is kept, marked incomplete
};

}  // namespace cpsim::app

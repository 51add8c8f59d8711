#pragma once
// The cpsim command line, callable in-process (tests drive it this way).
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim {
class Communicator;
}

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

/// `world`: the MPI ranks this process is one of (docs/mpi.md); only rank 0
/// prints. Without it (in-process callers, plain `cpsim`) one serial rank.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            Communicator& world);

}  // namespace cpsim::app

#pragma once
// The cpsim command line, callable in-process (tests drive it this way).
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim {
class Communicator;
}

namespace cpsim::app {

/// `world`: the MPI ranks this process is one of (docs/mpi.md); only rank 0
/// prints. Without it (in-process callers, plain `cpsim`) one serial rank.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            Communicator& world);

}  // namespace cpsim::app

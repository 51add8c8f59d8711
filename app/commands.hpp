#pragma once
// One function per sub-command; each parses its own options.
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim {
class Communicator;
}

namespace cpsim::app {

/// `world`: the MPI ranks (one without mpirun); `out` and `err` print on rank 0 only.
int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                Communicator& world);
int command_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_info(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_models(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cpsim::app

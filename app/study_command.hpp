#pragma once
// `cpsim study` and the study part of `cpsim info`.
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim {
class Communicator;
}

namespace cpsim::app {

/// Under mpirun the runs are dealt to the ranks (docs/mpi.md).
int command_study(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  Communicator& world);

/// `cpsim info STUDY.h5`: provenance, scenarios, contrasts at the final step
/// (with `study_yaml`: only the resolved study).
void print_study_info(std::ostream& out, const std::filesystem::path& path, bool study_yaml);

}  // namespace cpsim::app

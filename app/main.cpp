#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "cpsim/engine/communicator.hpp"
#include "exit_code.hpp"

int main(int argc, char** argv) {
  // A write past a file-size limit (ulimit -f) must fail with EFBIG and be
  // reported as a clean error, not kill the process mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  // MPI is initialised only when a launcher (mpirun, srun) started us, so a
  // plain `cpsim run` never touches it (docs/mpi.md).
  std::unique_ptr<cpsim::Communicator> world;
  try {
    world = cpsim::open_world_communicator(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cpsim: " << e.what() << '\n';
    return cpsim::app::exit_internal_error;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::ostream discard(nullptr);  // ranks other than 0 print nothing but their own errors
  return cpsim::app::run_cli(args, world->is_root() ? std::cout : discard, std::cerr, *world);
}

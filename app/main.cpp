#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

int main(int argc, char** argv) {
  // A write past a file-size limit (ulimit -f) must fail with EFBIG and be
  // reported as a clean error, not kill the process mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::vector<std::string> args(argv + 1, argv + argc);
  return cpsim::app::run_cli(args, std::cout, std::cerr);
}

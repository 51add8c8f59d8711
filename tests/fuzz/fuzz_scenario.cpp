// libFuzzer target: scenario parsing and validation must never crash, hang
// or leak on any input; every rejection is a ScenarioError (one line).
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
//         -DCPSIM_BUILD_FUZZERS=ON && cmake --build build-fuzz --target fuzz_scenario
//   build-fuzz/tests/fuzz/fuzz_scenario -max_total_time=30 WORK_DIR tests/fuzz/corpus
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "cpsim/engine/scenario.hpp"
#include "fuzz_support.hpp"

namespace {

std::string scratch_path() { return "/tmp/cpsim-fuzz-" + std::to_string(::getpid()) + ".yaml"; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = scratch_path();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const cpsim::Scenario scenario = cpsim::load_scenario(path, {}, cpsim::fuzz::registry());
    // A scenario that validates must survive its own resolved form.
    std::ofstream(path, std::ios::trunc) << scenario.resolved_yaml;
    (void)cpsim::load_scenario(path, {}, cpsim::fuzz::registry());
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

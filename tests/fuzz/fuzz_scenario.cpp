// libFuzzer target: scenario parsing and validation must never crash, hang
// or leak on any input; every rejection is a ScenarioError (one line), and a
// scenario that validates loads again from its own resolved form.
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
//         -DCPSIM_BUILD_FUZZERS=ON && cmake --build build-fuzz --target fuzz_scenario
//   build-fuzz/tests/fuzz/fuzz_scenario -max_len=16384 -max_total_time=30 WORK_DIR \
//       tests/fuzz/corpus tests/data/bad-scenarios
// The input is loaded from memory as if it were tests/fuzz/corpus/fuzz-input.yaml (so
// `extends: ../../scenarios/boltzmann.yaml` and the like resolve); nothing
// is written to disk.
#include <cstdint>
#include <string_view>

#include "cpsim/engine/scenario.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > cpsim::fuzz::kMaxInputBytes) return 0;
  static const std::filesystem::path as_file =
      std::filesystem::path(CPSIM_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "fuzz-input.yaml";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const cpsim::Scenario scenario =
        cpsim::load_scenario_text(text, as_file, {}, cpsim::fuzz::registry());
    // The property: a scenario that validates survives its own resolved form.
    (void)cpsim::load_scenario_text(scenario.resolved_yaml, as_file, {}, cpsim::fuzz::registry());
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

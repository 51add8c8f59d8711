// libFuzzer target: `--set` overrides. Each line of the input is one
// argument (as after `--set`); they are parsed with parse_override and
// applied, in order, to a shipped scenario, as `cpsim run --set ...` does.
// Nothing may crash, hang or leak; every rejection is one ScenarioError line.
// The first byte picks the scenario: a validation model (kinetic exchange)
// or the district economy at 1:100 (its large schema and policy modules).
// Both are read (with their `extends:` chains) once, at start; each input's
// overrides apply to a copy of the merged tree, as a study applies its
// variants' (the same checks as load_scenario(file, overrides); when two
// arguments are bad, a value that is no YAML may be reported first).
//   cmake --build build-fuzz --target fuzz_overrides
//   build-fuzz/tests/fuzz/fuzz_overrides -max_len=16384 -max_total_time=30 WORK_DIR \
//       tests/fuzz/corpus-overrides
#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "cpsim/engine/scenario.hpp"
#include "fuzz_support.hpp"
#include "scenario_parts.hpp"

namespace {

namespace parts = cpsim::scenario_parts;

std::array<parts::ScenarioSource, 2> bases;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const std::filesystem::path scenarios = std::filesystem::path(CPSIM_SOURCE_DIR) / "scenarios";
  bases = {parts::read_scenario_source(scenarios / "kinetic-exchange.yaml"),
           parts::read_scenario_source(scenarios / "xihu-small.yaml")};
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > cpsim::fuzz::kMaxInputBytes) return 0;
  const parts::ScenarioSource& base = bases[data[0] % bases.size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    std::vector<parts::LocatedOverride> overrides;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      if (end > start) {
        overrides.push_back(
            parts::from_command_line(cpsim::parse_override(text.substr(start, end - start))));
      }
      start = end + 1;
    }
    (void)parts::load_scenario(base, overrides, cpsim::fuzz::registry());
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

// libFuzzer target: calibration loading (the located YAML reader, then the
// scenario at each parameter's start and bounds, the moments against the
// model's metrics) must never crash, hang or leak on any input; every
// rejection is a ScenarioError (one line).
//   cmake --build build-fuzz --target fuzz_calibration
//   build-fuzz/tests/fuzz/fuzz_calibration -max_len=16384 -max_total_time=20 WORK_DIR \
//       tests/data/bad-calibrations scenarios/calibrations
// The input stands for tests/data/bad-calibrations/fuzz-input.yaml, so that
// `helpers/kinetic.yaml` (the corpus's scenario) and
// `../../../scenarios/...` load; nothing is written per input.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "cpsim/engine/calibration.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > cpsim::fuzz::kMaxInputBytes) return 0;
  static const std::filesystem::path path = std::filesystem::path(CPSIM_SOURCE_DIR) / "tests" /
                                            "data" / "bad-calibrations" / "fuzz-input.yaml";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)cpsim::load_calibration_text(text, path, cpsim::fuzz::registry());
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

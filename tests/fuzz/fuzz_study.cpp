// libFuzzer target: study loading (the same located YAML reader as
// scenarios, then sweeps, contrasts and every variant's scenario with its
// overrides) must never crash, hang or leak on any input; every rejection is
// a ScenarioError (one line).
//   cmake --build build-fuzz --target fuzz_study
//   build-fuzz/tests/fuzz/fuzz_study -max_len=16384 -max_total_time=30 WORK_DIR \
//       tests/data/bad-studies scenarios/studies
// The input is loaded from memory as if it were a file in a scratch copy of
// scenarios/ with the bad-studies helpers in scenarios/studies/helpers/ (made
// once, when the fuzzer starts), so that `../kinetic-exchange.yaml` and
// `helpers/kinetic.yaml` both load; nothing is written per input.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "cpsim/engine/study.hpp"
#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

/// The scratch copy, removed when the fuzzer exits.
class Scratch {
 public:
  Scratch()
      : root_(fs::temp_directory_path() / ("cpsim-fuzz-study-" + std::to_string(::getpid()))) {
    const fs::path source = CPSIM_SOURCE_DIR;
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::copy(source / "scenarios", root_ / "scenarios", fs::copy_options::recursive);
    fs::copy(source / "tests" / "data" / "bad-studies" / "helpers",
             root_ / "scenarios" / "studies" / "helpers", fs::copy_options::recursive);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  [[nodiscard]] fs::path input() const {
    return root_ / "scenarios" / "studies" / "fuzz-input.yaml";
  }

 private:
  fs::path root_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > cpsim::fuzz::kMaxInputBytes) return 0;
  static const Scratch scratch;
  static const fs::path path = scratch.input();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)cpsim::load_study_text(text, path, cpsim::fuzz::registry());
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

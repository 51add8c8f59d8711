// libFuzzer target: study loading (the same located YAML reader as
// scenarios, then sweeps, contrasts and every variant's scenario with its
// overrides) must never crash, hang or leak on any input; every rejection is
// a ScenarioError (one line).
//   cmake --build build-fuzz --target fuzz_study
//   build-fuzz/tests/fuzz/fuzz_study -max_total_time=30 WORK_DIR \
//       tests/data/bad-studies scenarios/studies
// The input is written where the files the corpus names can be found: a
// scratch copy of scenarios/ with the bad-studies helpers in
// scenarios/studies/helpers/, so `../kinetic-exchange.yaml` and
// `helpers/kinetic.yaml` both load.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
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
  static const Scratch scratch;
  static const fs::path path = scratch.input();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    (void)cpsim::load_study(path, cpsim::fuzz::registry());
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

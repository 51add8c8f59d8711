// The Zhejiang scenario (scenarios/zhejiang/, issue 12 item 1) and the
// out-of-sample calibration's file discipline (item 5): the scenario is valid
// at 1:1, 1:100 and 1:1000 and runs at 1:1000 with its 22 regions; a
// calibration of it records every file it read, and the held-out figures
// (scenarios/zhejiang/held-out-2022-2025.csv) are never among them.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/input_files.hpp"
#include "registry.hpp"
#include "support/hdf5_read.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::filesystem::path kSource = std::filesystem::path(CPSIM_SOURCE_DIR);
const std::filesystem::path kZhejiang = kSource / "scenarios" / "zhejiang";

std::string path_of(const std::filesystem::path& p) {
  return std::filesystem::absolute(p).lexically_normal().string();
}

/// The files a Zhejiang 1:1000 calibration declares: itself, the scenario
/// chain and its region table.
std::set<std::string> declared(const std::string& calibration_file) {
  return {path_of(calibration_file), path_of(kZhejiang / "zhejiang-1000.yaml"),
          path_of(kZhejiang / "baseline.yaml"), path_of(kZhejiang / "regions.csv")};
}

/// The variable-length string root attribute `name` of `path` ("" if absent).
std::string root_string_attribute(const std::string& path, const char* name) {
  std::string value;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return value;
  if (H5Aexists(file, name) > 0) {
    const hid_t attribute = H5Aopen(file, name, H5P_DEFAULT);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char* text = nullptr;
    if (attribute >= 0 && H5Aread(attribute, type, &text) >= 0 && text != nullptr) {
      value = text;
      H5free_memory(text);
    }
    H5Tclose(type);
    if (attribute >= 0) H5Aclose(attribute);
  }
  H5Fclose(file);
  return value;
}

std::set<std::string> lines(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.insert(line);
  }
  return out;
}

TEST(ZhejiangScenario, ValidAtOneToOneHundredAndOneThousand) {
  for (const char* file : {"baseline.yaml", "zhejiang-100.yaml", "zhejiang-1000.yaml"}) {
    const auto result = run_cpsim("validate -q " + (kZhejiang / file).string());
    EXPECT_EQ(result.exit_code, 0) << file << ": " << result.output;
  }
}

TEST(ZhejiangScenario, RunsAtOneToOneThousandWithItsElevenCities) {
  TempDir dir;
  const std::string out = dir.file("z.h5");
  const auto result =
      run_cpsim("run " + (kZhejiang / "zhejiang-1000.yaml").string() + " --steps 3 -q -o " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const testing::DatasetBytes data = testing::read_all_datasets(out);
  // Residents at set-up: the 1:1000 count exactly (apportioned to 22 regions).
  const auto population = data.at("metrics/population");
  std::int64_t first = 0;
  std::memcpy(&first, population.data(), sizeof first);
  EXPECT_EQ(first, 64568);
  // 11 cities, each an urban and a rural area of the per-area metrics.
  EXPECT_EQ(testing::as_doubles(data.at("metrics/income_per_capita_by_area")).size(), 4U * 22U);
  EXPECT_EQ(testing::as_doubles(data.at("metrics/money_error")).size(), 4U);
}

TEST(OutOfSample, ZhejiangCalibrationReadsOnlyTheFilesItDeclares) {
  // Loading the shipped calibration reads the calibration, the scenario
  // chain and the region table: never the held-out file beside them.
  const std::string shipped = (kSource / "scenarios/calibrations/zhejiang-2021.yaml").string();
  ASSERT_TRUE(std::filesystem::exists(kZhejiang / "held-out-2022-2025.csv"));
  const auto before = input_files::recorded();
  static const ModelRegistry registry = app::make_registry();
  (void)load_calibration(shipped, registry);
  std::set<std::string> read;
  const auto after = input_files::recorded();
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::inserter(read, read.end()));
  EXPECT_EQ(read, declared(shipped));

  // End to end: a short calibration of the same scenario (2 steps, 2 seeds,
  // 2 evaluations) lists in its file what the whole process read, runs
  // included.
  TempDir dir;
  const std::string file = dir.file("zhejiang-short.yaml");
  std::ofstream(file) << "scenario: " << (kZhejiang / "zhejiang-1000.yaml").string() << "\n"
                      << "steps: 2\nseeds: {count: 2, seed: 1}\n"
                      << "parameters:\n"
                      << "  parameters.skills.mean_rural: {lower: 0.4, upper: 0.8}\n"
                      << "moments:\n"
                      << "  - {metric: urban_rural_ratio, step: 2, target: 1.94, "
                         "standard_error: 0.02}\n"
                      << "method: {algorithm: LN_NELDERMEAD, max_evaluations: 2}\n";
  const std::string out = dir.file("c.h5");
  const auto result = run_cpsim("calibrate " + file + " -o " + out + " --quiet");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string files = root_string_attribute(out, "input_files");
  EXPECT_EQ(lines(files), declared(file)) << files;
  EXPECT_EQ(files.find("held-out"), std::string::npos) << files;
}

}  // namespace
}  // namespace cpsim

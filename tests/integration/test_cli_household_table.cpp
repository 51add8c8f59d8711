// `household_table.file` and `region_table.file`: the broken tables of
// tests/data/bad-tables/households and .../regions give their one located
// line, exit 2 and leave no output file; so do tables that are no regular
// file or missing; the shipped sample scenarios run (also together), and a
// relative path is read next to the scenario that names it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/corpus.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;
using testing::run_cpsim;
using testing::TempDir;

const fs::path kBadHouseholds = fs::path(CPSIM_TEST_DATA) / "bad-tables" / "households";
const fs::path kBadRegions = fs::path(CPSIM_TEST_DATA) / "bad-tables" / "regions";
const std::string kSample =
    std::string(CPSIM_SOURCE_DIR) + "/scenarios/xihu/households-sample.yaml";

class BadHouseholdTable : public ::testing::TestWithParam<std::string> {};

TEST_P(BadHouseholdTable, ReportsTheExpectedErrorExitsTwoAndWritesNothing) {
  TempDir dir;
  const fs::path table = kBadHouseholds / (GetParam() + ".csv");
  const std::string out = dir.file("out.h5");
  const auto result = run_cpsim(
      "run " + kSample + " --steps 1 --set parameters.household_table.file=" + table.string() +
      " -o " + out);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(result.output, testing::expected_error(kBadHouseholds, GetParam()) + "\n");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".partial"));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadHouseholdTable,
                         ::testing::ValuesIn(testing::corpus_cases(kBadHouseholds, ".csv")),
                         testing::case_test_name);

class BadRegionTable : public ::testing::TestWithParam<std::string> {};

TEST_P(BadRegionTable, ReportsTheExpectedErrorExitsTwoAndWritesNothing) {
  TempDir dir;
  const fs::path table = kBadRegions / (GetParam() + ".csv");
  const std::string out = dir.file("out.h5");
  const auto result = run_cpsim("run " + std::string(CPSIM_SOURCE_DIR) +
                                "/scenarios/xihu-small.yaml --steps 1 "
                                "--set parameters.region_table.file=" +
                                table.string() + " -o " + out);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(result.output, testing::expected_error(kBadRegions, GetParam()) + "\n");
  EXPECT_FALSE(fs::exists(out));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadRegionTable,
                         ::testing::ValuesIn(testing::corpus_cases(kBadRegions, ".csv")),
                         testing::case_test_name);

TEST(BadHouseholdTableCorpus, IsThere) {
  EXPECT_GE(testing::corpus_cases(kBadRegions, ".csv").size(), 8U) << kBadRegions;
  EXPECT_GE(testing::corpus_cases(kBadHouseholds, ".csv").size(), 15U) << kBadHouseholds;
}

TEST(HouseholdTableFile, SpecialMissingAndFolderFilesAreRefusedAtTheKey) {
  TempDir dir;
  for (const std::string& file :
       {std::string("/dev/zero"), dir.path().string(), dir.file("missing.csv")}) {
    const auto result =
        run_cpsim("validate " + kSample + " --set parameters.household_table.file=" + file);
    EXPECT_EQ(result.exit_code, 2) << file << ": " << result.output;
    EXPECT_NE(result.output.find("parameters.household_table.file: "), std::string::npos)
        << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  }
}

TEST(HouseholdTableFile, SampleRunsAndARelativePathIsReadNextToTheScenario) {
  TempDir dir;
  const auto sample = run_cpsim("run " + kSample + " --steps 2 -o " + dir.file("sample.h5"));
  EXPECT_EQ(sample.exit_code, 0) << sample.output;
  // A scenario elsewhere naming "homes.csv" reads the copy beside it.
  fs::create_directories(dir.path() / "sub");
  fs::copy_file(fs::path(CPSIM_SOURCE_DIR) / "scenarios/xihu/households-sample.csv",
                dir.path() / "sub/homes.csv");
  std::ofstream(dir.path() / "sub/s.yaml")
      << "extends: " << CPSIM_SOURCE_DIR << "/scenarios/xihu-small.yaml\n"
      << "steps: 2\nparameters:\n  household_table:\n    file: homes.csv\n";
  const auto relative =
      run_cpsim("run " + (dir.path() / "sub/s.yaml").string() + " -o " + dir.file("rel.h5"));
  EXPECT_EQ(relative.exit_code, 0) << relative.output;
  // Households from the table dealt to the regions of the region table.
  const auto both = run_cpsim("run " + kSample +
                              " --steps 2 --set parameters.region_table.file=" + CPSIM_SOURCE_DIR +
                              "/scenarios/xihu/regions.csv -o " + dir.file("both.h5"));
  EXPECT_EQ(both.exit_code, 0) << both.output;
}

}  // namespace
}  // namespace cpsim

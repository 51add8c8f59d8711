// `cpsim inequality`: the broken tables of tests/data/bad-tables give their
// one located line and exit 2; good tables print every statistic (the values
// themselves are pinned by tests/engine/test_inequality.cpp and, through the
// JSON output, by analysis/tests/test_inequality.py).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/corpus.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;
using testing::run_cpsim;
using testing::TempDir;

const fs::path kBadTables = fs::path(CPSIM_TEST_DATA) / "bad-tables";
constexpr const char* kColumns = " --income income --weight persons --group residence";

void write_text(const std::string& file, const std::string& text) { std::ofstream(file) << text; }

class BadTable : public ::testing::TestWithParam<std::string> {};

TEST_P(BadTable, ReportsTheExpectedErrorAndExitsTwo) {
  const fs::path file = kBadTables / (GetParam() + ".csv");
  const auto result = run_cpsim("inequality " + file.string() + kColumns);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(result.output, testing::expected_error(kBadTables, GetParam()) + "\n");
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadTable,
                         ::testing::ValuesIn(testing::corpus_cases(kBadTables, ".csv")),
                         testing::case_test_name);

TEST(BadTableCorpus, IsThere) {
  EXPECT_GE(testing::corpus_cases(kBadTables, ".csv").size(), 10U) << kBadTables;
}

TEST(CliInequality, PrintsEveryStatisticForEachFormat) {
  TempDir dir;
  const std::string csv = dir.file("incomes.csv");
  // Quoted fields, CRLF line ends, a blank line and a byte-order mark are read as a spreadsheet
  // writes them.
  write_text(csv,
             "\xEF\xBB\xBFhousehold,income,persons,residence\r\n1,10000,2,\"rural, village\"\r\n"
             "2,20000,1,\"rural, village\"\r\n\r\n3,40000,1,urban\r\n4,80000,4,urban\r\n");
  const auto text = run_cpsim("inequality " + csv + kColumns);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* metric :
       {"gini", "theil_t", "theil_within", "theil_between", "mean_log_deviation", "palma",
        "top10_share", "bottom40_share", "quintile_share_q1_poorest", "quintile_share_q5_richest",
        "relative_poverty_rate", "middle_income_share", "group_mean_ratio", "group_theil_t"}) {
    EXPECT_NE(text.output.find(metric), std::string::npos) << metric << '\n' << text.output;
  }
  EXPECT_NE(text.output.find("0.331250"), std::string::npos) << text.output;  // the Gini
  const auto csv_out = run_cpsim("inequality " + csv + kColumns + " --format csv");
  ASSERT_EQ(csv_out.exit_code, 0) << csv_out.output;
  EXPECT_EQ(csv_out.output.rfind("metric,group,value\n", 0), 0U) << csv_out.output;
  EXPECT_NE(csv_out.output.find("group_mean,\"rural, village\",13333.33"), std::string::npos)
      << csv_out.output;
  EXPECT_NE(csv_out.output.find("\ngroup_mean_ratio,,5."), std::string::npos) << csv_out.output;
  const auto json = run_cpsim("inequality " + csv + kColumns + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(json.output.find("\"middle_income_share\": 0.625"), std::string::npos) << json.output;
}

TEST(CliInequality, UsageAndFileErrors) {
  TempDir dir;
  const std::string csv = dir.file("incomes.csv");
  write_text(csv, "income\n1\n2\n");
  EXPECT_EQ(run_cpsim("inequality " + csv).exit_code, 2);  // --income is required
  const auto format = run_cpsim("inequality " + csv + " --income income --format xml");
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.output.find("expected text, csv or json"), std::string::npos) << format.output;
  const auto missing = run_cpsim("inequality " + dir.file("none.csv") + " --income income");
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  const auto h5 = run_cpsim("inequality " + dir.file("none.h5") + ":/table --income income");
  EXPECT_EQ(h5.exit_code, 3) << h5.output;
  const auto not_h5 = run_cpsim("inequality " + csv + ".h5:/t --income income");
  EXPECT_EQ(not_h5.exit_code, 3) << not_h5.output;
}

}  // namespace
}  // namespace cpsim

// The district economy under mpirun: every rank holds the whole state and
// the household payment loops are split by blocks (docs/mpi.md); every
// dataset (metrics, flow matrix, snapshots of all three tables, calibration
// table) must be bit-identical to one process and money must stay exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mpi/mpi_run.hpp"

namespace cpsim::testing {
namespace {

/// 13 months: one year end (income-tax settlement, ageing, skills,
/// migration) and the first month of the next tax year.
std::string economy_run(const std::string& scenario_name, int threads) {
  return "run " + scenario(scenario_name) +
         " --steps 13 --set output.snapshot_every=6 --set 'output.snapshot_tables=[households, "
         "firms, villages]' --threads " +
         std::to_string(threads) + " -q -f -o ";
}

void expect_money_exact(const std::string& path) {
  const DatasetBytes datasets = read_all_datasets(path);
  const auto money_error = datasets.find("metrics/money_error");
  ASSERT_NE(money_error, datasets.end()) << path;
  ASSERT_FALSE(money_error->second.empty());
  EXPECT_TRUE(std::all_of(money_error->second.begin(), money_error->second.end(),
                          [](unsigned char byte) { return byte == 0; }))
      << path << ": money_error is not 0 at every step";
}

TEST(MpiEconomy, BaselineIsBitIdenticalOnOneTwoAndThreeRanks) {
  const TempDir dir;
  const ProcessResult one = run_cpsim(economy_run("xihu-small.yaml", 2) + dir.file("one.h5"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  for (const int ranks : {1, 2, 3}) {
    const std::string file = dir.file(std::to_string(ranks) + "-ranks.h5");
    // One thread per rank on 2 and 3 ranks: thread and rank counts differ from the reference.
    const ProcessResult result =
        run_mpi(ranks, economy_run("xihu-small.yaml", ranks == 1 ? 2 : 1) + file);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const DatasetBytes datasets = read_all_datasets(file);
    for (const std::string table : {"households", "firms", "villages"})
      EXPECT_EQ(datasets.count("snapshots/" + table + "/step_000012/agent"), 1U) << table;
    expect_same_datasets(dir.file("one.h5"), file);
    expect_money_exact(file);
  }
}

TEST(MpiEconomy, AllNinePicturesWithMigrationIsBitIdenticalOnTwoAndThreeRanks) {
  const TempDir dir;
  const std::string policies_and_migration =
      economy_run("xihu/policies/all-nine-pictures-small.yaml", 2) + dir.file("one.h5") +
      " --set parameters.migration.hazard=1.0";
  const ProcessResult one = run_cpsim(policies_and_migration);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  for (const int ranks : {2, 3}) {
    const std::string file = dir.file(std::to_string(ranks) + "-ranks.h5");
    const ProcessResult result =
        run_mpi(ranks, economy_run("xihu/policies/all-nine-pictures-small.yaml", 1) + file +
                           " --set parameters.migration.hazard=1.0");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    expect_same_datasets(dir.file("one.h5"), file);
    expect_money_exact(file);
  }
  // The run must have moved households, or migration was not exercised.
  const std::vector<unsigned char> moved =
      read_all_datasets(dir.file("one.h5")).at("metrics/migrating_households");
  EXPECT_TRUE(
      std::any_of(moved.begin(), moved.end(), [](unsigned char byte) { return byte != 0; }));
}

TEST(MpiEconomy, GovernmentInDebtIsBitIdenticalOnTwoAndThreeRanks) {
  // Without VAT, corporate tax and the pension refund the fiscal rule buys
  // nothing and the government borrows and pays interest (R11).
  const std::string deficit =
      " --set parameters.tax.vat_rate=0 --set parameters.tax.corporate_rate=0"
      " --set parameters.tax.corporate_rate_high_tech=0"
      " --set parameters.pension.upper_funded_share=0";
  const TempDir dir;
  const ProcessResult one =
      run_cpsim(economy_run("xihu-small.yaml", 2) + dir.file("one.h5") + deficit);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  for (const int ranks : {2, 3}) {
    const std::string file = dir.file(std::to_string(ranks) + "-ranks.h5");
    const ProcessResult result = run_mpi(ranks, economy_run("xihu-small.yaml", 1) + file + deficit);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    expect_same_datasets(dir.file("one.h5"), file);
    expect_money_exact(file);
  }
  // The run must have paid interest, or the debt path was not exercised.
  const std::vector<unsigned char> interest =
      read_all_datasets(dir.file("one.h5")).at("metrics/government_interest");
  EXPECT_TRUE(
      std::any_of(interest.begin(), interest.end(), [](unsigned char byte) { return byte != 0; }));
}

}  // namespace
}  // namespace cpsim::testing

// The serial communicator, the block partition and the inverse keyed
// permutation: the pieces a decomposed model relies on (MPI runs are in
// tests/mpi/).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/decomposition.hpp"
#include "cpsim/engine/random.hpp"

namespace cpsim {
namespace {

TEST(KeyedPermutation, InverseUndoesEveryPosition) {
  // Table (n <= 4096) and Feistel with cycle walking (non-power-of-two and
  // power-of-two domains).
  for (const std::uint64_t n :
       {1ULL, 2ULL, 3ULL, 4096ULL, 4097ULL, 10000ULL, 16384ULL, 100003ULL}) {
    const KeyedPermutation pi(n, RandomStream(11, "pairing"), 5);
    for (std::uint64_t i = 0; i < n; ++i) {
      ASSERT_EQ(pi.inverse(pi(i)), i) << "n = " << n;
      ASSERT_EQ(pi(pi.inverse(i)), i) << "n = " << n;
    }
  }
}

TEST(KeyedPermutation, InverseOfALargeDomainIsItsInverse) {
  const std::uint64_t n = 3'000'000'017ULL;  // 32-bit domain, cycle walking
  const KeyedPermutation pi(n, RandomStream(3, "pairing"), 9);
  for (std::uint64_t i = 0; i < n; i += 7'919'993ULL) {
    ASSERT_LT(pi(i), n);
    ASSERT_EQ(pi.inverse(pi(i)), i);
  }
}

TEST(BlockRange, BlocksTileTheRangeInRankOrderAndOwnerFindsThem) {
  for (const std::uint64_t count : {0ULL, 1ULL, 2ULL, 7ULL, 10ULL, 1000ULL, 1001ULL}) {
    for (int ranks = 1; ranks <= 5; ++ranks) {
      std::uint64_t expected_begin = 0;
      for (int rank = 0; rank < ranks; ++rank) {
        const BlockRange block = block_range(count, rank, ranks);
        EXPECT_EQ(block.begin, expected_begin);
        EXPECT_LE(block.size(), count / static_cast<std::uint64_t>(ranks) + 1);
        for (std::uint64_t i = block.begin; i < block.end; ++i) {
          ASSERT_EQ(block_owner(i, count, ranks), rank) << count << " items, " << ranks << " ranks";
        }
        expected_begin = block.end;
      }
      EXPECT_EQ(expected_begin, count);
    }
  }
}

TEST(SerialCommunicator, CollectivesReturnThisRanksData) {
  SerialCommunicator serial;
  EXPECT_EQ(serial.rank(), 0);
  EXPECT_EQ(serial.size(), 1);
  EXPECT_EQ(serial.sum(-5), -5);
  EXPECT_EQ(serial.max(9), 9);
  const std::vector<double> values{1.5, -2.0, 3.25};
  EXPECT_EQ(serial.allgatherv<double>(values), values);
  EXPECT_EQ(serial.gatherv<double>(values, 0), values);
  const std::vector<std::int64_t> send{4, 5};
  const std::vector<std::uint64_t> counts{2};
  std::vector<std::uint64_t> received_counts;
  EXPECT_EQ(serial.alltoallv<std::int64_t>(send, counts, received_counts), send);
  EXPECT_EQ(received_counts, counts);
  EXPECT_EQ(serial.broadcast_string("scenario", 0), "scenario");
}

TEST(GatherTable, OneRankGathersTheWholeTableWithItsColumns) {
  AgentTable table("agents");
  table.create(3, 10);
  const auto wealth = table.add_column<std::int64_t>({"wealth", "fen", "money"});
  const auto share = table.add_column<float>({"share", "1", "a share"});
  table[wealth][2] = 42;
  table[share][1] = 0.5F;
  SerialCommunicator serial;
  const AgentTable whole = gather_table(serial, table, 0);
  ASSERT_EQ(whole.size(), 3U);
  EXPECT_EQ(whole.ids()[0], 10U);
  EXPECT_EQ(whole.column_info(1).name, "share");
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(whole.column_data(0))[2], 42);
  EXPECT_EQ(std::get<std::vector<float>>(whole.column_data(1))[1], 0.5F);
}

TEST(PackBlock, ABlockOfRowsTravelsIntoAnotherCopyOfTheTableAndNothingElseChanges) {
  const auto make = [] {
    AgentTable table("households");
    table.create(5);
    table.add_column<std::int64_t>({"deposits", "fen", "money"});
    table.add_column<std::uint8_t>({"workers", "persons", "workers"});
    table.add_column<float>({"skill", "1", "skill"});
    return table;
  };
  AgentTable updated = make();
  AgentTable replica = make();
  const Column<std::int64_t> deposits{0};
  const Column<std::uint8_t> workers{1};
  const Column<float> skill{2};
  for (std::size_t i = 0; i < 5; ++i) {
    updated[deposits][i] = 100 + static_cast<std::int64_t>(i);
    updated[workers][i] = static_cast<std::uint8_t>(i);
    updated[skill][i] = 0.25F * static_cast<float>(i);
    replica[deposits][i] = -1;
  }
  const BlockRange block{1, 4};
  const std::vector<std::byte> bytes = pack_block(updated, block);
  EXPECT_EQ(bytes.size(), 3U * (8 + 1 + 4));
  EXPECT_EQ(unpack_block(replica, block, bytes), bytes.size());
  for (std::size_t i = 0; i < 5; ++i) {
    const bool inside = block.contains(i);
    EXPECT_EQ(replica[deposits][i], inside ? updated[deposits][i] : -1) << i;
    EXPECT_EQ(replica[workers][i], inside ? updated[workers][i] : 0) << i;
    EXPECT_EQ(replica[skill][i], inside ? updated[skill][i] : 0.0F) << i;
  }
  EXPECT_THROW((void)unpack_block(replica, block, std::span(bytes).first(bytes.size() - 1)),
               std::logic_error);
  EXPECT_THROW((void)pack_block(updated, BlockRange{4, 6}), std::logic_error);
}

TEST(LaunchedByMpiLauncher, OnlyALaunchersVariablesCount) {
  // A plain `cpsim run` must never initialise MPI; mpirun and srun announce
  // themselves through these variables. They are cleared for the test (and
  // restored), so it also holds inside a job step.
  const std::vector<std::string> names{"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"};
  std::vector<std::pair<std::string, std::string>> saved;
  for (const std::string& name : names) {
    if (const char* value = std::getenv(name.c_str())) saved.emplace_back(name, value);
    unsetenv(name.c_str());
  }
  EXPECT_FALSE(launched_by_mpi_launcher());
  for (const std::string& name : names) {
    setenv(name.c_str(), "0", 1);
    EXPECT_TRUE(launched_by_mpi_launcher()) << name;
    unsetenv(name.c_str());
  }
  for (const auto& [name, value] : saved) setenv(name.c_str(), value.c_str(), 1);
}

}  // namespace
}  // namespace cpsim

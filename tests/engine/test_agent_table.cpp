#include <gtest/gtest.h>

#include <vector>

#include "cpsim/engine/agent_table.hpp"

namespace cpsim {
namespace {

TEST(AgentTable, ColumnsFollowTheTableSize) {
  AgentTable table("households");
  const auto deposits = table.add_column<std::int64_t>({"deposits", "fen", "Bank deposits"});
  table.create(5, 100);
  const auto skill = table.add_column<float>({"skill", "1", "Skill factor"});
  EXPECT_EQ(table.size(), 5U);
  EXPECT_EQ(table[deposits].size(), 5U);
  EXPECT_EQ(table[skill].size(), 5U);
  EXPECT_EQ(table.ids()[0], 100U);
  EXPECT_EQ(table.ids()[4], 104U);
  EXPECT_EQ(table.bytes_per_agent(), sizeof(AgentId) + 8 + 4);
  EXPECT_EQ(table.find_column("skill"), 1U);
  EXPECT_EQ(table.find_column("nope"), table.column_count());
  EXPECT_THROW(table.add_column<int>({"skill", "", ""}), std::logic_error);
}

TEST(AgentTable, RemovalKeepsTheOrderOfTheRest) {
  AgentTable table("firms");
  const auto size = table.add_column<std::int32_t>({"employees", "persons", ""});
  table.create(6);
  for (int i = 0; i < 6; ++i) table[size][static_cast<std::size_t>(i)] = 10 * i;
  const std::vector<std::uint8_t> flags{0, 1, 0, 0, 1, 0};
  table.remove_if_flagged(flags);
  ASSERT_EQ(table.size(), 4U);
  EXPECT_EQ(std::vector<AgentId>(table.ids().begin(), table.ids().end()),
            (std::vector<AgentId>{0, 2, 3, 5}));
  EXPECT_EQ(table[size][3], 50);
  EXPECT_THROW(table.remove_if_flagged(flags), std::invalid_argument);
}

TEST(IdAllocator, DynamicIdsNeverCollideWithSetUpIds) {
  const AgentId a = IdAllocator::make(3, 0);
  const AgentId b = IdAllocator::make(3, 1);
  const AgentId c = IdAllocator::make(4, 0);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(a & IdAllocator::dynamic_bit);
  EXPECT_GT(a, AgentId{1} << 62);
}

}  // namespace
}  // namespace cpsim

// The district economy on several MPI ranks (docs/mpi.md): every rank holds
// the whole state (households, firms, villages, accounts), runs the
// replicated phases identically, and splits the household-parallel payment
// loops (Economy::for_household_block) by contiguous blocks of households.
// After such a loop the ranks make their copies whole again:
//  - households: each block's rows come from the rank that owns them
//    (pack_block, unpack_block), so every row is what one process computes;
//  - everything else a block may only add to (integer columns of firms and
//    villages, single accounts, the step's flows, the month's totals): each
//    rank's change is summed over the ranks in 64-bit modular arithmetic,
//    which is exact and does not depend on the order, so the merged value is
//    the one-process value (integer fen and counts are conserved exactly).
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

#include "cpsim/engine/decomposition.hpp"
#include "economy/economy.hpp"

namespace cpsim::models::economy {
namespace {

static_assert(std::is_trivially_copyable_v<MonthTotals> &&
                  sizeof(MonthTotals) % sizeof(std::uint64_t) == 0,
              "MonthTotals is merged across ranks as 64-bit words");
constexpr std::size_t month_words = sizeof(MonthTotals) / sizeof(std::uint64_t);

/// visit(column span) for every integer column of `table`, in column order.
template <class Table, class Visit>
void for_each_integer_column(Table& table, Visit&& visit) {
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          if constexpr (std::is_integral_v<T>) visit(table[Column<T>{c}]);
        },
        table.column_data(c));
  }
}

}  // namespace

BlockRange Economy::household_block() const { return simulation_.agent_block(households_->size()); }

std::vector<std::uint64_t> Economy::replicated_words() const {
  std::vector<std::uint64_t> words;
  for (const AgentTable* table : {firms_, villages_}) {
    for_each_integer_column(*table, [&](auto column) {
      for (const auto value : column) words.push_back(static_cast<std::uint64_t>(value));
    });
  }
  for (const std::int64_t balance : {ledger_.government(), ledger_.rest_of_world(), ledger_.bank()})
    words.push_back(static_cast<std::uint64_t>(balance));
  for (const std::int64_t flow : ledger_.step_flows())
    words.push_back(static_cast<std::uint64_t>(flow));
  const auto month = std::bit_cast<std::array<std::uint64_t, month_words>>(month_);
  words.insert(words.end(), month.begin(), month.end());
  return words;
}

void Economy::restore_replicated_words(std::span<const std::uint64_t> words) {
  std::size_t next = 0;
  // Conversions to a narrower or signed type keep the value modulo its
  // width, which is the exact result whenever that fits the column.
  for (AgentTable* table : {firms_, villages_}) {
    for_each_integer_column(*table, [&](auto column) {
      using T = typename decltype(column)::value_type;
      for (auto& value : column) value = static_cast<T>(words[next++]);
    });
  }
  const auto as_fen = [&] { return static_cast<std::int64_t>(words[next++]); };
  const std::int64_t government = as_fen();
  const std::int64_t rest_of_world = as_fen();
  const std::int64_t bank = as_fen();
  ledger_.set_single_balances(government, rest_of_world, bank);
  FlowMatrix flows{};
  for (std::int64_t& flow : flows) flow = as_fen();
  ledger_.set_step_flows(flows);
  std::array<std::uint64_t, month_words> month{};
  std::copy(words.begin() + static_cast<std::ptrdiff_t>(next), words.end(), month.begin());
  month_ = std::bit_cast<MonthTotals>(month);
}

void Economy::merge_household_block(BlockRange block, std::vector<std::uint64_t> before) {
  Communicator& world = simulation_.communicator();
  const std::vector<std::uint64_t> after = replicated_words();
  // One message per rank (a collective costs far more than its bytes when
  // ranks share cores): its households' rows, then the words it changed, as
  // (index, change) pairs after their count (most words, such as a firm's
  // sector or owner, never change in a household loop).
  std::vector<std::uint64_t> changes{0};
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (after[i] == before[i]) continue;
    changes.push_back(i);
    changes.push_back(after[i] - before[i]);
  }
  changes[0] = (changes.size() - 1) / 2;
  std::vector<std::byte> message = pack_block(*households_, block);
  const std::size_t rows_bytes = message.size();
  message.resize(rows_bytes + changes.size() * sizeof(std::uint64_t));
  std::memcpy(message.data() + rows_bytes, changes.data(), changes.size() * sizeof(std::uint64_t));
  const std::vector<std::byte> all = world.allgatherv<std::byte>(message);
  const auto read_word = [&](std::size_t& at) {
    std::uint64_t word = 0;
    std::memcpy(&word, all.data() + at, sizeof(word));
    at += sizeof(word);
    return word;
  };
  std::size_t at = 0;
  for (int rank = 0; rank < world.size(); ++rank) {
    const BlockRange theirs = block_range(households_->size(), rank, world.size());
    at += unpack_block(*households_, theirs, std::span<const std::byte>(all).subspan(at));
    const std::uint64_t count = read_word(at);
    for (std::uint64_t k = 0; k < count; ++k) {
      const std::uint64_t index = read_word(at);
      before.at(index) += read_word(at);
    }
  }
  restore_replicated_words(before);
}

}  // namespace cpsim::models::economy

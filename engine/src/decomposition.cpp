#include "cpsim/engine/decomposition.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace cpsim {

AgentTable gather_table(Communicator& communicator, const AgentTable& local, int root) {
  if (local.replicated()) return communicator.rank() == root ? local : AgentTable(local.name());
  AgentTable whole(local.name());
  const std::vector<AgentId> ids = communicator.gatherv<AgentId>(local.ids(), root);
  whole.append(ids);
  for (std::size_t c = 0; c < local.column_count(); ++c) {
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          const Column<T> column = whole.add_column<T>(local.column_info(c));
          const std::vector<T> gathered = communicator.gatherv<T>(std::span<const T>(values), root);
          std::copy(gathered.begin(), gathered.end(), whole[column].begin());
        },
        local.column_data(c));
  }
  return whole;
}

namespace {

void check_block(const AgentTable& table, BlockRange block) {
  if (block.begin > block.end || block.end > table.size()) {
    throw std::logic_error("block [" + std::to_string(block.begin) + ", " +
                           std::to_string(block.end) + ") lies outside table '" + table.name() +
                           "' of " + std::to_string(table.size()) + " rows");
  }
}

}  // namespace

std::vector<std::byte> pack_block(const AgentTable& table, BlockRange block) {
  check_block(table, block);
  std::vector<std::byte> bytes;
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          const std::size_t at = bytes.size();
          bytes.resize(at + block.size() * sizeof(T));
          if (block.size() > 0) {
            std::memcpy(bytes.data() + at, values.data() + block.begin, block.size() * sizeof(T));
          }
        },
        table.column_data(c));
  }
  return bytes;
}

std::size_t unpack_block(AgentTable& table, BlockRange block, std::span<const std::byte> bytes) {
  check_block(table, block);
  std::size_t read = 0;
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          const std::size_t size = block.size() * sizeof(T);
          if (bytes.size() - read < size) {
            throw std::logic_error("unpack_block: too few bytes for table '" + table.name() + "'");
          }
          const std::span<T> column = table[Column<T>{c}];
          if (size > 0) std::memcpy(column.data() + block.begin, bytes.data() + read, size);
          read += size;
        },
        table.column_data(c));
  }
  return read;
}

}  // namespace cpsim

#include "cpsim/engine/agent_table.hpp"

namespace cpsim {

void AgentTable::resize_columns() {
  for (auto& column : columns_) {
    std::visit([n = ids_.size()](auto& values) { values.resize(n); }, column);
  }
}

void AgentTable::reuse_row(std::size_t row, AgentId id) {
  if (row >= ids_.size()) {
    throw std::out_of_range("table '" + name_ + "': row " + std::to_string(row) +
                            " is past the end (" + std::to_string(ids_.size()) + " agents)");
  }
  ids_[row] = id;
  for (auto& column : columns_) {
    std::visit([row](auto& values) { values[row] = {}; }, column);
  }
}

void AgentTable::remove_if_flagged(std::span<const std::uint8_t> flags) {
  if (flags.size() != ids_.size()) {
    throw std::invalid_argument("table '" + name_ + "': removal flags do not match the table size");
  }
  auto compact = [&flags](auto& values) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (flags[i] == 0) values[kept++] = values[i];
    }
    values.resize(kept);
  };
  compact(ids_);
  for (auto& column : columns_) std::visit(compact, column);
}

std::size_t AgentTable::find_column(std::string_view column_name) const noexcept {
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].name == column_name) return i;
  }
  return infos_.size();
}

std::size_t AgentTable::bytes_per_agent() const noexcept {
  std::size_t bytes = sizeof(AgentId);
  for (const auto& column : columns_) {
    bytes += std::visit([](const auto& values) { return sizeof(values[0]); }, column);
  }
  return bytes;
}

}  // namespace cpsim

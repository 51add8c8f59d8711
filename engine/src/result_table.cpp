#include "cpsim/engine/result_table.hpp"

#include <stdexcept>

namespace cpsim {

std::size_t ResultTable::rows() const {
  if (columns.empty()) return 0;
  auto length = [](const Column& column) {
    return std::visit([](const auto& values) { return values.size(); }, column.values);
  };
  const std::size_t expected = length(columns.front());
  for (const Column& column : columns) {
    if (length(column) != expected) {
      throw std::invalid_argument("result table '" + name + "': column '" + column.name + "' has " +
                                  std::to_string(length(column)) + " rows, column '" +
                                  columns.front().name + "' has " + std::to_string(expected));
    }
  }
  return expected;
}

}  // namespace cpsim

#pragma once
// A small named table produced at the end of a run (e.g. calibration:
// target, simulated, source), stored under /tables in the output file.
#include <string>
#include <variant>
#include <vector>

namespace cpsim {

struct ResultTable {
  struct Column {
    std::string name;
    std::string unit;
    std::variant<std::vector<double>, std::vector<std::string>> values;
  };
  std::string name;
  std::string description;
  std::vector<Column> columns;  ///< all of equal length
  [[nodiscard]] std::size_t rows() const;
};

}  // namespace cpsim

#include "console.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <vector>

namespace cpsim::app {

std::string format_number(double value) {
  // An undefined value (a metric at step 0, the sd of one replicate) is
  // never printed as if it were a number.
  if (std::isnan(value)) return "n/a";
  std::ostringstream s;
  if (value != 0 && (std::fabs(value) >= 1e7 || std::fabs(value) < 1e-3)) {
    s << std::setprecision(6) << value;
  } else {
    s << std::fixed << std::setprecision(std::fabs(value) >= 1000 ? 1 : 6) << value;
  }
  return s.str();
}

void print_table(std::ostream& out, const ResultTable& table) {
  out << '\n' << table.name << (table.description.empty() ? "" : ": " + table.description) << '\n';
  std::vector<std::vector<std::string>> cells(table.rows() + 1);
  for (const auto& column : table.columns) {
    cells[0].push_back(column.name + (column.unit.empty() ? "" : " [" + column.unit + "]"));
    for (std::size_t r = 0; r < table.rows(); ++r) {
      if (const auto* reals = std::get_if<std::vector<double>>(&column.values)) {
        cells[r + 1].push_back(format_number((*reals)[r]));
      } else {
        cells[r + 1].push_back(std::get<std::vector<std::string>>(column.values)[r]);
      }
    }
  }
  std::vector<std::size_t> width(table.columns.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : cells) {
    out << ' ';
    for (std::size_t c = 0; c < row.size(); ++c) {
      out << ' ' << std::left << std::setw(static_cast<int>(width[c])) << row[c];
    }
    out << '\n';
  }
}

}  // namespace cpsim::app

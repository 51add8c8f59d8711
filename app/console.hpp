#pragma once
// Tables and numbers as the command line prints them.
#include <iosfwd>
#include <string>

#include "cpsim/engine/result_table.hpp"

namespace cpsim::app {

/// Fixed notation for ordinary magnitudes, scientific for the very large
/// and the very small; "n/a" for an undefined value (NaN).
std::string format_number(double value);

/// The table's name and description, then its columns aligned.
void print_table(std::ostream& out, const ResultTable& table);

}  // namespace cpsim::app

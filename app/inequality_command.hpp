#pragma once
// `cpsim inequality FILE --income COL`: the engine's distributional
// statistics (cpsim/engine/inequality.hpp) of any table of incomes, a CSV
// file or an HDF5 table (docs/inequality.md).
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim::app {

int command_inequality(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cpsim::app

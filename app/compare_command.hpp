#pragma once
// `cpsim compare`: a reform against its baseline as researchers read it
// (headline, deciles, winners and losers, groups, budget), from a study file
// or from two run files (docs/studies.md, "cpsim compare").
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim::app {

int command_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cpsim::app

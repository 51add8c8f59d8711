#pragma once
// One function per sub-command; each parses its own options.
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim {
class ModelRegistry;
}

namespace cpsim::app {

int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_info(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_models(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// Every model cpsim ships, registered once per call (no global registry).
ModelRegistry make_registry();

}  // namespace cpsim::app

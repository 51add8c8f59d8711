#pragma once
// Option parsing shared by the sub-commands.
#include <boost/program_options.hpp>
#include <iosfwd>
#include <string>
#include <vector>

namespace cpsim::app {

/// Parses `args` against `options` with one positional argument `positional`.
/// Returns false (after printing help) when --help was asked for.
bool parse(const std::vector<std::string>& args,
           boost::program_options::options_description& options, const char* positional,
           boost::program_options::variables_map& vm, std::ostream& out, const char* usage);

/// "cpsim COMMAND ARG ARG ...", recorded in output files as the command line.
std::string join_command_line(const std::string& command, const std::vector<std::string>& args);

}  // namespace cpsim::app

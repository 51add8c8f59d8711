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

/// What a command prints on stdout: tables for people, or one JSON document.
enum class OutputFormat { Text, Json };

/// Help of the `--format` option (a string option, so that a bad value gets
/// output_format's message).
inline constexpr const char* format_option_help =
    "what stdout gets: text (tables, the default) or json (one document; docs/json-output.md)";

/// The chosen --format; any other value is a usage error (exit 2).
OutputFormat output_format(const boost::program_options::variables_map& vm);

/// "cpsim COMMAND ARG ARG ...", recorded in output files as the command line.
std::string join_command_line(const std::string& command, const std::vector<std::string>& args);

}  // namespace cpsim::app

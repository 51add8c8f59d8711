#pragma once
// Option parsing shared by the sub-commands.
#include <boost/program_options.hpp>
#include <filesystem>
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

/// The most worker threads (and a study's runs at once) accepted: four per
/// hardware thread oneTBB sees (8 on 2 cores), so a run can be checked at
/// more threads than cores, but never so many that oneTBB cannot start them.
int max_threads();

/// The value of `option` (--threads, --jobs): 0 ("all cores", "as memory
/// allows") to max_threads(); anything else is a usage error (exit 2).
int thread_option(const boost::program_options::variables_map& vm, const char* option);

/// --output's path, or `default_path` without it; an empty --output is a
/// usage error (exit 2), never "no file".
std::filesystem::path output_option(const boost::program_options::variables_map& vm,
                                    const std::filesystem::path& default_path);

/// "cpsim COMMAND ARG ARG ...", recorded in output files as the command line.
std::string join_command_line(const std::string& command, const std::vector<std::string>& args);

}  // namespace cpsim::app

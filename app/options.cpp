#include "options.hpp"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <ostream>

namespace cpsim::app {
namespace po = boost::program_options;

bool parse(const std::vector<std::string>& args, po::options_description& options,
           const char* positional, po::variables_map& vm, std::ostream& out, const char* usage) {
  options.add_options()("help,h", "show this help");
  po::positional_options_description positionals;
  if (positional != nullptr) positionals.add(positional, 1);
  po::store(po::command_line_parser(args).options(options).positional(positionals).run(), vm);
  if (vm.count("help") != 0U) {
    out << usage << "\n\n" << options << '\n';
    return false;
  }
  po::notify(vm);
  return true;
}

OutputFormat output_format(const po::variables_map& vm) {
  if (vm.count("format") == 0U) return OutputFormat::Text;
  const std::string& format = vm["format"].as<std::string>();
  if (format == "text") return OutputFormat::Text;
  if (format == "json") return OutputFormat::Json;
  throw po::error("--format: expected text or json, found '" + format + "'");
}

int max_threads() { return 4 * std::max(1, oneapi::tbb::info::default_concurrency()); }

int thread_option(const po::variables_map& vm, const char* option) {
  const int value = vm[option].as<int>();
  if (value < 0 || value > max_threads()) {
    throw po::error(std::string("--") + option + ": expected 0 to " +
                    std::to_string(max_threads()) + " (four per hardware thread), found " +
                    std::to_string(value));
  }
  return value;
}

std::filesystem::path output_option(const po::variables_map& vm,
                                    const std::filesystem::path& default_path) {
  if (vm.count("output") == 0U) return default_path;
  const std::string& value = vm["output"].as<std::string>();
  if (value.empty()) throw po::error("--output: expected a file name, found an empty string");
  return value;
}

std::string join_command_line(const std::string& command, const std::vector<std::string>& args) {
  std::string line = "cpsim " + command;
  for (const auto& a : args) line += " " + a;
  return line;
}

}  // namespace cpsim::app

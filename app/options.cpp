#include "options.hpp"

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

std::string join_command_line(const std::string& command, const std::vector<std::string>& args) {
  std::string line = "cpsim " + command;
  for (const auto& a : args) line += " " + a;
  return line;
}

}  // namespace cpsim::app

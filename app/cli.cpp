#include "cli.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/errors.hpp"
#include "study_command.hpp"

namespace cpsim::app {
namespace po = boost::program_options;

namespace {

constexpr const char* usage_text =
    "cpsim: agent-based simulation of urban-rural common prosperity policy\n"
    "\n"
    "usage: cpsim COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO        run a scenario, write an HDF5 file, print a summary\n"
    "  study STUDY.yaml    run scenarios x replicates, compare reforms with baselines\n"
    "  validate SCENARIO   check a scenario and print it fully resolved\n"
    "  info FILE.h5        show an output file's provenance and metrics\n"
    "  models [NAME]       list the models, or one model's parameters\n"
    "  version             print the version and git commit\n"
    "\n"
    "`cpsim COMMAND --help` shows a command's options.\n"
    "exit codes: 0 ok, 1 internal error, 2 bad input (scenario, override, usage),\n"
    "            3 file error (exists, unreadable, disk full), 4 simulation error\n"
    "            (NaN, overflow), 130 interrupted (output kept, marked incomplete)\n";

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << usage_text;
    return args.empty() ? exit_bad_input : exit_ok;
  }
  if (args[0] == "--version" || args[0] == "version") {
    out << "cpsim " << version() << " (" << git_commit() << ")\n";
    return exit_ok;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "run") return command_run(rest, out, err);
    if (command == "study") return command_study(rest, out, err);
    if (command == "validate") return command_validate(rest, out, err);
    if (command == "info") return command_info(rest, out, err);
    if (command == "models") return command_models(rest, out, err);
    err << "cpsim: unknown command '" << command << "' (try cpsim --help)\n";
    return exit_bad_input;
  } catch (const po::error& e) {
    err << "cpsim " << command << ": " << e.what() << " (try cpsim " << command << " --help)\n";
    return exit_bad_input;
  } catch (const ScenarioError& e) {
    err << e.what() << '\n';
    return exit_bad_input;
  } catch (const OutputError& e) {
    err << e.what() << '\n';
    return exit_io_error;
  } catch (const SimulationError& e) {
    err << "simulation error: " << e.what() << '\n';
    return exit_simulation_error;
  } catch (const std::exception& e) {
    err << "cpsim: internal error: " << e.what() << '\n';
    return exit_internal_error;
  }
}

}  // namespace cpsim::app

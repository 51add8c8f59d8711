#include "cli.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "calibrate_command.hpp"
#include "commands.hpp"
#include "compare_command.hpp"
#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/errors.hpp"
#include "exit_code.hpp"
#include "inequality_command.hpp"
#include "rank_errors.hpp"
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
    "  calibrate FILE.yaml estimate scenario parameters by simulated moments (NLopt)\n"
    "  validate FILE       check a scenario (print it resolved) or a study (runs,\n"
    "                      memory and time) without running it\n"
    "  info FILE.h5        show an output file's provenance and metrics\n"
    "  compare STUDY.h5    a reform against its baseline: headline, deciles, winners\n"
    "                      and losers, budget (or BASE.h5 REFORM.h5 --spec FILE)\n"
    "  models [NAME]       list the models, or one model's parameters (--metrics:\n"
    "                      its metrics)\n"
    "  inequality FILE     Gini, Theil, Palma, shares and poverty of any income table\n"
    "  version             print the version and git commit\n"
    "\n"
    "`cpsim COMMAND --help` shows a command's options.\n"
    "exit codes: 0 ok, 1 internal error, 2 bad input (scenario, override, usage,\n"
    "            a size that cannot fit in memory), 3 file or resource error (exists,\n"
    "            unreadable, disk full, out of memory), 4 simulation error\n"
    "            (undeclared NaN, overflow), 130 interrupted (output kept, marked\n"
    "            incomplete)\n";

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run_cli(args, out, err, serial_communicator());
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            Communicator& world) {
  std::ostream discard(nullptr);
  std::ostream& say = world.is_root() ? err : discard;  // errors every rank shares
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? say : out) << usage_text;
    return args.empty() ? exit_bad_input : exit_ok;
  }
  if (args[0] == "--version" || args[0] == "version") {
    out << "cpsim " << version() << " (" << git_commit() << ")\n";
    return exit_ok;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "run") return command_run(rest, out, say, world);
    if (command == "study") return command_study(rest, out, say, world);
    if (command == "calibrate") return command_calibrate(rest, out, say, world);
    if (command == "validate") return command_validate(rest, out, say);
    if (command == "info") return command_info(rest, out, say);
    if (command == "models") return command_models(rest, out, say);
    if (command == "compare") return command_compare(rest, out, say);
    if (command == "inequality") return command_inequality(rest, out, say);
    say << "cpsim: unknown command '" << command << "' (try cpsim --help)\n";
    return exit_bad_input;
  } catch (const AgreedError& e) {
    say << e.report().line << '\n';
    return e.report().exit_code;
  } catch (...) {
    const ErrorReport report = describe_error(std::current_exception(), command);
    // validate, info and models hold no collectives: every rank fails alike.
    if (world.size() == 1 || (command != "run" && command != "study" && command != "calibrate")) {
      say << report.line << '\n';
      return report.exit_code;
    }
    // Seen by this rank alone, mid-run: the others may wait in a collective
    // forever, so the world is aborted. A rank other than 0 waits a moment
    // first, so an error that every rank hit is printed once, by rank 0.
    if (!world.is_root()) std::this_thread::sleep_for(std::chrono::seconds(1));
    err << report.line << std::endl;
    world.abort(report.exit_code);
  }
}

}  // namespace cpsim::app

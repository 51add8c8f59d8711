#include "commands.hpp"

#include <unistd.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "calibration_info.hpp"
#include "console.hpp"
#include "cpsim/engine/checkpoint.hpp"
#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/simulation.hpp"
#include "cpsim/engine/study_output.hpp"
#include "exit_code.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "rank_errors.hpp"
#include "registry.hpp"
#include "runner.hpp"
#include "stop_signal.hpp"
#include "study_command.hpp"
#include "study_parts.hpp"
#include "validate_study.hpp"

namespace cpsim::app {
namespace po = boost::program_options;

namespace {

std::string format_default(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          std::ostringstream s;
          s << v;
          return s.str();
        } else {
          std::ostringstream s;
          s << '[';
          for (std::size_t i = 0; i < v.size(); ++i) s << (i > 0 ? ", " : "") << v[i];
          s << ']';
          return s.str();
        }
      },
      value);
}

std::vector<Override> collect_overrides(const po::variables_map& vm) {
  std::vector<Override> overrides;
  if (vm.count("set") != 0U) {
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) {
      overrides.push_back(parse_override(text));
    }
  }
  // --seed and --steps are shorthands for --set, validated the same way.
  if (vm.count("seed") != 0U) overrides.push_back({"seed", vm["seed"].as<std::string>()});
  if (vm.count("steps") != 0U) overrides.push_back({"steps", vm["steps"].as<std::string>()});
  return overrides;
}

void add_scenario_options(po::options_description& options, bool required = true) {
  auto* scenario = po::value<std::string>();
  if (required) scenario->required();
  options.add_options()("scenario", scenario, "scenario YAML file")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a scenario value: --set key.path=value (repeatable)")(
      "seed", po::value<std::string>(), "random seed (same as --set seed=S)")(
      "steps", po::value<std::string>(), "number of steps (same as --set steps=T)");
}

/// --checkpoint, or OUT.ckpt.h5 beside the output (NAME.ckpt.h5 without one).
std::filesystem::path checkpoint_option(const po::variables_map& vm,
                                        const std::filesystem::path& output,
                                        const std::string& name) {
  if (vm.count("checkpoint") != 0U) {
    const std::string& value = vm["checkpoint"].as<std::string>();
    if (value.empty()) throw po::error("--checkpoint: expected a file name, found an empty string");
    return value;
  }
  if (output.empty()) return name + ".ckpt.h5";
  std::filesystem::path path = output;
  if (path.extension() == ".h5") path.replace_extension();
  return path.string() + ".ckpt.h5";
}

}  // namespace

int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                Communicator& world) {
  po::options_description options("cpsim run options");
  add_scenario_options(options, false);  // a checkpoint names its own
  options.add_options()("output,o", po::value<std::string>(),
                        "output HDF5 file (default: SCENARIO-NAME.h5 in the current folder)")(
      "threads,t", po::value<int>()->default_value(0),
      "worker threads (0: all cores; at most 4 per hardware thread)")(
      "force,f", "overwrite an existing output file")("quiet,q", "print nothing but errors")(
      "no-output", "run without writing a file")("profile",
                                                 "print the wall time spent in each phase");
  options.add_options()("format", po::value<std::string>(), format_option_help);
  options.add_options()("checkpoint-every", po::value<std::int64_t>(),
                        "write a checkpoint after every N steps (docs/checkpoint.md)")(
      "checkpoint", po::value<std::string>(),
      "the checkpoint file (default: OUT.ckpt.h5 beside the output, or NAME.ckpt.h5)")(
      "restart", po::value<std::string>(),
      "go on from this checkpoint (same cpsim; SCENARIO, if given, must be its scenario)");
  po::variables_map vm;
  bool help_shown = false;
  OutputFormat format = OutputFormat::Text;
  int threads = 0;
  RunRequest request;
  // Parsing and loading go the same way on every rank; agreed, so a bad
  // scenario under mpirun prints one line and every rank exits.
  agree_on_errors(world, [&] {
    help_shown = !parse(args, options, "scenario", vm, out,
                        "usage: cpsim run SCENARIO [-o out.h5] [--threads N] [--seed S] "
                        "[--steps T] [--set key=value]... [--force] [--quiet] "
                        "[--format text|json] [--checkpoint-every N [--checkpoint PATH]]\n"
                        "       cpsim run --restart CHECKPOINT.h5 [SCENARIO] [-o out.h5] "
                        "[--threads N] [...]");
    if (help_shown) return;
    format = output_format(vm);
    threads = thread_option(vm, "threads");
    set_phase("reading the scenario");
    const ModelRegistry registry = make_registry();
    if (vm.count("restart") != 0U) request.restart = vm["restart"].as<std::string>();
    if (vm.count("scenario") != 0U) {
      request.scenario =
          load_scenario(vm["scenario"].as<std::string>(), collect_overrides(vm), registry);
    } else if (!request.restart.empty()) {
      // The checkpoint's own scenario, resolved as it was (relative data
      // files from the folder the run started in).
      if (!collect_overrides(vm).empty()) {
        throw po::error(
            "--set, --seed and --steps need the SCENARIO the checkpoint was written by");
      }
      const CheckpointHeader header = read_checkpoint_header(request.restart);
      request.scenario =
          load_scenario_text(header.scenario_yaml, header.scenario_file, {}, registry);
    } else {
      throw po::error("the option '--scenario' is required but missing");
    }
    if (vm.count("no-output") == 0U) {
      // The scenario's name has no '/' (the loader refuses one), so the
      // default file lands in the working folder.
      request.output = output_option(vm, request.scenario.name + ".h5");
    }
    if (vm.count("checkpoint-every") != 0U) {
      request.checkpoint_every = vm["checkpoint-every"].as<std::int64_t>();
      if (request.checkpoint_every < 1 || request.checkpoint_every > kMaxSteps) {
        throw po::error("--checkpoint-every: expected 1 to " + std::to_string(kMaxSteps) +
                        " steps, found " + std::to_string(request.checkpoint_every));
      }
      request.checkpoint = checkpoint_option(vm, request.output, request.scenario.name);
    } else if (vm.count("checkpoint") != 0U) {
      throw po::error("--checkpoint needs --checkpoint-every N");
    }
  });
  if (help_shown) return exit_ok;
  request.threads = threads;
  request.overwrite = vm.count("force") != 0U;
  request.command_line = join_command_line("run", args);
  request.communicator = &world;
  const bool quiet = vm.count("quiet") != 0U;
  // Not under mpirun: it gives every rank a pseudo-terminal, even when its
  // own output goes to a file. JSON keeps stdout to itself.
  const bool json = format == OutputFormat::Json;
  ProgressBar progress(
      json ? err : out, request.scenario.steps,
      !quiet && world.size() == 1 && ::isatty(json ? STDERR_FILENO : STDOUT_FILENO) != 0);
  request.on_progress = [&progress](std::int64_t done, std::int64_t) { progress.update(done); };
  const StopSignal stop_signal;
  request.should_stop = [] { return StopSignal::requested(); };

  // An explicit --threads above the core count is honoured (oneTBB would
  // otherwise cap it), so a run can be checked at 4 threads on 2 cores.
  const oneapi::tbb::global_control allow_threads(
      oneapi::tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(std::max(threads, oneapi::tbb::info::default_concurrency())));
  progress.setup();  // building the model (households, firms) until step 0 is measured
  const RunResult result = execute_run(request);
  progress.finish();
  if (!quiet && json) {
    out << run_summary_json(request, result, world.size(), vm.count("profile") != 0U);
  } else if (!quiet) {
    out << "scenario " << request.scenario.name << " (model " << request.scenario.model << ", seed "
        << request.scenario.seed << "): " << result.steps_completed << " of "
        << request.scenario.steps << " steps in " << std::fixed << std::setprecision(2)
        << result.wall_seconds << " s"
        << (world.size() > 1 ? " on " + std::to_string(world.size()) + " MPI ranks" : "") << '\n';
    if (result.restarted_at >= 0) {
      out << "restarted from " << request.restart.string() << " after step " << result.restarted_at
          << '\n';
    }
    if (result.checkpoints > 0) {
      out << "wrote " << result.checkpoints << " checkpoint" << (result.checkpoints > 1 ? "s" : "")
          << " to " << request.checkpoint.string() << '\n';
    }
    ResultTable summary{"summary",
                        "metrics at the first step where each is defined (step 0, or step 1 for "
                        "one with no value in the initial state) and at the last step",
                        {}};
    summary.columns.push_back({"metric", "", result.metric_names});
    summary.columns.push_back({"unit", "", result.metric_units});
    summary.columns.push_back({"first", "", result.first_values});
    summary.columns.push_back(
        {"step " + std::to_string(result.steps_completed), "", result.last_values});
    print_table(out, summary);
    for (const auto& table : result.tables) print_table(out, table);
    if (vm.count("profile") != 0U) print_table(out, result.phase_times);
    if (!request.output.empty()) out << "\nwrote " << request.output.string() << '\n';
  }
  if (!result.complete) {
    err << "cpsim run: interrupted after step " << result.steps_completed
        << (request.output.empty() ? "" : "; " + request.output.string() + " is marked incomplete")
        << '\n';
    return exit_interrupted;
  }
  return exit_ok;
}

int command_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  po::options_description options("cpsim validate options");
  add_scenario_options(options);
  options.add_options()("quiet,q", "print nothing when the scenario is valid");
  po::variables_map vm;
  if (!parse(args, options, "scenario", vm, out,
             "usage: cpsim validate SCENARIO [--set key=value]...\n"
             "       cpsim validate STUDY.yaml | CALIBRATION.yaml\n"
             "Checks the scenario and prints it fully resolved (extends, overrides, defaults);\n"
             "checks a study without running it and prints its run count, memory and time.")) {
    return exit_ok;
  }
  if (is_calibration_yaml(vm["scenario"].as<std::string>())) {
    if (vm.count("set") != 0U || vm.count("seed") != 0U || vm.count("steps") != 0U) {
      throw po::error("--set, --seed and --steps are for a scenario; a calibration sets its own");
    }
    validate_calibration(vm["scenario"].as<std::string>(), out, vm.count("quiet") != 0U);
    return exit_ok;
  }
  if (is_study_yaml(vm["scenario"].as<std::string>())) {
    if (vm.count("set") != 0U || vm.count("seed") != 0U || vm.count("steps") != 0U) {
      throw po::error("--set, --seed and --steps are for a scenario; a study sets its own");
    }
    validate_study(vm["scenario"].as<std::string>(), out, vm.count("quiet") != 0U);
    return exit_ok;
  }
  const ModelRegistry registry = make_registry();
  const Scenario scenario =
      load_scenario(vm["scenario"].as<std::string>(), collect_overrides(vm), registry);
  check_memory(*registry.find(scenario.model), scenario.parameters, available_memory_bytes());
  if (vm.count("quiet") == 0U) {
    out << "# " << scenario.file.string() << ": valid\n" << scenario.resolved_yaml << '\n';
  }
  return exit_ok;
}

int command_info(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description options("cpsim info options");
  options.add_options()("file", po::value<std::string>()->required(), "cpsim output file (.h5)")(
      "scenario", "print the resolved scenario stored in the file (YAML)");
  options.add_options()("format", po::value<std::string>(), format_option_help);
  po::variables_map vm;
  if (!parse(args, options, "file", vm, out,
             "usage: cpsim info FILE.h5 [--scenario | --format text|json]")) {
    return exit_ok;
  }
  const OutputFormat format = output_format(vm);
  if (format == OutputFormat::Json && vm.count("scenario") != 0U) {
    throw po::error("--scenario prints YAML; leave out --format json");
  }
  const std::string file = vm["file"].as<std::string>();
  if (is_calibration_file(file)) {
    if (format == OutputFormat::Json) throw po::error("--format json: not for a calibration file");
    print_calibration_info(out, file);
    return exit_ok;
  }
  if (is_study_file(file)) {
    if (format == OutputFormat::Json) {
      out << study_file_json(file, read_study_summary(file));
    } else {
      print_study_info(out, file, vm.count("scenario") != 0U);
    }
    return exit_ok;
  }
  if (is_study_part(file)) {
    if (format == OutputFormat::Json)
      throw po::error("a study part has text only; leave out --format");
    print_study_part_info(out, file);
    return exit_ok;
  }
  if (is_checkpoint(file)) {
    if (format == OutputFormat::Json)
      throw po::error("a checkpoint has text only; leave out --format");
    const CheckpointHeader header = read_checkpoint_header(file);
    out << file << ": checkpoint of scenario " << header.scenario_name << " (model " << header.model
        << ", " << header.scenario_file << ") after step " << header.step << ", cpsim "
        << header.cpsim_version << (header.has_history ? "" : ", its run wrote no file")
        << "\ngo on with: cpsim run --restart " << file
        << (header.has_history ? " -o OUT.h5" : " --no-output") << '\n';
    return exit_ok;
  }
  const FileSummary summary = read_summary(file);
  // On stderr, so that stdout stays one document (or the scenario's YAML).
  for (const std::string& warning : summary.warnings) {
    err << "cpsim info: warning: " << file << ": " << warning << '\n';
  }
  if (format == OutputFormat::Json) {
    out << run_file_json(file, summary);
    return exit_ok;
  }
  if (vm.count("scenario") != 0U) {
    for (const FileAttribute& attribute : summary.attributes) {
      if (attribute.name == "scenario_yaml") out << attribute.text << '\n';
    }
    return exit_ok;
  }
  const char* state = summary.complete  ? "complete"
                      : summary.partial ? "UNFINISHED (a .partial file: the run never finished "
                                          "writing it, whatever its attributes say)"
                                        : "INCOMPLETE (the run was stopped early)";
  out << file << ": " << state << ", " << summary.rows << " rows of metrics\n\nprovenance:\n";
  for (const FileAttribute& attribute : summary.attributes) {
    if (attribute.name == "scenario_yaml") continue;
    out << "  " << std::left << std::setw(18) << attribute.name << attribute.text << '\n';
  }
  ResultTable metrics{"metrics", "over all recorded steps", {}};
  std::vector<std::string> names, units;
  std::vector<double> first, last, min, max, mean;
  // Scalars, then each element of a metric over dimensions (policy_spending
  // by instance) up to kElementRows elements; larger arrays get one line.
  constexpr std::size_t kElementRows = 32;
  auto add = [&](const std::string& name, const std::string& unit, const auto& s) {
    names.push_back(name);
    units.push_back(unit);
    first.push_back(s.first);
    last.push_back(s.last);
    min.push_back(s.min);
    max.push_back(s.max);
    mean.push_back(s.mean);
  };
  for (const auto& m : summary.metrics) {
    if (m.dimensions.empty()) add(m.name, m.unit, m);
  }
  for (const auto& m : summary.metrics) {
    if (m.dimensions.empty() || m.elements.size() > kElementRows) continue;
    for (const auto& element : m.elements) add(m.name + "[" + element.label + "]", m.unit, element);
  }
  metrics.columns = {{"metric", "", names}, {"unit", "", units}, {"first", "", first},
                     {"last", "", last},    {"min", "", min},    {"max", "", max},
                     {"mean", "", mean}};
  print_table(out, metrics);
  for (const auto& m : summary.metrics) {
    if (m.dimensions.empty() || m.elements.size() <= kElementRows) continue;
    std::string dims;
    for (const auto& d : m.dimensions) dims += (dims.empty() ? "" : " x ") + d;
    out << "  " << m.name << " (" << dims << "; each in --format json): " << m.size
        << " values per step\n";
  }
  if (!summary.snapshot_groups.empty()) {
    out << "\nsnapshots: " << summary.snapshot_groups.size() << " (first "
        << summary.snapshot_groups.front() << ")\n";
  }
  for (const auto& t : summary.tables) out << "table: /tables/" << t << '\n';
  return exit_ok;
}

void print_schema(std::ostream& out, const ParamSchema& schema, const std::string& indent) {
  for (const ParamSpec& spec : schema.specs()) {
    out << indent << spec.path << " = " << format_default(spec.default_value);
    if (!spec.unit.empty()) out << " [" << spec.unit << "]";
    if (spec.min || spec.max) {
      out << "  range " << (spec.min ? format_default(*spec.min) : "-inf")
          << (spec.min_exclusive ? " (excluded)" : "") << " .. "
          << (spec.max ? format_default(*spec.max) : "inf");
    }
    if (!spec.choices.empty()) {
      out << "  one of:";
      for (const auto& c : spec.choices) out << ' ' << c;
    }
    out << "\n" << indent << "    " << spec.description << '\n';
  }
}

/// The metrics a model declares: built with its schema's defaults and one
/// instance of every policy module (so that per-instance metrics appear),
/// or without policies if that build is refused.
MetricSet declared_metrics(const ModelInfo& model) {
  Parameters parameters;
  for (const ParamSpec& spec : model.schema.specs()) {
    parameters.set(spec.path, spec.default_value);
  }
  Parameters with_policies = parameters;
  for (const PolicyModuleInfo& module : model.policies) {
    PolicyInstance instance;
    instance.name = module.name;
    instance.module = module.name;
    for (const ParamSpec& spec : module.schema.specs()) {
      instance.parameters.set(spec.path, spec.default_value);
    }
    with_policies.add_policy(std::move(instance));
  }
  try {
    Simulation simulation(1, 1);
    simulation.build(model.create(), with_policies);
    return simulation.metrics();
  } catch (const ScenarioError&) {
    Simulation simulation(1, 1);
    simulation.build(model.create(), parameters);
    return simulation.metrics();
  }
}

void print_metrics(std::ostream& out, const ModelInfo& model, OutputFormat format) {
  const MetricSet metrics = declared_metrics(model);
  if (format == OutputFormat::Json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const MetricSpec& spec : metrics.specs()) {
      nlohmann::ordered_json dims = nlohmann::ordered_json::array();
      for (const std::size_t d : spec.dimensions) {
        dims.push_back(
            {{"name", metrics.dimensions()[d].name}, {"labels", metrics.dimensions()[d].labels}});
      }
      list.push_back({{"name", spec.name},
                      {"unit", spec.unit},
                      {"type", spec.type == MetricType::Real ? "real" : "integer"},
                      {"dimensions", dims},
                      {"description", spec.description},
                      {"undefined", undefined_note(spec)}});
    }
    out << nlohmann::ordered_json{{"model", model.name}, {"metrics", list}}.dump(2) << '\n';
    return;
  }
  std::vector<std::string> names, units, dims, descriptions;
  for (const MetricSpec& spec : metrics.specs()) {
    names.push_back(spec.name);
    units.push_back(spec.unit);
    std::string text;
    for (const std::size_t d : spec.dimensions) {
      const Dimension& dimension = metrics.dimensions()[d];
      text += (text.empty() ? "" : " x ") + dimension.name + "(" +
              std::to_string(dimension.labels.size()) + ")";
    }
    dims.push_back(text);
    descriptions.push_back(spec.description);
  }
  ResultTable table{model.name + " metrics",
                    model.policies.empty()
                        ? "recorded every step (dimensions as built with the default parameters)"
                        : "recorded every step (dimensions as built with the default parameters "
                          "and one instance of each policy module)",
                    {{"metric", "", names},
                     {"unit", "", units},
                     {"dimensions", "", dims},
                     {"description", "", descriptions}}};
  print_table(out, table);
}

int command_models(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description options("cpsim models options");
  options.add_options()("name", po::value<std::string>(), "a model's name")(
      "metrics", "list the model's metrics (unit, dimensions, description) instead")(
      "format", po::value<std::string>(), format_option_help);
  po::variables_map vm;
  if (!parse(args, options, "name", vm, out,
             "usage: cpsim models [NAME [--metrics] [--format text|json]]")) {
    return exit_ok;
  }
  const OutputFormat format = output_format(vm);
  const ModelRegistry registry = make_registry();
  if (vm.count("name") == 0U) {
    if (vm.count("metrics") != 0U || format == OutputFormat::Json) {
      throw po::error("--metrics and --format need a model's name");
    }
    for (const auto& model : registry.models()) {
      out << "  " << std::left << std::setw(20) << model.name << model.summary << '\n';
    }
    return exit_ok;
  }
  const std::string name = vm["name"].as<std::string>();
  const ModelInfo* model = registry.find(name);
  if (model == nullptr) {
    const auto names = registry.names();
    const std::string hint = did_you_mean(name, names);
    err << "cpsim models: unknown model '" << name << "'"
        << (hint.empty() ? "" : " (did you mean '" + hint + "'?)") << '\n';
    return exit_bad_input;
  }
  if (vm.count("metrics") != 0U) {
    print_metrics(out, *model, format);
    return exit_ok;
  }
  if (format == OutputFormat::Json) throw po::error("--format json goes with --metrics");
  out << model->name << ": " << model->summary << "\n\nparameters:\n";
  print_schema(out, model->schema, "  ");
  if (!model->policies.empty()) {
    out << "\npolicy modules (scenario key `policies:`; each instance also takes type, enabled, "
           "start, end):\n";
  }
  for (const PolicyModuleInfo& policy : model->policies) {
    out << "\n  " << policy.name << "  [" << policy.category << "]\n      " << policy.summary
        << '\n';
    print_schema(out, policy.schema, "    ");
  }
  return exit_ok;
}

}  // namespace cpsim::app

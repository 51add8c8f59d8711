#include "calibrate_command.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "console.hpp"
#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/calibration_estimate.hpp"
#include "cpsim/engine/calibration_output.hpp"
#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/result_table.hpp"
#include "exit_code.hpp"
#include "options.hpp"
#include "rank_errors.hpp"
#include "registry.hpp"
#include "stop_signal.hpp"
#include "study_runner.hpp"

namespace cpsim::app {
namespace po = boost::program_options;
namespace {}  // namespace

MomentSamples evaluate_calibration(const Calibration& calibration, std::span<const double> x,
                                   EvaluationSettings& settings) {
  Communicator& world = settings.world != nullptr ? *settings.world : serial_communicator();
  StudyRequest request;
  Study& study = request.study;
  study.file = calibration.file;
  study.name = calibration.name;
  study.seed = calibration.seed;
  study.replicates = calibration.seed_count;
  study.confidence = calibration.confidence;
  study.steps_per_year = calibration.steps_per_year;
  study.scale = calibration.scale;
  agree_on_errors(
      world,
      [&] {
        study.variants.push_back({calibration.name, calibration.name, calibration.overrides(x),
                                  calibration.make_scenario(x)});
      },
      "calibrate");
  request.communicator = &world;
  request.threads = settings.threads;
  request.jobs = settings.jobs;
  request.should_stop = [] { return StopSignal::requested(); };
  const StudyOutcome outcome = execute_study(request);
  if (!outcome.complete) throw CalibrationStopped{};
  settings.jobs_used = outcome.jobs;

  const auto seeds = static_cast<std::size_t>(calibration.seed_count);
  MomentSamples samples{seeds, std::vector<double>(calibration.moments.size() * seeds, 0.0)};
  agree_on_errors(
      world,
      [&] {
        if (!world.is_root()) return;
        for (std::size_t r = 0; r < seeds; ++r) {
          const std::vector<double> values =
              compute_moments(calibration, outcome.results.metrics, outcome.results.runs[r]);
          for (std::size_t k = 0; k < values.size(); ++k) samples.values[k * seeds + r] = values[k];
        }
      },
      "calibrate");
  if (world.size() > 1) {
    std::vector<std::byte> bytes(samples.values.size() * sizeof(double));
    if (world.is_root()) std::memcpy(bytes.data(), samples.values.data(), bytes.size());
    world.broadcast(bytes, 0);
    std::memcpy(samples.values.data(), bytes.data(), bytes.size());
  }
  return samples;
}

namespace {

std::string interval_text(const MomentFit& fit) {
  std::string text(1, '[');  // not "[" + ...: GCC 12 warns falsely (-Wrestrict)
  text += format_number(fit.lower);
  text += ", ";
  text += format_number(fit.upper);
  text += ']';
  return text;
}

void print_result(std::ostream& out, const Calibration& calibration,
                  const CalibrationResult& result) {
  ResultTable parameters{"parameters", "estimate with its standard error", {}};
  std::vector<std::string> names;
  std::vector<double> estimate, se, lower, upper, start;
  for (std::size_t i = 0; i < calibration.parameters.size(); ++i) {
    const CalibrationParameter& p = calibration.parameters[i];
    names.push_back(p.path);
    estimate.push_back(result.estimate[i]);
    se.push_back(result.standard_error[i]);
    lower.push_back(p.lower);
    upper.push_back(p.upper);
    start.push_back(p.start);
  }
  parameters.columns = {{"parameter", "", names},   {"estimate", "", estimate},
                        {"standard error", "", se}, {"lower", "", lower},
                        {"upper", "", upper},       {"start", "", start}};
  print_table(out, parameters);
  std::ostringstream level_text;
  level_text << std::defaultfloat << std::setprecision(4) << calibration.confidence * 100 << '%';
  const std::string level = level_text.str();
  ResultTable moments{"moments",
                      "target against the mean over " + std::to_string(calibration.seed_count) +
                          " seeds at the estimate (" + level + " interval of the mean)",
                      {}};
  std::vector<std::string> moment_names, intervals, windows;
  std::vector<double> target, target_se, mean, contribution;
  for (std::size_t k = 0; k < calibration.moments.size(); ++k) {
    const CalibrationMoment& m = calibration.moments[k];
    moment_names.push_back(m.name);
    windows.push_back(m.window);
    target.push_back(m.target);
    target_se.push_back(m.standard_error);
    mean.push_back(result.fit[k].mean);
    intervals.push_back(interval_text(result.fit[k]));
    const double gap = result.fit[k].mean - m.target;
    contribution.push_back(m.weight * gap * gap);
  }
  moments.columns = {{"moment", "", moment_names},
                     {"window", "", windows},
                     {"target", "", target},
                     {"se", "", target_se},
                     {"simulated", "", mean},
                     {level + " interval", "", intervals},
                     {"objective part", "", contribution}};
  print_table(out, moments);
}

std::string result_json(const Calibration& calibration, const CalibrationResult& result,
                        const std::filesystem::path& output) {
  using Json = nlohmann::ordered_json;
  Json json = {{"calibration", calibration.name},
               {"model", calibration.model},
               {"scenario", calibration.scenario_file},
               {"method", calibration.method.local.empty()
                              ? calibration.method.algorithm
                              : calibration.method.algorithm + " then " + calibration.method.local},
               {"objective", result.objective},
               {"evaluations", result.evaluations},
               {"sensitivity_evaluations", result.sensitivity_evaluations},
               {"seeds", calibration.seed_count},
               {"converged", result.converged},
               {"stop_reason", result.stop_reason}};
  Json parameters = Json::array();
  for (std::size_t i = 0; i < calibration.parameters.size(); ++i) {
    const CalibrationParameter& p = calibration.parameters[i];
    const double se = result.standard_error[i];
    parameters.push_back({{"name", p.path},
                          {"estimate", result.estimate[i]},
                          {"standard_error", std::isfinite(se) ? Json(se) : Json(nullptr)},
                          {"lower", p.lower},
                          {"upper", p.upper},
                          {"start", p.start}});
  }
  json["parameters"] = std::move(parameters);
  Json moments = Json::array();
  for (std::size_t k = 0; k < calibration.moments.size(); ++k) {
    const CalibrationMoment& m = calibration.moments[k];
    moments.push_back({{"name", m.name},
                       {"metric", m.metric},
                       {"window", m.window},
                       {"target", m.target},
                       {"standard_error", m.standard_error},
                       {"simulated_mean", result.fit[k].mean},
                       {"simulated_lower", result.fit[k].lower},
                       {"simulated_upper", result.fit[k].upper},
                       {"source", m.source}});
  }
  json["moments"] = std::move(moments);
  json["output"] = output.string();
  return json.dump(2) + '\n';
}

}  // namespace

int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      Communicator& world) {
  po::options_description options("cpsim calibrate options");
  options.add_options()("calibration", po::value<std::string>()->required(),
                        "calibration YAML file")(
      "output,o", po::value<std::string>(),
      "output HDF5 file (default: NAME.h5 in the current folder)")(
      "threads,t", po::value<int>()->default_value(0),
      "worker threads (0: all cores; at most 4 per hardware thread)")(
      "jobs,j", po::value<int>()->default_value(0),
      "runs at once (0: as many as threads and memory allow; at most 4 per hardware thread)")(
      "force,f", "overwrite an existing output file")("quiet,q", "print nothing but errors");
  options.add_options()("format", po::value<std::string>(), format_option_help);
  po::variables_map vm;
  bool help_shown = false;
  OutputFormat format = OutputFormat::Text;
  EvaluationSettings settings;
  settings.world = &world;
  agree_on_errors(
      world,
      [&] {
        help_shown =
            !parse(args, options, "calibration", vm, out,
                   "usage: cpsim calibrate CALIBRATION.yaml [-o calib.h5] [--jobs J] [--threads N] "
                   "[--force] [--quiet] [--format text|json]\n"
                   "Estimates a scenario's parameters by the simulated method of moments (NLopt) "
                   "and writes the estimate, the moment fit, the sensitivity matrix and the "
                   "covariance (docs/calibration.md). Under mpirun each evaluation's seeds are "
                   "dealt to the ranks.");
        if (help_shown) return;
        format = output_format(vm);
        settings.threads = thread_option(vm, "threads");
        settings.jobs = thread_option(vm, "jobs");
      },
      "calibrate");
  if (help_shown) return exit_ok;
  const ModelRegistry registry = make_registry();
  Calibration calibration;
  std::filesystem::path output;
  const bool overwrite = vm.count("force") != 0U;
  agree_on_errors(
      world,
      [&] {
        set_phase("reading the calibration");
        calibration = load_calibration(vm["calibration"].as<std::string>(), registry);
        output = output_option(vm, calibration.name + ".h5");
        if (world.is_root()) check_calibration_destination(output, overwrite);
      },
      "calibrate");
  const bool quiet = vm.count("quiet") != 0U;
  const bool text = format == OutputFormat::Text && !quiet;
  const StopSignal stop_signal;
  const oneapi::tbb::global_control allow_threads(
      oneapi::tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(
          std::max(settings.threads, oneapi::tbb::info::default_concurrency())));
  const auto start = std::chrono::steady_clock::now();
  if (text) {
    out << "calibrate " << calibration.name << " (model " << calibration.model << ", "
        << calibration.parameters.size() << " parameters, " << calibration.moments.size()
        << " moments, " << calibration.seed_count << " seeds per evaluation)\n";
  }
  CalibrationResult result;
  std::int64_t evaluations = 0;  // of the search, for the interrupted message
  try {
    set_phase("calibrating");
    result = calibrate(
        calibration,
        [&](std::span<const double> x) { return evaluate_calibration(calibration, x, settings); },
        [&](std::int64_t evaluation, double objective, std::span<const double> x) {
          evaluations = evaluation;
          if (!text) return;
          out << "  evaluation " << evaluation << ": objective " << format_number(objective);
          for (std::size_t i = 0; i < x.size(); ++i) {
            out << (i == 0 ? " at " : ", ") << calibration.parameters[i].path << "="
                << format_number(x[i]);
          }
          out << '\n' << std::flush;
        });
  } catch (const CalibrationStopped&) {
    err << "cpsim calibrate: interrupted after " << evaluations
        << " evaluations; no file written\n";
    return exit_interrupted;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int threads =
      settings.threads == 0 ? oneapi::tbb::info::default_concurrency() : settings.threads;
  set_phase("writing the calibration file");
  agree_on_errors(
      world,
      [&] {
        if (!world.is_root()) return;
        write_calibration_file(output, calibration, result,
                               {join_command_line("calibrate", args), threads, settings.jobs_used,
                                seconds, world.size()},
                               overwrite);
      },
      "calibrate");
  if (format == OutputFormat::Json && !quiet) {
    out << result_json(calibration, result, output);
  } else if (text) {
    const double total = static_cast<double>(result.evaluations + result.sensitivity_evaluations);
    out << "\n"
        << result.evaluations << " evaluations of the search ("
        << (result.converged ? "converged: " : "not converged: ") << result.stop_reason << ") and "
        << result.sensitivity_evaluations << " for the sensitivity in " << std::fixed
        << std::setprecision(1) << seconds << " s (" << std::setprecision(1)
        << total * 60 / std::max(seconds, 1e-9) << " evaluations per minute, " << threads
        << " threads, " << settings.jobs_used << " runs at once)\n"
        << std::defaultfloat << "objective " << format_number(result.objective) << '\n';
    print_result(out, calibration, result);
    out << "\nwrote " << output.string() << '\n';
  }
  return exit_ok;
}

}  // namespace cpsim::app

#include "study_command.hpp"

#include <unistd.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <ostream>

#include "console.hpp"
#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_output.hpp"
#include "exit_code.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "rank_errors.hpp"
#include "registry.hpp"
#include "stop_signal.hpp"
#include "study_parts.hpp"
#include "study_runner.hpp"

namespace cpsim::app {
namespace po = boost::program_options;
namespace {

std::string interval(const DifferenceSummary& summary) {
  std::string text(1, '[');
  text += format_number(summary.ci_low);
  text += ", ";
  text += format_number(summary.ci_high);
  text += ']';
  return text;
}

std::string level_text(double confidence) {
  std::ostringstream text;
  text << std::defaultfloat << std::setprecision(4) << confidence * 100 << "%";
  return text.str();
}

/// One table: per contrast and metric, the final step (and the window).
void print_contrast_summary(std::ostream& out, const std::vector<ContrastSummaryRow>& rows,
                            double confidence, std::int64_t final_step, std::int64_t window,
                            std::int64_t replicates) {
  if (rows.empty()) return;
  const std::string level = level_text(confidence);
  ResultTable table{"contrasts",
                    "reform - baseline, mean over " + std::to_string(replicates) +
                        " paired replicates with its two-sided " + level + " Student-t interval",
                    {}};
  std::vector<std::string> contrast, metric, unit, difference, ci, window_difference, window_ci;
  std::vector<double> baseline, reform;
  for (const ContrastSummaryRow& row : rows) {
    contrast.push_back(row.contrast);
    metric.push_back(row.metric);
    unit.push_back(row.unit);
    baseline.push_back(row.baseline_mean);
    reform.push_back(row.reform_mean);
    difference.push_back(format_number(row.final_step.mean));
    ci.push_back(interval(row.final_step));
    if (row.window) {
      window_difference.push_back(format_number(row.window->mean));
      window_ci.push_back(interval(*row.window));
    }
  }
  const std::string at = "step " + std::to_string(final_step);
  table.columns = {{"contrast", "", contrast},   {"metric", "", metric},
                   {"unit", "", unit},           {"baseline " + at, "", baseline},
                   {"reform " + at, "", reform}, {"difference " + at, "", difference},
                   {level + " CI", "", ci}};
  if (window > 0 && window_difference.size() == rows.size()) {
    const std::string last = "last " + std::to_string(window) + " steps";
    table.columns.push_back({"difference " + last, "", window_difference});
    table.columns.push_back({level + " CI " + last, "", window_ci});
  }
  print_table(out, table);
}

/// The lines `cpsim study` prints after a whole study (or a merge).
void print_study_outcome(std::ostream& out, const StudyRequest& request,
                         const StudyOutcome& outcome) {
  const Study& study = request.study;
  const auto runs = static_cast<std::int64_t>(study.variants.size()) * study.replicates;
  out << "study " << study.name << " (model " << study.variants.front().scenario.model << ", seed "
      << study.seed << "): " << study.variants.size() << " scenarios x " << study.replicates
      << " replicates = " << runs << " runs of " << outcome.results.rows - 1 << " steps in "
      << std::fixed << std::setprecision(2) << outcome.wall_seconds << " s (" << outcome.threads
      << " threads, " << outcome.jobs << " runs at once"
      << (outcome.ranks > 1 ? " on each of " + std::to_string(outcome.ranks) + " MPI ranks" : "")
      << ")\n"
      << std::defaultfloat;
  print_contrast_summary(out, outcome.summary, study.confidence, outcome.results.rows - 1,
                         std::min(study.summary_window, outcome.results.rows - 1),
                         study.replicates);
  if (outcome.results.sensitivity) {
    for (const ResultTable& table :
         sensitivity_tables(*study.sensitivity, *outcome.results.sensitivity, study.confidence)) {
      print_table(out, table);
    }
  }
  out << "\nwrote " << request.output.string() << '\n';
}

}  // namespace

int command_study(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  Communicator& world) {
  po::options_description options("cpsim study options");
  options.add_options()("study", po::value<std::string>(), "study YAML file")(
      "output,o", po::value<std::string>(),
      "output HDF5 file (default: STUDY-NAME.h5 in the current folder)")(
      "threads,t", po::value<int>()->default_value(0),
      "worker threads (0: all cores; at most 4 per hardware thread)")(
      "jobs,j", po::value<int>()->default_value(0),
      "runs at once (0: as many as threads and memory allow; at most 4 per hardware thread)")(
      "replicates,r", po::value<std::int64_t>(), "replicates per scenario (overrides the file)")(
      "force,f", "overwrite an existing output file")("quiet,q", "print nothing but errors");
  options.add_options()("format", po::value<std::string>(), format_option_help);
  options.add_options()("part", po::value<std::string>(),
                        "run only part I of N of the runs and write a part file (I/N, from 1)")(
      "merge", po::value<std::vector<std::string>>()->multitoken(),
      "join the part files of every part into the study file");
  po::variables_map vm;
  bool help_shown = false;
  OutputFormat format = OutputFormat::Text;
  int threads = 0;
  int jobs = 0;
  agree_on_errors(
      world,
      [&] {
        help_shown = !parse(args, options, "study", vm, out,
                            "usage: cpsim study STUDY.yaml [-o study.h5] [--threads N] [--jobs J] "
                            "[--replicates R] [--force] [--quiet] [--format text|json]\n"
                            "       cpsim study STUDY.yaml --part I/N [-o part.h5] [options]\n"
                            "       cpsim study [STUDY.yaml] --merge PART.h5... [-o study.h5]\n"
                            "Runs every scenario variant x replicate with common random numbers "
                            "and writes reform - baseline differences with confidence intervals.\n"
                            "Under mpirun the runs are dealt to the ranks (docs/mpi.md).");
        if (help_shown) return;
        format = output_format(vm);
        threads = thread_option(vm, "threads");
        jobs = thread_option(vm, "jobs");
        if (vm.count("merge") != 0U) {
          for (const char* option : {"part", "replicates"}) {
            if (vm.count(option) != 0U) {
              throw po::error(std::string("--") + option +
                              " does not go with --merge (the parts record the study)");
            }
          }
          if (world.size() > 1) throw po::error("--merge runs on one process (leave out mpirun)");
        } else if (vm.count("study") == 0U) {
          throw po::error("the study file is missing");
        }
        if (vm.count("part") != 0U && format == OutputFormat::Json) {
          throw po::error("--format json prints a study's contrasts; a part has none (merge them)");
        }
      },
      "study");
  if (help_shown) return exit_ok;
  const bool quiet = vm.count("quiet") != 0U;
  const bool json = format == OutputFormat::Json;
  if (vm.count("merge") != 0U) {
    MergeRequest merge;
    if (vm.count("study") != 0U) merge.study_file = vm["study"].as<std::string>();
    for (const std::string& part : vm["merge"].as<std::vector<std::string>>()) {
      merge.parts.emplace_back(part);
    }
    if (vm.count("output") != 0U) merge.output = output_option(vm, {});
    merge.overwrite = vm.count("force") != 0U;
    merge.command_line = join_command_line("study", args);
    const MergedStudy merged = merge_study_parts(merge);
    if (!quiet && json) {
      out << study_summary_json(merged.request, merged.outcome);
    } else if (!quiet) {
      out << "merged " << merged.parts << " parts: ";
      print_study_outcome(out, merged.request, merged.outcome);
    }
    return exit_ok;
  }
  std::optional<std::int64_t> replicates;
  std::optional<PartNumber> part;
  if (vm.count("replicates") != 0U) {
    replicates = vm["replicates"].as<std::int64_t>();
    if (*replicates < 1) {
      err << "cpsim study: --replicates: expected >= 1, found " << *replicates << '\n';
      return exit_bad_input;
    }
  }
  const ModelRegistry registry = make_registry();
  StudyRequest request;
  agree_on_errors(
      world,
      [&] {
        set_phase("reading the study");
        request.study = load_study(vm["study"].as<std::string>(), registry, replicates);
        const auto all_runs =
            request.study.variants.size() * static_cast<std::size_t>(request.study.replicates);
        try {
          if (vm.count("part") != 0U) part = parse_part(vm["part"].as<std::string>(), all_runs);
        } catch (const ScenarioError& e) {
          throw po::error(e.what());  // a usage error: "cpsim study: --part: ..."
        }
        // The study's name has no '/' (the loader refuses one): the default
        // file lands in the working folder.
        request.output = output_option(
            vm, request.study.name + (part ? "-part-" + std::to_string(part->index) + "-of-" +
                                                 std::to_string(part->count) + ".h5"
                                           : std::string(".h5")));
      },
      "study");
  request.communicator = &world;
  request.part = part;
  request.threads = threads;
  request.jobs = jobs;
  request.overwrite = vm.count("force") != 0U;
  request.command_line = join_command_line("study", args);
  const auto all_runs =
      static_cast<std::int64_t>(request.study.variants.size()) * request.study.replicates;
  const RunBlock block = part ? part_runs(static_cast<std::size_t>(all_runs), *part)
                              : RunBlock{0, static_cast<std::size_t>(all_runs)};
  const auto runs = static_cast<std::int64_t>(block.size());
  // Not under mpirun: it gives every rank a pseudo-terminal, even when its
  // own output goes to a file. JSON keeps stdout to itself.
  ProgressBar progress(
      json ? err : out, runs,
      !quiet && world.size() == 1 && ::isatty(json ? STDERR_FILENO : STDOUT_FILENO) != 0, "run");
  request.on_progress = [&progress](std::int64_t done, std::int64_t) { progress.update(done); };
  const StopSignal stop_signal;
  request.should_stop = [] { return StopSignal::requested(); };

  // As for cpsim run: an explicit --threads above the core count is honoured.
  const oneapi::tbb::global_control allow_threads(
      oneapi::tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(std::max(threads, oneapi::tbb::info::default_concurrency())));
  const StudyOutcome outcome = execute_study(request);
  progress.finish();
  if (!outcome.complete) {
    err << "cpsim study: interrupted after " << outcome.runs_completed << " of " << runs
        << " runs; no file written\n";
    return exit_interrupted;
  }
  if (part) {
    if (!quiet) {
      out << "study " << request.study.name << " part " << part->index << "/" << part->count
          << ": runs " << block.first << " to " << block.last - 1 << " of " << all_runs << " in "
          << std::fixed << std::setprecision(2) << outcome.wall_seconds << " s\nwrote "
          << request.output.string() << " (join the parts with cpsim study --merge)\n"
          << std::defaultfloat;
    }
  } else if (!quiet && json) {
    out << study_summary_json(request, outcome);
  } else if (!quiet) {
    print_study_outcome(out, request, outcome);
  }
  return exit_ok;
}

void print_study_info(std::ostream& out, const std::filesystem::path& path, bool study_yaml) {
  const StudyFileSummary summary = read_study_summary(path);
  if (study_yaml) {
    for (const FileAttribute& attribute : summary.attributes) {
      if (attribute.name == "study_yaml") out << attribute.text << '\n';
    }
    return;
  }
  out << path.string() << ": cpsim study, " << summary.scenarios.size() << " scenarios x "
      << summary.replicates << " replicates, " << summary.steps << " rows of metrics, "
      << summary.metrics.size() << " metrics\n\nprovenance:\n";
  double confidence = 0.95;
  for (const FileAttribute& attribute : summary.attributes) {
    if (attribute.name == "study_yaml") continue;
    if (attribute.name == "confidence") {
      char* end = nullptr;
      const double value = std::strtod(attribute.text.c_str(), &end);
      if (end != attribute.text.c_str() && value > 0 && value < 1) confidence = value;
    }
    out << "  " << std::left << std::setw(18) << attribute.name << attribute.text << '\n';
  }
  out << "\nscenarios:\n";
  for (const auto& name : summary.scenarios) out << "  " << name << '\n';
  print_contrast_summary(out, summary.final_step, confidence, summary.steps - 1, 0,
                         summary.replicates);
}

}  // namespace cpsim::app

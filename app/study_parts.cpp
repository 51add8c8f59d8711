#include "study_parts.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <system_error>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/study_output.hpp"
#include "cpsim/engine/study_parts.hpp"
#include "rank_errors.hpp"
#include "registry.hpp"

namespace cpsim::app {
namespace {

std::string part_text(PartNumber part) {
  return std::to_string(part.index) + "/" + std::to_string(part.count);
}

/// Enters `folder` for its lifetime (so that a study file named relative to
/// where the parts ran reads, and is recorded, as it was); returns on exit.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::filesystem::path& folder) {
    std::error_code error;
    previous_ = std::filesystem::current_path(error);
    if (folder.empty() || error) return;
    std::filesystem::current_path(folder, error);
    if (error) {
      throw OutputError(folder.string() + ": cannot enter the folder the parts ran in (" +
                        error.message() + "); name the study file: cpsim study STUDY.yaml --merge");
    }
    entered_ = true;
  }
  ~WorkingDirectory() {
    std::error_code ignored;
    if (entered_) std::filesystem::current_path(previous_, ignored);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  std::filesystem::path previous_;
  bool entered_ = false;
};

/// Refuses parts that are not the N parts of one study run by this cpsim.
/// Returns them ordered by part number.
std::vector<StudyPart> check_parts(std::vector<StudyPart> parts) {
  if (parts.empty()) throw ScenarioError("cpsim study --merge: no part files given");
  const StudyPart& first = parts.front();
  const std::string first_name = first.path.string();
  const auto built_by = [](const StudyPart& part) {
    return "cpsim " + part.cpsim_version + " (" + part.git_commit + ")";
  };
  const std::string this_cpsim =
      "cpsim " + std::string(version()) + " (" + std::string(git_commit()) + ")";
  std::map<std::int64_t, const StudyPart*> by_number;
  for (const StudyPart& part : parts) {
    const std::string name = part.path.string();
    if (part.format_version != first.format_version || built_by(part) != built_by(first)) {
      throw ScenarioError(name + ": written by " + built_by(part) + ", " + first_name + " by " +
                          built_by(first) + " (run every part with one cpsim)");
    }
    if (built_by(part) != this_cpsim) {
      throw ScenarioError(name + ": written by " + built_by(part) + ", not by this " + this_cpsim +
                          " (merge with the cpsim that ran the parts)");
    }
    if (part.digest != first.digest || part.study_name != first.study_name ||
        part.seed != first.seed || part.replicates != first.replicates || part.runs != first.runs) {
      throw ScenarioError(name + ": a part of study '" + part.study_name + "' (digest " +
                          part.digest + ", seed " + std::to_string(part.seed) + ", " +
                          std::to_string(part.replicates) + " replicates), not of " + first_name +
                          "'s '" + first.study_name + "' (digest " + first.digest + ", seed " +
                          std::to_string(first.seed) + ", " + std::to_string(first.replicates) +
                          " replicates)");
    }
    if (part.part.count != first.part.count) {
      throw ScenarioError(name + ": part " + part_text(part.part) + " of a split into " +
                          std::to_string(part.part.count) + ", " + first_name + " part " +
                          part_text(first.part) + " of a split into " +
                          std::to_string(first.part.count));
    }
    const auto [at, inserted] = by_number.emplace(part.part.index, &part);
    if (!inserted) {
      throw ScenarioError(name + ": part " + part_text(part.part) + " given twice (also " +
                          at->second->path.string() + ")");
    }
  }
  if (static_cast<std::int64_t>(by_number.size()) != first.part.count) {
    std::string missing;
    int listed = 0;
    for (std::int64_t i = 1; i <= first.part.count && listed < 5; ++i) {
      if (by_number.count(i) != 0U) continue;
      missing += (listed++ == 0 ? "" : ", ") + part_text({i, first.part.count});
    }
    const std::size_t absent = static_cast<std::size_t>(first.part.count) - by_number.size();
    if (absent > 5) missing += " and " + std::to_string(absent - 5) + " more";
    throw ScenarioError("cpsim study --merge: study '" + first.study_name + "': missing part" +
                        (absent > 1 ? "s " : " ") + missing + " (given " +
                        std::to_string(by_number.size()) + " of " +
                        std::to_string(first.part.count) + ")");
  }
  std::sort(parts.begin(), parts.end(),
            [](const StudyPart& a, const StudyPart& b) { return a.part.index < b.part.index; });
  return parts;
}

}  // namespace

MergedStudy merge_study_parts(const MergeRequest& merge) {
  // Absolute names: the study file may be read from the folder the parts ran in.
  std::vector<StudyPart> headers;
  for (const auto& path : merge.parts) {
    headers.push_back(read_study_part(path, false));
    headers.back().path = path;  // as the user named it, in messages
  }
  headers = check_parts(std::move(headers));
  const StudyPart& first = headers.front();

  MergedStudy merged;
  merged.parts = headers.size();
  StudyRequest& request = merged.request;
  request.overwrite = merge.overwrite;
  request.command_line = merge.command_line;
  std::vector<std::filesystem::path> part_paths;
  for (const StudyPart& part : headers) part_paths.push_back(std::filesystem::absolute(part.path));
  const std::optional<std::filesystem::path> output =
      merge.output ? std::optional(std::filesystem::absolute(*merge.output)) : std::nullopt;
  const std::filesystem::path here = std::filesystem::current_path();

  const WorkingDirectory folder(merge.study_file ? std::filesystem::path()
                                                 : std::filesystem::path(first.working_directory));
  const ModelRegistry registry = make_registry();
  const std::filesystem::path study_file =
      merge.study_file ? *merge.study_file : std::filesystem::path(first.study_file);
  set_phase("reading the study");
  Study& study = request.study;
  study = load_study(study_file, registry, first.replicates);
  if (study_digest(study) != first.digest) {
    throw ScenarioError(study_file.string() + ": differs from the study the parts ran (digest " +
                        study_digest(study) + ", the parts' " + first.digest +
                        "): the study or a scenario file changed, or was named by another path "
                        "(the parts named '" +
                        first.study_file + "' in " + first.working_directory + ")");
  }
  request.output = output ? *output : here / (study.name + ".h5");
  check_output_destination(request.output, request.overwrite);
  check_compression(request.output.string(), study.variants.front().scenario.output.compression);

  set_phase("building the study's first runs");
  const ModelInfo* model = registry.find(study.variants.front().scenario.model);
  if (model == nullptr) {
    throw ScenarioError(study.file.string() + ": unknown model '" +
                        study.variants.front().scenario.model + "'");
  }
  StudyResults& results = merged.outcome.results;
  for (std::size_t r = 0; r < static_cast<std::size_t>(study.replicates); ++r) {
    results.seeds.push_back(replicate_seed(study.seed, r));
  }
  const std::size_t runs = study.variants.size() * static_cast<std::size_t>(study.replicates);
  {
    StudyPlan plan = plan_study(study, *model, results.seeds[0], 1);
    results.metrics = std::move(plan.metrics);
    // What a whole study's writer holds at the end: every run's results.
    const std::uint64_t held = held_results_bytes(study, plan.trajectory_bytes, runs);
    const std::uint64_t available = available_memory_bytes();
    if (held > available) {
      throw ScenarioError(study.file.string() + ": the merge holds every run's results, about " +
                          format_bytes(held) + ", " + format_bytes(available) + " available");
    }
  }
  results.rows = study.variants.front().scenario.steps + 1;

  set_phase("reading the parts");
  results.runs.resize(runs);
  results.panels.resize(runs);
  StudyRunInfo info{merge.command_line, first.info.threads, first.info.jobs, 0, first.info.ranks};
  for (std::size_t p = 0; p < headers.size(); ++p) {
    StudyPart part = read_study_part(part_paths[p], true);
    if (part.rows != results.rows || part.real_count != results.metrics.real_count() ||
        part.integer_count != results.metrics.integer_count()) {
      throw ScenarioError(
          headers[p].path.string() + ": its runs have " + std::to_string(part.rows) + " rows of " +
          std::to_string(part.real_count + part.integer_count) + " metric values, the study " +
          std::to_string(results.rows) + " of " +
          std::to_string(results.metrics.real_count() + results.metrics.integer_count()));
    }
    for (std::size_t i = 0; i < part.block.size(); ++i) {
      results.runs[part.block.first + i] = std::move(part.trajectories[i]);
      results.panels[part.block.first + i] = std::move(part.panels[i]);
    }
    info.wall_seconds += part.info.wall_seconds;
  }

  set_phase("comparing the runs");
  StudyOutcome& outcome = merged.outcome;
  outcome.summary = compare_study(study, results);
  outcome.complete = true;
  outcome.runs_completed = static_cast<std::int64_t>(runs);
  outcome.threads = info.threads;
  outcome.jobs = info.jobs;
  outcome.ranks = info.ranks;
  outcome.wall_seconds = info.wall_seconds;
  set_phase("writing the study file");
  write_study_file(request.output, study, results, info, request.overwrite);
  // Printed as the user named it.
  if (merge.output)
    request.output = *merge.output;
  else
    request.output = study.name + ".h5";
  return merged;
}

void print_study_part_info(std::ostream& out, const std::filesystem::path& path) {
  const StudyPart part = read_study_part(path, false);
  out << path.string() << ": cpsim study part " << part_text(part.part) << " of study '"
      << part.study_name << "' (" << part.study_file << " in " << part.working_directory
      << "; seed " << part.seed << ", " << part.replicates << " replicates, digest " << part.digest
      << "): runs " << part.block.first << " to " << part.block.last - 1 << " of " << part.runs
      << ", " << part.rows - 1 << " steps; cpsim " << part.cpsim_version << " (" << part.git_commit
      << "), " << part.info.wall_seconds
      << " s\njoin every part with: cpsim study --merge PART.h5...\n";
}

}  // namespace cpsim::app

#pragma once
// The study HDF5 file (`cpsim-study`, layout: docs/studies.md): every run's
// metrics on (scenario, replicate, step[, dims]) and the contrasts' paired
// statistics on (contrast, step[, dims]), each group openable by xarray.
// Written as NAME.partial and renamed when complete, like run files.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cpsim/engine/output.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_results.hpp"

namespace cpsim {

/// How the study was run (root attributes).
struct StudyRunInfo {
  std::string command_line;
  int threads = 0;
  int jobs = 0;
  double wall_seconds = 0;
  int ranks = 1;  ///< MPI ranks the runs were dealt to
};

/// Writes the whole study file. Throws OutputError; never leaves a file
/// under `path` unless it is complete.
void write_study_file(const std::filesystem::path& path, const Study& study,
                      const StudyResults& results, const StudyRunInfo& info, bool overwrite);

/// True if `path` is an HDF5 file whose `format` attribute is cpsim-study.
bool is_study_file(const std::filesystem::path& path);

/// What `cpsim info STUDY.h5` shows.
struct StudyFileSummary {
  std::vector<FileAttribute> attributes;  ///< root, in creation order
  std::vector<std::string> scenarios;     ///< variant labels
  std::vector<std::string> contrasts;
  std::int64_t replicates = 0;
  std::int64_t steps = 0;  ///< recorded steps, including step 0
  std::vector<std::string> metrics;
  std::vector<ContrastSummaryRow> final_step;  ///< every contrast x scalar metric
};

StudyFileSummary read_study_summary(const std::filesystem::path& path);

/// A stored MeasureGrid (a study file's /households or /budget) and the
/// attributes of its group.
struct StoredGrid {
  MeasureGrid grid;
  std::vector<FileAttribute> attributes;
  [[nodiscard]] std::optional<std::string> attribute(const std::string& name) const;
};

/// The group `name` of a study file as a grid; nullopt when the file has no
/// such group. Throws OutputError for a file that is not a study file.
std::optional<StoredGrid> read_study_grid(const std::filesystem::path& path,
                                          const std::string& name);

}  // namespace cpsim

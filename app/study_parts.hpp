#pragma once
// `cpsim study --merge PART.h5...`: joins the part files of `cpsim study
// --part I/N` into the study file one process would write (docs/studies.md,
// "Parts on a cluster").
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "study_runner.hpp"

namespace cpsim::app {

struct MergeRequest {
  /// The study file; without it, the one the parts name (read from the
  /// folder the parts ran in, so that its paths are spelled as they were).
  std::optional<std::filesystem::path> study_file;
  std::vector<std::filesystem::path> parts;
  std::optional<std::filesystem::path> output;  ///< default NAME.h5
  bool overwrite = false;
  std::string command_line;
};

struct MergedStudy {
  StudyRequest request;  ///< the study as loaded and the output file
  StudyOutcome outcome;  ///< as execute_study's (wall_seconds: the parts' sum)
  std::size_t parts = 0;
};

/// Checks that `parts` are every part of one study, run by this cpsim, and
/// writes the study file. Throws ScenarioError (exit 2: parts of different
/// studies or versions, a part missing or given twice, a study file that
/// differs from the one the parts ran), OutputError (exit 3: a file that is
/// missing, unreadable or no part) or SimulationError.
MergedStudy merge_study_parts(const MergeRequest& merge);

/// `cpsim info PART.h5`: the study, the part, its runs and who wrote it.
void print_study_part_info(std::ostream& out, const std::filesystem::path& path);

}  // namespace cpsim::app

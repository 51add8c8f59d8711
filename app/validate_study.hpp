#pragma once
// `cpsim validate STUDY.yaml`: checks a study without running it (every
// variant, the aligned metrics, the summary metrics and the comparison
// blocks), and estimates its memory and time.
#include <filesystem>
#include <iosfwd>

namespace cpsim::app {

/// True if `file` is a YAML map with `scenarios:` and no `model:` (a study).
bool is_study_yaml(const std::filesystem::path& file);

/// Throws ScenarioError for a bad study. Prints the run count, the memory
/// and time estimates and the resolved study unless `quiet`.
void validate_study(const std::filesystem::path& file, std::ostream& out, bool quiet);

}  // namespace cpsim::app

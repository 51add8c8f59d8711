#pragma once
// `--format json`: what `cpsim run`, `cpsim study` and `cpsim info` print, as
// one JSON document each for pipelines (`| jq .metrics.gini.last`). Schema:
// docs/json-output.md. Numbers keep every digit (shortest round-trip form);
// non-finite numbers (an interval from one replicate) are null.
#include <filesystem>
#include <string>

#include "cpsim/engine/output.hpp"
#include "cpsim/engine/study_output.hpp"
#include "runner.hpp"
#include "study_runner.hpp"

namespace cpsim::app {

/// `cpsim run`'s end-of-run summary; `with_profile` adds the phase times.
std::string run_summary_json(const RunRequest& request, const RunResult& result, int ranks,
                             bool with_profile);

/// `cpsim study`'s end-of-study summary: the runs and every contrast row.
std::string study_summary_json(const StudyRequest& request, const StudyOutcome& outcome);

/// `cpsim info RUN.h5`: provenance and each metric's first/last/min/max/mean.
std::string run_file_json(const std::filesystem::path& path, const FileSummary& summary);

/// `cpsim info STUDY.h5`: provenance, scenarios and the contrasts at the final step.
std::string study_file_json(const std::filesystem::path& path, const StudyFileSummary& summary);

}  // namespace cpsim::app

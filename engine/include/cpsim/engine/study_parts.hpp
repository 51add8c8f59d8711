#pragma once
// A study split into parts for a cluster (docs/studies.md, "Parts on a
// cluster"): `cpsim study --part I/N` runs one contiguous block of the
// study's runs and writes them to a part file (`cpsim-study-part`), which
// records what identifies the study (its digest, seed, replicates), the part
// and the runs it holds; `cpsim study --merge` checks that its files are the
// N parts of one study and joins them into the file one process would write.
//
// Why contiguous blocks of the variant-major run order: the assignment is a
// pure function of (runs, I, N), so every array task computes its own share
// with nothing shared, and the merge knows which runs each part must hold.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cpsim/engine/household_comparison.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_results.hpp"

namespace cpsim {

/// Part `index` of `count` (1-based: 1 <= index <= count).
struct PartNumber {
  std::int64_t index = 1;
  std::int64_t count = 1;
};

/// Runs [first, last) of the study's variant-major order (run v x
/// replicates + r). Part I of N holds runs floor((I-1) x runs / N) up to
/// floor(I x runs / N): blocks that differ in size by at most one.
struct RunBlock {
  std::size_t first = 0;
  std::size_t last = 0;
  [[nodiscard]] std::size_t size() const noexcept { return last - first; }
};
RunBlock part_runs(std::size_t runs, PartNumber part) noexcept;

/// Parses `--part I/N` for a study of `runs` runs: 1 <= I <= N <= runs
/// (every part holds a run). Throws ScenarioError "--part: ...".
PartNumber parse_part(const std::string& text, std::size_t runs);

/// Hex FNV-1a 64 of the resolved study and every variant's resolved
/// scenario: what decides the runs, their order and the study file's
/// contents (the scenario files as they read now, the replicates, the seed).
std::string study_digest(const Study& study);

/// How a part was run (its root attributes; the merged file takes the
/// execution attributes from them, docs/studies.md).
struct StudyPartInfo {
  PartNumber part;
  std::string command_line;
  int threads = 0;
  int jobs = 0;
  int ranks = 1;
  double wall_seconds = 0;
};

/// Writes part `info.part` of `study`: the trajectories (and household
/// panels, with a `households:` block) of the block's runs, taken from
/// `results.runs[i]` (indexed over the whole study) for i in the block.
/// Written as NAME.partial and renamed when complete. Throws OutputError.
void write_study_part(const std::filesystem::path& path, const Study& study,
                      const StudyResults& results, const StudyPartInfo& info, bool overwrite);

/// A part file as read back.
struct StudyPart {
  std::filesystem::path path;
  std::int64_t format_version = 0;
  std::string cpsim_version;
  std::string git_commit;
  std::string study_name;
  std::string study_file;         ///< as the part's command line named it
  std::string working_directory;  ///< where the part ran (study_file is relative to it)
  std::string digest;             ///< study_digest of the study it ran
  std::uint64_t seed = 0;
  std::int64_t replicates = 0;
  std::int64_t runs = 0;  ///< of the whole study
  std::int64_t rows = 0;  ///< steps + 1
  PartNumber part;
  RunBlock block;
  StudyPartInfo info;
  std::uint64_t real_count = 0;     ///< real metric values a row
  std::uint64_t integer_count = 0;  ///< integer metric values a row
  /// With runs read: the block's runs in order, and their household panels.
  std::vector<RunTrajectory> trajectories;
  std::vector<std::vector<HouseholdPanel>> panels;
};

/// True if `path` is an HDF5 file whose `format` attribute is cpsim-study-part.
bool is_study_part(const std::filesystem::path& path);

/// Reads a part's attributes, and with `with_runs` its runs. Throws
/// OutputError for a missing, unreadable or damaged file or one that is not
/// a part file.
StudyPart read_study_part(const std::filesystem::path& path, bool with_runs);

}  // namespace cpsim

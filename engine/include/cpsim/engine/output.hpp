#pragma once
// HDF5 output of one run (layout: docs/output-format.md).
//
// The file is written as NAME.partial in the destination folder and renamed
// to NAME only by finish(), after every dataset is written and the file is
// closed; a crash or kill never leaves a file under the final name. Every
// dataset's every axis has an HDF5 dimension scale, so the groups open as
// they are with h5py and with xarray.open_dataset(..., engine="h5netcdf").
//
// The HDF5 writes run on one writer thread, in call order, with at most one
// write waiting: append_metrics and write_snapshot hand over their data (a
// block of 256 rows, a copy of the table) and return, so a step does not
// wait for deflate and disk. A write that fails there is thrown, with its
// own message, by the next append_metrics or write_snapshot, or by finish().
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/compression.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/result_table.hpp"

namespace cpsim {

/// Root attributes recording how a file was made.
struct Provenance {
  std::string model;
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_yaml;  ///< fully resolved
  std::uint64_t seed = 0;
  std::int64_t steps = 0;  ///< steps requested
  int threads = 0;
  std::string command_line;
  int ranks = 1;                    ///< MPI ranks the run was spread over
  std::int64_t steps_per_year = 0;  ///< the model's; 0: steps are not calendar time
  double scale = 1;                 ///< the scenario's: real units per simulated agent
};

class RunWriter {
 public:
  /// Opens `path`.partial for writing. Refuses (OutputError) if `path`
  /// exists and `overwrite` is false, or a compression check_compression
  /// refuses. Creates /metrics with the given metric and dimension
  /// definitions.
  RunWriter(std::filesystem::path path, const Provenance& provenance, const MetricSet& metrics,
            Compression compression, bool overwrite);
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  /// Without finish(): closes and deletes the .partial file.
  ~RunWriter();

  /// Appends the metrics of one step (0 = initial state); written in blocks
  /// of 256 steps and at finish().
  void append_metrics(std::int64_t step, const MetricRow& row);
  /// Writes the agents of `table` at `step` as /snapshots/TABLE/step_NNNNNN
  /// (one dataset per column on dimension "agent", whose coordinate holds the
  /// agents' global ids): a copy of the table as it is now, written on the
  /// writer thread while the caller goes on.
  void write_snapshot(std::int64_t step, const AgentTable& table);
  void write_table(const ResultTable& table);

  /// Waits until everything handed over so far is written, then copies the
  /// metric rows (as /history/step, /history/reals and /history/integers:
  /// rows x values in MetricRow order) and the snapshots (as
  /// /history/snapshots/TABLE/step_NNNNNN, without dimension scales) written
  /// so far into the closed HDF5 file `checkpoint`: what a restarted run
  /// writes again (checkpoint.hpp).
  void copy_history(const std::filesystem::path& checkpoint);

  /// Waits for the writer thread, writes the final attributes (complete,
  /// steps_completed, wall_seconds), closes the file and renames it to its
  /// final name.
  void finish(bool complete, std::int64_t steps_completed, double wall_seconds);

  [[nodiscard]] const std::filesystem::path& path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Refuses (OutputError, one line) an output destination that exists
/// (unless `overwrite`), is a folder, lies in a missing folder, or whose
/// name is empty or too long for its file system; call it before running
/// anything. RunWriter and write_study_file check it again.
void check_output_destination(const std::filesystem::path& path, bool overwrite);

/// A root attribute as read back: its value as text and the kind stored,
/// so that `cpsim info --format json` writes numbers as numbers.
struct FileAttribute {
  enum class Kind { Text, Integer, Unsigned, Real };
  std::string name;
  std::string text;
  Kind kind = Kind::Text;
};

/// What `cpsim info` shows: provenance and a summary of every metric.
struct FileSummary {
  std::vector<FileAttribute> attributes;  ///< root attributes, in creation order
  struct MetricSummary {
    std::string name, unit, description;
    std::size_t size = 1;  ///< values per step
    /// Over the steps where the scalar is defined (NaN values skipped); NaN
    /// when it is defined at no step.
    double first = 0, last = 0, min = 0, max = 0, mean = 0;
    /// A metric over dimensions: their names, and one summary per element
    /// (row-major), labelled "l1,l2" by its coordinates' labels.
    std::vector<std::string> dimensions;
    struct Element {
      std::string label;
      double first = 0, last = 0, min = 0, max = 0, mean = 0;
    };
    std::vector<Element> elements;
  };
  std::int64_t rows = 0;  ///< steps recorded, including step 0
  /// The file says it is complete and is not a `.partial` file: a .partial
  /// is a run that never finished writing (killed, or failed at the final
  /// close), whatever its attributes say.
  bool complete = false;
  bool partial = false;  ///< the file's name ends in `.partial`
  /// Inconsistencies between what the attributes claim and what the
  /// datasets hold ("/metrics/gini has 64 rows, fewer than the 101 of
  /// /metrics/step"): a damaged or unfinished file.
  std::vector<std::string> warnings;
  std::vector<MetricSummary> metrics;
  std::vector<std::string> snapshot_groups;
  std::vector<std::string> tables;
};

/// Reads a file written by RunWriter; throws OutputError if it is missing or
/// not a cpsim file.
FileSummary read_summary(const std::filesystem::path& path);

}  // namespace cpsim

#pragma once
// Checkpoints of a run (layout and guarantees: docs/checkpoint.md).
//
// A checkpoint holds, after some step k, everything the run needs to go on
// to the same result as if it had never stopped: every agent table (every
// column, by name and type, whatever the model declared), the model's own
// state (Model::save_state: accounts, counters, smoothed values), and the
// metric rows and snapshots the run had written to its file, so that a
// restarted run writes the same datasets. Random numbers need nothing: a draw
// is a pure function of (seed, stream, subject, step, index) (random.hpp), so
// the seed and the step are all there is to a random position.
//
// A checkpoint is tied to the cpsim version that wrote it (models change what
// their state is between versions) and to its scenario, by a hash of the
// fully resolved YAML (extends, overrides and defaults applied): restarting
// with another version or scenario is refused, not silently wrong.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/scenario.hpp"

namespace cpsim {

class Simulation;
class RunWriter;

/// The element types a state array may hold: those of table columns.
enum class StateElement : std::uint8_t { i8, u8, i16, u16, i32, u32, i64, u64, f32, f64 };

template <class T>
constexpr StateElement state_element() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, std::int8_t>)
    return StateElement::i8;
  else if constexpr (std::is_same_v<U, std::uint8_t>)
    return StateElement::u8;
  else if constexpr (std::is_same_v<U, std::int16_t>)
    return StateElement::i16;
  else if constexpr (std::is_same_v<U, std::uint16_t>)
    return StateElement::u16;
  else if constexpr (std::is_same_v<U, std::int32_t>)
    return StateElement::i32;
  else if constexpr (std::is_same_v<U, std::uint32_t>)
    return StateElement::u32;
  else if constexpr (std::is_same_v<U, std::int64_t>)
    return StateElement::i64;
  else if constexpr (std::is_same_v<U, std::uint64_t>)
    return StateElement::u64;
  else if constexpr (std::is_same_v<U, float>)
    return StateElement::f32;
  else {
    static_assert(std::is_same_v<U, double>, "a state array holds integers, float or double");
    return StateElement::f64;
  }
}

/// Collects a model's state for a checkpoint: named arrays, in groups. A
/// model lists each member once, in a function that StateWriter and
/// StateReader both call with the same names (see the district economy's
/// checkpoint.cpp), so saving and restoring cannot drift apart. A bool is
/// stored as one byte. Called on every rank; only rank 0's arrays are kept.
class StateWriter {
 public:
  StateWriter();

  template <class T>
  void field(std::string_view name, std::span<const T> values) {
    add(name, state_element<T>(), values.data(), values.size());
  }
  template <class T>
  void field(std::string_view name, const std::vector<T>& values) {
    field(name, std::span<const T>(values));
  }
  template <class T, std::size_t N>
  void field(std::string_view name, const std::array<T, N>& values) {
    field(name, std::span<const T>(values));
  }
  template <class T>
  requires std::is_arithmetic_v<T>
  void field(std::string_view name, const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      const std::uint8_t byte = value ? 1 : 0;
      field(name, std::span<const std::uint8_t>(&byte, 1));
    } else {
      field(name, std::span<const T>(&value, 1));
    }
  }
  /// The arrays written through the result go under `name/`.
  [[nodiscard]] StateWriter group(std::string_view name) const;

  struct Entry {
    std::string path;  ///< "group/name"
    StateElement element = StateElement::u8;
    std::size_t count = 0;
    std::vector<std::byte> bytes;
  };
  [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return *entries_; }

 private:
  void add(std::string_view name, StateElement element, const void* data, std::size_t count);

  std::shared_ptr<std::vector<Entry>> entries_;
  std::string prefix_;
};

/// Reads back what StateWriter wrote, by the same names: each array must be
/// there with the same element type, and a span the same length (a vector
/// takes the stored length). Anything else throws OutputError naming the
/// checkpoint and the array (the file does not hold this model's state).
class StateReader {
 public:
  /// `file`: an open HDF5 file (hid_t); `file_name` for messages.
  StateReader(std::int64_t file, std::string file_name, std::string prefix);

  template <class T>
  void field(std::string_view name, std::span<T> values) {
    read(name, state_element<T>(), values.data(), values.size());
  }
  template <class T>
  void field(std::string_view name, std::vector<T>& values) {
    values.resize(size(name, state_element<T>()));
    field(name, std::span<T>(values));
  }
  template <class T, std::size_t N>
  void field(std::string_view name, std::array<T, N>& values) {
    field(name, std::span<T>(values));
  }
  template <class T>
  requires std::is_arithmetic_v<T>
  void field(std::string_view name, T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t byte = 0;
      field(name, std::span<std::uint8_t>(&byte, 1));
      value = byte != 0;
    } else {
      field(name, std::span<T>(&value, 1));
    }
  }
  [[nodiscard]] StateReader group(std::string_view name) const;

 private:
  [[nodiscard]] std::size_t size(std::string_view name, StateElement element) const;
  void read(std::string_view name, StateElement element, void* data, std::size_t count) const;

  std::int64_t file_;
  std::string file_name_;
  std::string prefix_;
};

/// What a checkpoint says about the run it was taken from.
struct CheckpointHeader {
  std::string cpsim_version;
  std::string model;
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_yaml;  ///< fully resolved
  std::uint64_t scenario_hash = 0;
  std::int64_t step = 0;  ///< the state is the one after this step
  /// The run wrote a file, and the checkpoint holds its metric rows and
  /// snapshots (a run with --no-output has none to hold).
  bool has_history = false;
};

/// 64-bit FNV-1a of the resolved scenario YAML: a checkpoint's scenario.
std::uint64_t scenario_hash(std::string_view resolved_yaml);

/// Writes the state of `simulation` after its current step to `path`,
/// atomically: as PATH.partial, flushed to disk (fsync), then renamed over
/// PATH, so an earlier checkpoint at PATH stays whole until the new one is.
/// `history`: the run's file (rank 0), whose rows and snapshots written so
/// far are copied in; null when the run writes none. Collective: every rank
/// calls it (tables split over ranks are gathered to rank 0, which writes).
/// Throws OutputError when the file cannot be written (no PATH.partial is
/// left behind).
/// `command_line`: the run's, recorded with the cpsim version and commit.
void write_checkpoint(const std::filesystem::path& path, const Simulation& simulation,
                      const Scenario& scenario, RunWriter* history,
                      const std::string& command_line);

/// True if `path` is an HDF5 file with format "cpsim-checkpoint".
bool is_checkpoint(const std::filesystem::path& path);

/// Opens `path` and reads its header. Throws OutputError (exit 3) if it is
/// missing, not an HDF5 file, truncated or no complete cpsim checkpoint, and
/// ScenarioError (exit 2) if another cpsim version wrote it.
CheckpointHeader read_checkpoint_header(const std::filesystem::path& path);

/// Throws ScenarioError (exit 2, one line) unless `header` is `scenario`'s.
void check_checkpoint_scenario(const CheckpointHeader& header, const Scenario& scenario,
                               const std::filesystem::path& path);

/// Restores the tables and the model state of `simulation`, built from the
/// checkpoint's scenario (on any number of ranks and threads), and sets it
/// to go on after the checkpoint's step (Simulation::resume_after). A table
/// split over ranks takes, on each rank, the checkpoint's rows whose ids the
/// rank's freshly built table holds. Every rank calls it.
void restore_checkpoint(const std::filesystem::path& path, Simulation& simulation);

/// Writes the checkpoint's metric rows and snapshots to `writer` (the
/// restarted run's file), calling on_row(step, row) for each row.
void replay_history(const std::filesystem::path& path, const Simulation& simulation,
                    RunWriter& writer,
                    const std::function<void(std::int64_t, const MetricRow&)>& on_row);

}  // namespace cpsim

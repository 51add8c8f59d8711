#pragma once
// Structure-of-arrays storage for one kind of agent.
//
// A table holds one contiguous column per agent variable plus the agents'
// stable 64-bit global ids. Models declare columns once, before the run, and
// keep the typed handles; the engine (output, snapshots) sees the columns
// through their type-erased metadata and never knows what a model stores.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace cpsim {

/// Global agent ids. Agents created at set-up are numbered in a
/// partition-independent order (0, 1, 2, ... region-major), so ids and the
/// random numbers keyed by them do not depend on thread or process counts.
/// Agents created during a run take ids from `IdAllocator`.
using AgentId = std::uint64_t;

/// Hands out ids for agents created during a run: the top bit set, then the
/// origin (a region or other partition-independent unit, 31 bits), then a
/// per-origin counter (32 bits). Every rank can mint ids without talking to
/// others, and the ids do not depend on how origins are spread over ranks.
class IdAllocator {
 public:
  static constexpr AgentId dynamic_bit = 1ULL << 63;
  [[nodiscard]] static AgentId make(std::uint32_t origin, std::uint32_t serial) noexcept {
    return dynamic_bit | (static_cast<AgentId>(origin & 0x7fffffffU) << 32) | serial;
  }
};

/// The element types a column may hold.
using ColumnData =
    std::variant<std::vector<std::int8_t>, std::vector<std::uint8_t>, std::vector<std::int16_t>,
                 std::vector<std::uint16_t>, std::vector<std::int32_t>, std::vector<std::uint32_t>,
                 std::vector<std::int64_t>, std::vector<std::uint64_t>, std::vector<float>,
                 std::vector<double>>;

/// A column's description, shown in output files.
struct ColumnInfo {
  std::string name;
  std::string unit;         ///< e.g. "fen", "RMB/month", "1" for dimensionless
  std::string description;  ///< one sentence
};

/// A typed, stable reference to a column of a table.
template <class T>
struct Column {
  std::size_t index = static_cast<std::size_t>(-1);
};

class AgentTable {
 public:
  explicit AgentTable(std::string name) : name_(std::move(name)) {}

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }

  /// Declares a column; all columns always have size() elements.
  template <class T>
  Column<T> add_column(ColumnInfo info) {
    for (const auto& existing : infos_) {
      if (existing.name == info.name) {
        throw std::logic_error("table '" + name_ + "': column '" + info.name + "' declared twice");
      }
    }
    infos_.push_back(std::move(info));
    columns_.emplace_back(std::vector<T>(size()));
    return Column<T>{columns_.size() - 1};
  }

  template <class T>
  [[nodiscard]] std::span<T> operator[](Column<T> column) {
    return std::get<std::vector<T>>(columns_.at(column.index));
  }
  template <class T>
  [[nodiscard]] std::span<const T> operator[](Column<T> column) const {
    return std::get<std::vector<T>>(columns_.at(column.index));
  }

  [[nodiscard]] std::span<const AgentId> ids() const noexcept { return ids_; }

  /// Appends `count` agents with the given ids; new column entries are zero.
  void append(std::span<const AgentId> new_ids) {
    ids_.insert(ids_.end(), new_ids.begin(), new_ids.end());
    resize_columns();
  }

  /// Creates agents 0..count-1 with ids first_id, first_id+1, ...
  void create(std::size_t count, AgentId first_id = 0) {
    ids_.reserve(ids_.size() + count);
    for (std::size_t i = 0; i < count; ++i) ids_.push_back(first_id + i);
    resize_columns();
  }

  /// Gives the agent in `row` a new id and zeroes its every column: the row
  /// now holds a new agent (a model that reuses the rows of agents that left
  /// keeps the table's size and the other rows where they are).
  void reuse_row(std::size_t row, AgentId id);

  /// Removes the agents whose flag is non-zero, keeping the others' order
  /// (stable compaction, so the order stays partition-independent).
  void remove_if_flagged(std::span<const std::uint8_t> flags);

  /// Replaces the agents by those of `new_ids`, every column resized to
  /// match with zeros: a checkpoint being restored, which then fills the
  /// columns through with_column().
  void assign_ids(std::span<const AgentId> new_ids) {
    ids_.assign(new_ids.begin(), new_ids.end());
    resize_columns();
  }
  /// Calls f(std::span<T>) on column i's elements, T its element type.
  template <class F>
  void with_column(std::size_t i, F&& f) {
    std::visit([&](auto& values) { f(std::span(values)); }, columns_.at(i));
  }

  [[nodiscard]] std::size_t column_count() const noexcept { return columns_.size(); }
  [[nodiscard]] const ColumnInfo& column_info(std::size_t i) const { return infos_.at(i); }
  [[nodiscard]] const ColumnData& column_data(std::size_t i) const { return columns_.at(i); }
  /// Index of the column with this name, or column_count() if none.
  [[nodiscard]] std::size_t find_column(std::string_view column_name) const noexcept;

  /// Bytes of state per agent (ids plus every column).
  [[nodiscard]] std::size_t bytes_per_agent() const noexcept;

  /// True when every rank holds an identical copy of the whole table (a model
  /// that splits its work over ranks but not this table's rows): snapshots
  /// then take rank 0's copy instead of concatenating the ranks' tables.
  [[nodiscard]] bool replicated() const noexcept { return replicated_; }
  void set_replicated(bool replicated) noexcept { replicated_ = replicated; }

 private:
  void resize_columns();

  std::string name_;
  std::vector<AgentId> ids_;
  std::vector<ColumnInfo> infos_;
  std::vector<ColumnData> columns_;
  bool replicated_ = false;
};

}  // namespace cpsim

#pragma once
// Per-step metrics: declared once before the run, filled every step by the
// model's measurement functions, handed to observers (the HDF5 writer, the
// progress bar) as one row per step.
//
// A metric is a scalar or an array over named dimensions (e.g. GDP over the
// "sector" dimension, a flow matrix over "flow" x "sector"). Real metrics are
// doubles; integer metrics are int64 (money in fen, counts), so exact
// quantities such as the money-conservation error stay exact in the file.
//
// A real metric that measures something of a lived step (a month's income, a
// rate over its flows) has no value at step 0, the initial state: the model
// declares it undefined there, and the engine records NaN at step 0 whatever
// was measured (docs/output-format.md). A metric that has no value under a
// condition the model names (a mean over a group that is empty this step, a
// ratio whose denominator is zero) is declared undefined where that holds, and
// the model records NaN then. Any other NaN is a simulation error.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cpsim {

enum class MetricType { Real, Integer };

struct Dimension {
  std::string name;
  std::vector<std::string> labels;  ///< one per coordinate
};

struct MetricSpec {
  std::string name;
  std::string unit;
  std::string description;
  MetricType type = MetricType::Real;
  std::vector<std::size_t> dimensions;  ///< indices into MetricSet::dimensions()
  std::size_t offset = 0;               ///< into the row's reals or integers
  std::size_t size = 1;                 ///< product of the dimension sizes
  /// Why the metric has no value at step 0 (NaN there); empty: defined at
  /// every step.
  std::string undefined_at_step0;
  /// When the model records NaN for it at any step ("no entrant yet");
  /// empty: the model never does.
  std::string undefined_where;
};

/// The text of the `undefined` attribute a file gives a metric declared
/// undefined ("NaN at step 0: REASON", "NaN where CONDITION", or both joined
/// by "; "); empty for any other.
[[nodiscard]] std::string undefined_note(const MetricSpec& spec);

template <class T>
struct Metric {
  std::size_t index = static_cast<std::size_t>(-1);
};

class MetricSet;

/// The values of every metric for one step.
class MetricRow {
 public:
  MetricRow() = default;
  explicit MetricRow(const MetricSet& set);

  /// Every value back to 0, keeping the memory (a row reused step after step).
  void reset() noexcept;

  void set(Metric<double> metric, double value) { set(metric, 0, value); }
  void set(Metric<std::int64_t> metric, std::int64_t value) { set(metric, 0, value); }
  void set(Metric<double> metric, std::size_t flat_index, double value);
  void set(Metric<std::int64_t> metric, std::size_t flat_index, std::int64_t value);
  [[nodiscard]] double get(Metric<double> metric, std::size_t flat_index = 0) const;
  [[nodiscard]] std::int64_t get(Metric<std::int64_t> metric, std::size_t flat_index = 0) const;

  /// Every value at once, as reals() and integers() return them (a row read
  /// back from a checkpoint); throws std::invalid_argument on other sizes.
  void assign(std::span<const double> reals, std::span<const std::int64_t> integers);

  [[nodiscard]] std::span<const double> reals() const noexcept { return reals_; }
  [[nodiscard]] std::span<const std::int64_t> integers() const noexcept { return integers_; }
  /// The values of one metric (its flat, row-major array).
  [[nodiscard]] std::span<const double> real_values(const MetricSpec& spec) const {
    return std::span<const double>(reals_).subspan(spec.offset, spec.size);
  }
  [[nodiscard]] std::span<const std::int64_t> integer_values(const MetricSpec& spec) const {
    return std::span<const std::int64_t>(integers_).subspan(spec.offset, spec.size);
  }

 private:
  const MetricSet* set_ = nullptr;
  std::vector<double> reals_;
  std::vector<std::int64_t> integers_;
};

class MetricSet {
 public:
  std::size_t add_dimension(std::string name, std::vector<std::string> labels);
  Metric<double> add_real(std::string name, std::string unit, std::string description,
                          std::vector<std::size_t> dimensions = {});
  Metric<std::int64_t> add_integer(std::string name, std::string unit, std::string description,
                                   std::vector<std::size_t> dimensions = {});

  /// `metric` has no value at step 0, for `reason` ("no month has been
  /// lived"): NaN there in every row and file. Reals only: an integer count
  /// of the step's events is 0 at step 0, which is exact.
  void declare_undefined_at_step0(Metric<double> metric, std::string reason);
  /// The model records NaN for `metric` (any element, any step) exactly when
  /// `condition` holds, e.g. "no entrant in the group yet": an undefined
  /// value is never reported as a number. Reals only; infinities stay errors.
  void declare_undefined_where(Metric<double> metric, std::string condition);

  [[nodiscard]] const std::vector<MetricSpec>& specs() const noexcept { return specs_; }
  [[nodiscard]] const std::vector<Dimension>& dimensions() const noexcept { return dimensions_; }
  [[nodiscard]] const MetricSpec& spec(std::size_t index) const { return specs_.at(index); }
  /// Index of the metric with this name, or specs().size() if none.
  [[nodiscard]] std::size_t find(std::string_view name) const noexcept;
  [[nodiscard]] std::size_t real_count() const noexcept { return real_count_; }
  [[nodiscard]] std::size_t integer_count() const noexcept { return integer_count_; }

 private:
  MetricSpec& add(std::string name, std::string unit, std::string description, MetricType type,
                  std::vector<std::size_t> dimensions);
  std::vector<MetricSpec> specs_;
  std::vector<Dimension> dimensions_;
  std::size_t real_count_ = 0;
  std::size_t integer_count_ = 0;
};

}  // namespace cpsim

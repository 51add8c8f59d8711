#pragma once
// Aligning the metrics of runs whose declarations differ only in what the
// run contains: a study whose variants switch policy modules on declares
// `policy_spending` over the instances each variant has (none in a
// baseline). The study stores every run on one union layout (docs/studies.md,
// "Variants with different metrics"): every metric any variant declares,
// each dimension with the union of its labels in order of first appearance,
// and an element a run does not declare is 0 in that run (an instance that
// does not exist spends nothing; an absent count is none), NaN at step 0
// for a metric undefined there.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/metrics.hpp"

namespace cpsim {

/// The union of `sets` (in order; the first set's metrics first). Throws
/// std::invalid_argument naming the metric when two sets declare one name
/// with a different type, unit or dimension names: those differ in meaning,
/// not in content, and cannot be aligned.
MetricSet union_metrics(std::span<const MetricSet* const> sets);

/// Copies rows of `from`'s layout into `to`'s (a union containing it).
class MetricRemap {
 public:
  MetricRemap(const MetricSet& from, const MetricSet& to);
  /// `to`'s row for `from`'s row `reals`/`integers`; `first_row`: step 0.
  void apply(std::span<const double> reals, std::span<const std::int64_t> integers, bool first_row,
             std::vector<double>& out_reals, std::vector<std::int64_t>& out_integers) const;
  /// True when `from` is `to` (same layout): rows copy as they are.
  [[nodiscard]] bool identity() const noexcept { return identity_; }

 private:
  static constexpr std::size_t absent = static_cast<std::size_t>(-1);
  std::vector<std::size_t> real_source_;     ///< per `to` real: index in `from`, or absent
  std::vector<std::size_t> integer_source_;  ///< per `to` integer
  std::vector<bool> real_nan_at_step0_;      ///< absent element of a metric undefined at 0
  bool identity_ = false;
};

}  // namespace cpsim

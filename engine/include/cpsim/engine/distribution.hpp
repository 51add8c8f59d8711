#pragma once
// Exact distributional statistics (Gini, Lorenz shares, Palma, median,
// poverty rates, Theil T with its exact group decomposition).
//
// All statistics come from one stable radix sort by value (equal values keep
// the agents' order) and sequential passes in sorted order, so they are
// identical at any thread count. Weights make person-weighted statistics of household values
// (weight = members); unit weights give the ordinary statistics of agents.
#include <cstdint>
#include <span>
#include <vector>

namespace cpsim {

/// Gini of unweighted values: 2 * sum_i i x_(i) / (n sum x) - (n + 1) / n,
/// with x sorted ascending and i = 1..n. Returns 0 for an empty or all-zero
/// vector. Negative values are allowed (the Gini may then exceed 1).
double gini(std::span<const double> values);

class Distribution {
 public:
  /// Empty; fill with assign().
  Distribution() = default;
  /// Unit weights.
  explicit Distribution(std::span<const double> values) { assign(values); }
  /// Non-negative weights, one per value (e.g. household members).
  Distribution(std::span<const double> values, std::span<const double> weights) {
    assign(values, weights);
  }

  /// Replaces the distribution, reusing this object's memory: a model that
  /// measures every step keeps one Distribution, so that the sort's arrays
  /// are not allocated and page-faulted anew each step (at N = 1e6 that was
  /// most of a step's measurement time).
  void assign(std::span<const double> values);
  void assign(std::span<const double> values, std::span<const double> weights);
  /// Unit weights, values `values[i] * unit` (`unit` > 0): integer data such
  /// as wealth in indivisible units. When the values span a small range
  /// (max - min < n + integer_counting_margin) they are sorted by counting,
  /// O(n + range), instead of by the radix sort; the sorted arrays, and so
  /// every statistic, are exactly those assign() gives for the same doubles
  /// (a positive unit keeps the integers' order). At N = 1,000 agents with a
  /// few units each that is several times faster than the radix sort, whose
  /// 2,048-bucket passes dominate small inputs.
  void assign_integers(std::span<const std::int64_t> values, double unit = 1.0);
  /// The range beyond n up to which assign_integers() counts.
  static constexpr std::uint64_t integer_counting_margin = 1024;

  [[nodiscard]] double total_weight() const noexcept { return total_weight_; }
  [[nodiscard]] double total() const noexcept { return total_; }  ///< sum of w * x
  [[nodiscard]] double mean() const noexcept;
  /// Area formula over the Lorenz curve; equals gini() for unit weights.
  [[nodiscard]] double gini() const;
  /// Share of the total held by the poorest `population_share` of weight,
  /// by linear interpolation within the agent that straddles the cut.
  [[nodiscard]] double lorenz(double population_share) const;
  /// Share of the total held by the richest `population_share` of weight.
  [[nodiscard]] double top_share(double population_share) const {
    return 1.0 - lorenz(1.0 - population_share);
  }
  /// Share of the total held by the population between two cuts.
  [[nodiscard]] double share_between(double lower, double upper) const {
    return lorenz(upper) - lorenz(lower);
  }
  /// Top 10 % share over bottom 40 % share.
  [[nodiscard]] double palma() const;
  /// Smallest value whose cumulative weight reaches q of the total weight.
  [[nodiscard]] double quantile(double q) const;
  [[nodiscard]] double median() const { return quantile(0.5); }
  /// Weight share of values strictly below `threshold`.
  [[nodiscard]] double share_below(double threshold) const;
  /// Weight share of values in [lower, upper).
  [[nodiscard]] double share_in(double lower, double upper) const;

  [[nodiscard]] std::span<const double> sorted_values() const noexcept { return values_; }
  /// The weights in the order of sorted_values() (equal values keep input order).
  [[nodiscard]] std::span<const double> sorted_weights() const noexcept { return weights_; }

 private:
  void sort_by_value(std::span<const double> values, bool move_weights);
  void finish();
  static bool sums_are_exact(std::size_t n, std::int64_t low, std::int64_t high);
  void integer_sums(std::span<const std::uint32_t> counts, std::int64_t low);

  /// The radix sort's working arrays, kept for reuse by assign().
  struct SortScratch {
    std::vector<std::uint64_t> keys;
    std::vector<std::uint64_t> key_buffer;
    std::vector<double> weight_buffer;
    std::vector<std::size_t> offsets;
    std::vector<std::uint64_t> block_differs;
    std::vector<std::uint32_t> counts;  ///< assign_integers(): four tallies per value in [min, max]
  };
  SortScratch scratch_;
  std::vector<double> values_;
  std::vector<double> weights_;
  std::vector<double> cumulative_weight_;  ///< after each sorted entry
  std::vector<double> cumulative_total_;   ///< of w * x, after each sorted entry
  double total_weight_ = 0;
  double total_ = 0;
  /// gini()'s area, when assign_integers() summed it exactly (integer_sums).
  double gini_area_ = 0;
  bool gini_area_known_ = false;
};

/// Theil T index and its exact decomposition into groups:
/// T = sum_g s_g T_g (within) + sum_g s_g ln(mu_g / mu) (between), with s_g
/// the group's share of the total. Values <= 0 contribute x ln x -> 0.
struct TheilDecomposition {
  double total = 0;
  double within = 0;
  double between = 0;
  std::vector<double> group_theil;  ///< T_g
  std::vector<double> group_share;  ///< s_g
};

TheilDecomposition theil(std::span<const double> values, std::span<const double> weights,
                         std::span<const std::uint32_t> group, std::size_t group_count);

}  // namespace cpsim

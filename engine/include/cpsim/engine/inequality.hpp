#pragma once
// Every distributional statistic cpsim reports for an income distribution,
// computed here once: by the models for their metrics and by
// `cpsim inequality` for any table of incomes (docs/inequality.md).
//
// Built on Distribution (one stable sort, sequential passes) and theil(), so
// the results are identical at any thread count. Weights are population
// weights (household members, survey weights); incomes are per person.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "cpsim/engine/distribution.hpp"

namespace cpsim {

/// The NBS middle-income band, 100,000-500,000 RMB a year for a family of
/// three, as per-capita annual income (RMB/person/year).
inline constexpr double nbs_middle_income_lower = 100000.0 / 3.0;
inline constexpr double nbs_middle_income_upper = 500000.0 / 3.0;

/// Mean log deviation (Theil L, GE(0)): (1/W) sum_i w_i ln(mu / x_i).
/// +infinity when a value with positive weight is <= 0 (ln 0 diverges);
/// 0 for an empty distribution or one without weight. Entries of zero
/// weight are left out. Identical at any thread count.
double mean_log_deviation(std::span<const double> values, std::span<const double> weights);

/// Choices a study of poverty makes; the defaults are those of the models'
/// metrics.
struct InequalityOptions {
  double relative_poverty_fraction = 0.5;         ///< relative poverty line = fraction x median
  double middle_lower = nbs_middle_income_lower;  ///< middle band [lower, upper)
  double middle_upper = nbs_middle_income_upper;
};

/// The statistics read off one (weighted) distribution.
struct DistributionStatistics {
  double total_weight = 0;
  double mean = 0;
  double median = 0;  ///< smallest value reached by half the weight
  double gini = 0;
  double palma = 0;  ///< top 10 % share / bottom 40 % share (+inf if the bottom holds nothing)
  double top10_share = 0;
  double bottom40_share = 0;
  std::array<double, 5> quintile_share{};  ///< poorest first
  double relative_poverty_line = 0;        ///< fraction x median
  double relative_poverty_rate = 0;        ///< weight share strictly below the line
  double middle_income_share = 0;          ///< weight share in [middle_lower, middle_upper)
};

DistributionStatistics describe_distribution(const Distribution& distribution,
                                             const InequalityOptions& options = {});

/// One group's part (urban and rural residents, hukou, regions).
struct GroupStatistics {
  double weight = 0;
  double weight_share = 0;  ///< of the population
  double mean = 0;
  double mean_ratio = 0;    ///< group mean / overall mean
  double income_share = 0;  ///< s_g of the Theil decomposition
  double theil = 0;         ///< T_g
};

/// Everything `cpsim inequality` prints.
struct InequalityReport {
  DistributionStatistics distribution;
  double mean_log_deviation = 0;
  TheilDecomposition theil;             ///< exact within + between by group
  std::vector<GroupStatistics> groups;  ///< one per group index
  /// Highest over lowest group mean among groups with weight (the
  /// urban:rural ratio for two groups); 1 with one group, +inf if the
  /// lowest mean is <= 0.
  double group_mean_ratio = 1;
};

/// `group[i]` < `group_count` assigns value i to a group (all zeros and
/// group_count 1 for none). Throws std::invalid_argument on lengths that
/// differ, a negative or NaN weight, or a group index out of range.
InequalityReport measure_inequality(std::span<const double> values, std::span<const double> weights,
                                    std::span<const std::uint32_t> group, std::size_t group_count,
                                    const InequalityOptions& options = {});

}  // namespace cpsim

#include "cpsim/engine/inequality.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cpsim/engine/parallel.hpp"

namespace cpsim {

double mean_log_deviation(std::span<const double> values, std::span<const double> weights) {
  if (values.size() != weights.size()) {
    throw std::invalid_argument("mean_log_deviation: values and weights differ in length");
  }
  struct Sums {
    double weight = 0, total = 0, log_total = 0;
    bool non_positive = false;
    Sums& operator+=(const Sums& o) {
      weight += o.weight;
      total += o.total;
      log_total += o.log_total;
      non_positive = non_positive || o.non_positive;
      return *this;
    }
  };
  const Sums sums = deterministic_sum<Sums>(values.size(), [&](std::size_t i) {
    const double w = weights[i];
    const double x = values[i];
    if (!(w > 0)) return Sums{};
    if (!(x > 0)) return Sums{w, w * x, 0, true};
    return Sums{w, w * x, w * std::log(x), false};
  });
  if (sums.weight <= 0) return 0.0;
  if (sums.non_positive) return std::numeric_limits<double>::infinity();
  // (1/W) sum w ln(mu / x) = ln mu - (1/W) sum w ln x
  return std::log(sums.total / sums.weight) - sums.log_total / sums.weight;
}

DistributionStatistics describe_distribution(const Distribution& d,
                                             const InequalityOptions& options) {
  DistributionStatistics s;
  s.total_weight = d.total_weight();
  s.mean = d.mean();
  s.median = d.median();
  s.gini = d.gini();
  s.top10_share = d.top_share(0.1);
  s.bottom40_share = d.lorenz(0.4);
  s.palma = d.palma();
  for (std::size_t q = 0; q < s.quintile_share.size(); ++q) {
    s.quintile_share[q] =
        d.share_between(0.2 * static_cast<double>(q), 0.2 * static_cast<double>(q + 1));
  }
  s.relative_poverty_line = options.relative_poverty_fraction * s.median;
  s.relative_poverty_rate = d.share_below(s.relative_poverty_line);
  s.middle_income_share = d.share_in(options.middle_lower, options.middle_upper);
  return s;
}

InequalityReport measure_inequality(std::span<const double> values, std::span<const double> weights,
                                    std::span<const std::uint32_t> group, std::size_t group_count,
                                    const InequalityOptions& options) {
  if (values.size() != weights.size() || values.size() != group.size()) {
    throw std::invalid_argument("measure_inequality: values, weights and groups differ in length");
  }
  InequalityReport report;
  const Distribution distribution(values, weights);  // checks the weights
  report.distribution = describe_distribution(distribution, options);
  report.mean_log_deviation = mean_log_deviation(values, weights);
  report.theil = theil(values, weights, group, group_count);  // checks the groups

  // Group weights and means, in input order (identical at any thread count).
  std::vector<double> weight(group_count, 0.0), total(group_count, 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    weight[group[i]] += weights[i];
    total[group[i]] += weights[i] * values[i];
  }
  const double overall = report.distribution.mean;
  const double population = report.distribution.total_weight;
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -std::numeric_limits<double>::infinity();
  report.groups.resize(group_count);
  for (std::size_t g = 0; g < group_count; ++g) {
    GroupStatistics& out = report.groups[g];
    out.weight = weight[g];
    out.weight_share = population > 0 ? weight[g] / population : 0.0;
    out.mean = weight[g] > 0 ? total[g] / weight[g] : 0.0;
    out.mean_ratio = overall != 0 ? out.mean / overall : 0.0;
    out.income_share = report.theil.group_share[g];
    out.theil = report.theil.group_theil[g];
    if (weight[g] > 0) {
      lowest = std::min(lowest, out.mean);
      highest = std::max(highest, out.mean);
    }
  }
  if (highest >= lowest) {
    report.group_mean_ratio =
        lowest > 0 ? highest / lowest : std::numeric_limits<double>::infinity();
  }
  return report;
}

}  // namespace cpsim

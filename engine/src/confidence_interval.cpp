#include "cpsim/engine/confidence_interval.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace cpsim {

double student_t_quantile(double p, double degrees_of_freedom) {
  if (!(p > 0 && p < 1) || !(degrees_of_freedom > 0)) {
    throw std::invalid_argument(
        "student_t_quantile: needs 0 < p < 1 and degrees of freedom > 0, "
        "got p = " +
        std::to_string(p) + ", df = " + std::to_string(degrees_of_freedom));
  }
  return boost::math::quantile(boost::math::students_t_distribution<double>(degrees_of_freedom), p);
}

DifferenceSummary summarize_differences(std::span<const double> differences, double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument("summarize_differences: confidence must lie in (0, 1)");
  }
  DifferenceSummary summary;
  summary.n = static_cast<std::int64_t>(differences.size());
  if (differences.empty()) {
    summary.mean = summary.sd = summary.ci_low = summary.ci_high =
        std::numeric_limits<double>::quiet_NaN();
    return summary;
  }
  // Two passes (mean, then squared deviations), in replicate order: exact
  // for identical values and independent of how the runs were scheduled.
  double sum = 0;
  for (const double d : differences) sum += d;
  const auto n = static_cast<double>(differences.size());
  summary.mean = sum / n;
  if (differences.size() < 2) {
    summary.sd = summary.ci_low = summary.ci_high = std::numeric_limits<double>::quiet_NaN();
    return summary;
  }
  double squares = 0;
  for (const double d : differences) squares += (d - summary.mean) * (d - summary.mean);
  summary.sd = std::sqrt(squares / (n - 1));
  const double half_width =
      student_t_quantile((1 + confidence) / 2, n - 1) * summary.sd / std::sqrt(n);
  summary.ci_low = summary.mean - half_width;
  summary.ci_high = summary.mean + half_width;
  return summary;
}

}  // namespace cpsim

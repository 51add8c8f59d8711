#pragma once
// Paired differences over replicates: mean, standard deviation and the
// two-sided Student-t confidence interval of the mean (studies compare a
// reform with its baseline replicate by replicate).
#include <cstdint>
#include <span>

namespace cpsim {

/// The t with P(T <= t) = p for Student's t with `degrees_of_freedom` > 0
/// (Boost.Math). Throws std::invalid_argument outside 0 < p < 1.
double student_t_quantile(double p, double degrees_of_freedom);

struct DifferenceSummary {
  std::int64_t n = 0;
  double mean = 0;
  double sd = 0;  ///< sample standard deviation (n - 1 in the denominator)
  double ci_low = 0;
  double ci_high = 0;
};

/// Summary of `differences` with a two-sided interval at level `confidence`
/// (0 < confidence < 1): mean -/+ t((1 + confidence) / 2, n - 1) * sd / sqrt(n).
/// With n < 2 the standard deviation and the interval are NaN. Identical
/// differences give sd 0 and a zero-width interval exactly.
DifferenceSummary summarize_differences(std::span<const double> differences, double confidence);

}  // namespace cpsim

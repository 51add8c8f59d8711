// Sensitivity estimators: Sobol first-order (Saltelli et al. 2010) and total
// (Jansen 1999) indices, Morris elementary effects (mu*, mu, sigma), and
// bootstrap percentile intervals for each (docs/studies.md, "Sensitivity").
#include <algorithm>
#include <cmath>
#include <limits>

#include "cpsim/engine/random.hpp"
#include "cpsim/engine/sensitivity.hpp"

namespace cpsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The percentile interval of `values` (NaN ones left out) at `confidence`,
/// interpolating linearly between order statistics.
std::pair<double, double> percentile_interval(std::vector<double> values, double confidence) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return {kNaN, kNaN};
  std::sort(values.begin(), values.end());
  auto quantile = [&](double q) {
    const double at = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(at));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (at - static_cast<double>(below)) * (values[above] - values[below]);
  };
  return {quantile((1 - confidence) / 2), quantile((1 + confidence) / 2)};
}

/// Resample b's i-th index into n units (b = 0: the units themselves).
class Resamples {
 public:
  Resamples(std::uint64_t seed, std::size_t n) : stream_(seed, "sensitivity.bootstrap"), n_(n) {}
  [[nodiscard]] std::size_t at(std::size_t b, std::size_t i) const {
    if (b == 0) return i;
    return static_cast<std::size_t>(to_index(stream_.word(b, 0, i), n_));
  }

 private:
  RandomStream stream_;
  std::size_t n_;
};

/// Fills `index`'s estimate and interval at [p * outcomes + o] from the
/// estimates over resamples (the first: the sample itself).
void store(SensitivityIndex& index, std::size_t at, const std::vector<double>& by_resample,
           double confidence) {
  index.estimate[at] = by_resample.front();
  const auto [low, high] = percentile_interval(
      std::vector<double>(by_resample.begin() + 1, by_resample.end()), confidence);
  index.lower[at] = low;
  index.upper[at] = high;
}

SensitivityIndex make_index(std::string name, std::string unit, std::string description,
                            std::size_t size) {
  return {std::move(name),
          std::move(unit),
          std::move(description),
          std::vector<double>(size, kNaN),
          std::vector<double>(size, kNaN),
          std::vector<double>(size, kNaN)};
}

void sobol_indices(const SensitivityDesign& design, const std::vector<double>& y, double confidence,
                   std::uint64_t seed, SensitivityResults& results) {
  const std::size_t k = design.parameters.size();
  const std::size_t outcomes = design.outcomes.size();
  const auto n = static_cast<std::size_t>(design.samples);
  const auto resamples = static_cast<std::size_t>(design.bootstrap) + 1;
  SensitivityIndex first = make_index(
      "first_order", "1",
      "first-order Sobol index: the share of the outcome's variance explained by the parameter "
      "alone (Saltelli et al. 2010 estimator)",
      k * outcomes);
  SensitivityIndex total =
      make_index("total", "1",
                 "total Sobol index: the share of the variance the parameter explains with all its "
                 "interactions (Jansen estimator)",
                 k * outcomes);
  const Resamples draw(seed, n);
  std::vector<double> s1(resamples);
  std::vector<double> st(resamples);
  auto f = [&](std::size_t block, std::size_t j, std::size_t o) {
    return y[(block * n + j) * outcomes + o];
  };
  for (std::size_t o = 0; o < outcomes; ++o) {
    // The variance of A and B together, per resample.
    std::vector<double> variance(resamples);
    for (std::size_t b = 0; b < resamples; ++b) {
      double sum = 0;
      double squares = 0;
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t at = draw.at(b, j);
        for (const std::size_t block : {std::size_t{0}, std::size_t{1}}) {
          sum += f(block, at, o);
        }
      }
      const double mean = sum / static_cast<double>(2 * n);
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t at = draw.at(b, j);
        for (const std::size_t block : {std::size_t{0}, std::size_t{1}}) {
          squares += (f(block, at, o) - mean) * (f(block, at, o) - mean);
        }
      }
      variance[b] = squares / static_cast<double>(2 * n - 1);
    }
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t b = 0; b < resamples; ++b) {
        double first_sum = 0;
        double total_sum = 0;
        for (std::size_t j = 0; j < n; ++j) {
          const std::size_t at = draw.at(b, j);
          const double fa = f(0, at, o);
          const double fb = f(1, at, o);
          const double fab = f(2 + i, at, o);
          first_sum += fb * (fab - fa);
          total_sum += (fa - fab) * (fa - fab);
        }
        const double v = variance[b];
        s1[b] = v > 0 ? first_sum / static_cast<double>(n) / v : kNaN;
        st[b] = v > 0 ? total_sum / static_cast<double>(2 * n) / v : kNaN;
      }
      store(first, i * outcomes + o, s1, confidence);
      store(total, i * outcomes + o, st, confidence);
    }
  }
  results.indices.push_back(std::move(first));
  results.indices.push_back(std::move(total));
}

void morris_indices(const SensitivityDesign& design, const std::vector<double>& y,
                    double confidence, std::uint64_t seed, SensitivityResults& results) {
  const std::size_t k = design.parameters.size();
  const std::size_t outcomes = design.outcomes.size();
  const auto r = static_cast<std::size_t>(design.trajectories);
  const auto resamples = static_cast<std::size_t>(design.bootstrap) + 1;
  const std::string unit = "outcome per parameter range";
  SensitivityIndex mu_star = make_index(
      "mu_star", unit,
      "mean absolute elementary effect (Campolongo et al. 2007): the outcome's change per "
      "change of the parameter by its whole range",
      k * outcomes);
  SensitivityIndex mu = make_index("mu", unit, "mean elementary effect (signed)", k * outcomes);
  SensitivityIndex sigma = make_index(
      "sigma", unit, "standard deviation of the elementary effects: non-linearity and interactions",
      k * outcomes);
  const Resamples draw(seed, r);
  // effects[t * k + i]: trajectory t's elementary effect of parameter i.
  std::vector<double> effects(r * k);
  std::vector<double> m_star(resamples);
  std::vector<double> m(resamples);
  std::vector<double> s(resamples);
  for (std::size_t o = 0; o < outcomes; ++o) {
    for (std::size_t t = 0; t < r; ++t) {
      for (std::size_t step = 0; step < k; ++step) {
        const std::size_t i = design.morris_order[t * k + step];
        const std::size_t row = t * (k + 1) + step;
        effects[t * k + i] =
            (y[(row + 1) * outcomes + o] - y[row * outcomes + o]) / design.morris_step[t * k + i];
      }
    }
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t b = 0; b < resamples; ++b) {
        double sum = 0;
        double absolute = 0;
        for (std::size_t t = 0; t < r; ++t) {
          const double e = effects[draw.at(b, t) * k + i];
          sum += e;
          absolute += std::abs(e);
        }
        const double mean = sum / static_cast<double>(r);
        double squares = 0;
        for (std::size_t t = 0; t < r; ++t) {
          const double e = effects[draw.at(b, t) * k + i];
          squares += (e - mean) * (e - mean);
        }
        m[b] = mean;
        m_star[b] = absolute / static_cast<double>(r);
        s[b] = std::sqrt(squares / static_cast<double>(r - 1));
      }
      store(mu_star, i * outcomes + o, m_star, confidence);
      store(mu, i * outcomes + o, m, confidence);
      store(sigma, i * outcomes + o, s, confidence);
    }
  }
  results.indices.push_back(std::move(mu_star));
  results.indices.push_back(std::move(mu));
  results.indices.push_back(std::move(sigma));
}

}  // namespace

double outcome_value(const SensitivityOutcome& outcome, const MetricSet& metrics,
                     std::span<const double> reals, std::span<const std::int64_t> integers,
                     std::int64_t rows) {
  const MetricSpec& spec = metrics.spec(metrics.find(outcome.metric));
  const bool real = spec.type == MetricType::Real;
  const std::size_t width = real ? metrics.real_count() : metrics.integer_count();
  double result = 0;
  const std::int64_t window = std::min(outcome.window, rows - 1);
  for (std::int64_t row = rows - window; row < rows; ++row) {
    const std::size_t at = static_cast<std::size_t>(row) * width + spec.offset;
    const double value = real ? reals[at] : static_cast<double>(integers[at]);
    switch (outcome.statistic) {
      case SensitivityOutcome::Statistic::Mean:
      case SensitivityOutcome::Statistic::Sum:
        result += value;
        break;
      case SensitivityOutcome::Statistic::Min:
        result = row == rows - window ? value : std::min(result, value);
        break;
      case SensitivityOutcome::Statistic::Max:
        result = row == rows - window ? value : std::max(result, value);
        break;
    }
  }
  if (outcome.statistic == SensitivityOutcome::Statistic::Mean) {
    result /= static_cast<double>(window);
  }
  return result;
}

SensitivityResults estimate_sensitivity(const SensitivityDesign& design,
                                        std::vector<double> responses, double confidence,
                                        std::uint64_t seed) {
  SensitivityResults results;
  results.responses = std::move(responses);
  if (design.method == SensitivityMethod::Sobol) {
    sobol_indices(design, results.responses, confidence, seed, results);
  } else {
    morris_indices(design, results.responses, confidence, seed, results);
  }
  return results;
}

std::vector<ResultTable> sensitivity_tables(const SensitivityDesign& design,
                                            const SensitivityResults& results, double confidence) {
  const std::size_t k = design.parameters.size();
  const std::size_t outcomes = design.outcomes.size();
  const bool sobol = design.method == SensitivityMethod::Sobol;
  // Ranked by the total index (Sobol) or mu* (Morris), the first index stored.
  const SensitivityIndex& key = sobol ? results.indices.at(1) : results.indices.at(0);
  const std::string level =
      std::to_string(static_cast<int>(std::lround(confidence * 100))) + "% bootstrap interval";
  std::vector<ResultTable> tables;
  for (std::size_t o = 0; o < outcomes; ++o) {
    std::vector<std::size_t> order(k);
    for (std::size_t i = 0; i < k; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double x = key.estimate[a * outcomes + o];
      const double y = key.estimate[b * outcomes + o];
      return x > y || (std::isfinite(x) && !std::isfinite(y));
    });
    ResultTable table{"sensitivity: " + design.outcomes[o].label,
                      std::string(sobol ? "Sobol indices" : "Morris elementary effects") +
                          ", parameters ranked by " + (sobol ? "the total index" : "mu*") +
                          ", with the " + level,
                      {}};
    std::vector<std::string> rank;
    std::vector<std::string> names;
    for (std::size_t r = 0; r < k; ++r) {
      rank.push_back(std::to_string(r + 1));
      names.push_back(design.parameters[order[r]].path);
    }
    table.columns.push_back({"rank", "", rank});
    table.columns.push_back({"parameter", "", names});
    const std::vector<std::size_t> shown =
        sobol ? std::vector<std::size_t>{1, 0} : std::vector<std::size_t>{0, 1, 2};
    for (const std::size_t which : shown) {
      const SensitivityIndex& index = results.indices.at(which);
      std::vector<double> estimate, lower, upper;
      for (const std::size_t i : order) {
        estimate.push_back(index.estimate[i * outcomes + o]);
        lower.push_back(index.lower[i * outcomes + o]);
        upper.push_back(index.upper[i * outcomes + o]);
      }
      table.columns.push_back({index.name, "", estimate});
      table.columns.push_back({index.name + " lower", "", lower});
      table.columns.push_back({index.name + " upper", "", upper});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace cpsim

// The simulated method of moments: NLopt's bounded search over the unit cube
// of the parameters, then the fit, sensitivity and covariance at the best
// point found (docs/calibration.md).
#include "cpsim/engine/calibration_estimate.hpp"

#include <nlopt.h>

#include <cmath>
#include <exception>
#include <limits>
#include <memory>

#include "cpsim/engine/confidence_interval.hpp"

namespace cpsim {

std::vector<double> MomentSamples::means() const {
  const std::size_t moments = seeds == 0 ? 0 : values.size() / seeds;
  std::vector<double> result(moments, 0.0);
  for (std::size_t k = 0; k < moments; ++k) {
    double sum = 0;
    for (std::size_t r = 0; r < seeds; ++r) sum += values[k * seeds + r];
    result[k] = sum / static_cast<double>(seeds);
  }
  return result;
}

double moment_objective(const Calibration& calibration, std::span<const double> means) {
  double sum = 0;
  for (std::size_t k = 0; k < calibration.moments.size(); ++k) {
    const double gap = means[k] - calibration.moments[k].target;
    sum += calibration.moments[k].weight * gap * gap;
  }
  return sum;
}

std::vector<double> smm_covariance(std::span<const double> sensitivity,
                                   std::span<const double> weights, std::size_t parameters,
                                   std::size_t seeds) {
  const std::size_t n = parameters;
  const std::size_t m = weights.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // A = G' W G, then its inverse through the Cholesky factor A = L L'.
  std::vector<double> a(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t k = 0; k < m; ++k) {
        a[i * n + j] += sensitivity[k * n + i] * weights[k] * sensitivity[k * n + j];
      }
    }
  }
  std::vector<double> l(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
    // Relative to the diagonal: a parameter no moment moves makes A singular.
    if (!(d > 1e-12 * std::abs(a[j * n + j])) || !std::isfinite(d)) {
      return std::vector<double>(n * n, nan);
    }
    l[j * n + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / l[j * n + j];
    }
  }
  // Columns of A^-1: solve L y = e_c, then L' x = y.
  const double inflation = 1 + 1 / static_cast<double>(seeds);
  std::vector<double> inverse(n * n, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<double> y(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      double s = i == c ? 1.0 : 0.0;
      for (std::size_t k = 0; k < i; ++k) s -= l[i * n + k] * y[k];
      y[i] = s / l[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {
      double s = y[i];
      for (std::size_t k = i + 1; k < n; ++k) s -= l[k * n + i] * inverse[k * n + c];
      inverse[i * n + c] = s / l[i * n + i];
    }
  }
  for (double& v : inverse) v *= inflation;
  return inverse;
}

namespace {

/// The search state NLopt's callback sees: every evaluation goes to the
/// trace, the best (lowest objective, the first on a tie) is kept.
struct Search {
  const Calibration& calibration;
  const EvaluateMoments& evaluate;
  const OnEvaluation& on_evaluation;
  CalibrationResult& result;
  std::string phase;
  double best = std::numeric_limits<double>::infinity();
  std::exception_ptr failure;
  nlopt_opt opt = nullptr;

  [[nodiscard]] std::vector<double> to_x(const double* u) const {
    std::vector<double> x(calibration.parameters.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const CalibrationParameter& p = calibration.parameters[i];
      // Clamped: the unit cube's bounds must give exactly the file's bounds.
      x[i] = std::min(p.upper, std::max(p.lower, p.lower + u[i] * (p.upper - p.lower)));
    }
    return x;
  }

  double objective(const double* u) {
    if (failure) return std::numeric_limits<double>::infinity();
    try {
      const std::vector<double> x = to_x(u);
      MomentSamples samples = evaluate(x);
      const double value = moment_objective(calibration, samples.means());
      result.trace_objective.push_back(value);
      result.trace_parameters.insert(result.trace_parameters.end(), x.begin(), x.end());
      result.trace_phase.push_back(phase);
      ++result.evaluations;
      if (value < best) {
        best = value;
        result.estimate = x;
        result.objective = value;
        result.samples = std::move(samples);
      }
      if (on_evaluation) on_evaluation(result.evaluations, value, x);
      return value;
    } catch (...) {
      failure = std::current_exception();
      nlopt_force_stop(opt);
      return std::numeric_limits<double>::infinity();
    }
  }
};

double nlopt_objective(unsigned /*n*/, const double* u, double* /*gradient*/, void* data) {
  return static_cast<Search*>(data)->objective(u);
}

/// Runs `algorithm` from u (in place) for at most `evaluations`.
nlopt_result run_phase(Search& search, const std::string& algorithm, std::int64_t evaluations,
                       std::vector<double>& u) {
  const CalibrationMethod& method = search.calibration.method;
  const auto n = static_cast<unsigned>(u.size());
  const nlopt_algorithm code = nlopt_algorithm_from_string(algorithm.c_str());
  const std::unique_ptr<nlopt_opt_s, void (*)(nlopt_opt)> opt(nlopt_create(code, n), nlopt_destroy);
  if (!opt) throw std::runtime_error("NLopt cannot create algorithm " + algorithm);
  search.opt = opt.get();
  search.phase = algorithm;
  const std::vector<double> lower(n, 0.0);
  const std::vector<double> upper(n, 1.0);
  nlopt_set_lower_bounds(opt.get(), lower.data());
  nlopt_set_upper_bounds(opt.get(), upper.data());
  nlopt_set_min_objective(opt.get(), nlopt_objective, &search);
  nlopt_set_maxeval(opt.get(), static_cast<int>(evaluations));
  nlopt_set_xtol_rel(opt.get(), method.xtol_rel);
  nlopt_set_ftol_abs(opt.get(), method.ftol_abs);
  if (algorithm.starts_with("LN_")) nlopt_set_initial_step1(opt.get(), method.initial_step);
  // Stochastic global algorithms draw from NLopt's one generator: seeded
  // here, so the search is the same every time.
  nlopt_srand(static_cast<unsigned long>(method.seed));
  double value = 0;
  const nlopt_result status = nlopt_optimize(opt.get(), u.data(), &value);
  search.opt = nullptr;
  if (search.failure) std::rethrow_exception(search.failure);
  return status;
}

}  // namespace

CalibrationResult calibrate(const Calibration& calibration, const EvaluateMoments& evaluate,
                            const OnEvaluation& on_evaluation) {
  CalibrationResult result;
  const std::size_t n = calibration.parameters.size();
  const std::size_t m = calibration.moments.size();
  Search search{calibration, evaluate, on_evaluation, result, "", 0, nullptr, nullptr};
  search.best = std::numeric_limits<double>::infinity();
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) {
    const CalibrationParameter& p = calibration.parameters[i];
    u[i] = (p.start - p.lower) / (p.upper - p.lower);
  }
  const CalibrationMethod& method = calibration.method;
  nlopt_result status = run_phase(search, method.algorithm, method.max_evaluations, u);
  if (!method.local.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      const CalibrationParameter& p = calibration.parameters[i];
      u[i] = (result.estimate[i] - p.lower) / (p.upper - p.lower);
    }
    status = run_phase(search, method.local, method.local_max_evaluations, u);
  }
  result.converged = status == NLOPT_SUCCESS || status == NLOPT_FTOL_REACHED ||
                     status == NLOPT_XTOL_REACHED || status == NLOPT_STOPVAL_REACHED;
  result.stop_reason = nlopt_result_to_string(status);

  // --- the fit at the estimate
  const std::size_t seeds = result.samples.seeds;
  for (std::size_t k = 0; k < m; ++k) {
    const DifferenceSummary summary = summarize_differences(
        std::span<const double>(result.samples.values).subspan(k * seeds, seeds),
        calibration.confidence);
    result.fit.push_back({summary.mean, summary.ci_low, summary.ci_high});
  }

  // --- sensitivity by central differences (one-sided at a bound)
  result.sensitivity.assign(m * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const CalibrationParameter& p = calibration.parameters[i];
    const double h = calibration.sensitivity_step * (p.upper - p.lower);
    std::vector<double> plus = result.estimate;
    std::vector<double> minus = result.estimate;
    plus[i] = std::min(p.upper, result.estimate[i] + h);
    minus[i] = std::max(p.lower, result.estimate[i] - h);
    const std::vector<double> up = evaluate(plus).means();
    const std::vector<double> down = evaluate(minus).means();
    result.sensitivity_evaluations += 2;
    const double dx = plus[i] - minus[i];
    result.sensitivity_step.push_back(dx);
    for (std::size_t k = 0; k < m; ++k) result.sensitivity[k * n + i] = (up[k] - down[k]) / dx;
  }
  std::vector<double> weights;
  for (const CalibrationMoment& moment : calibration.moments) weights.push_back(moment.weight);
  result.covariance = smm_covariance(result.sensitivity, weights, n, seeds);
  for (std::size_t i = 0; i < n; ++i) {
    result.standard_error.push_back(std::sqrt(result.covariance[i * n + i]));
  }
  return result;
}

}  // namespace cpsim

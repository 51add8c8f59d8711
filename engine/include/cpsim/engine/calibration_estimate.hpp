#pragma once
// The simulated method of moments (docs/calibration.md): an NLopt search of
// the bounded parameters for the smallest
//   J(x) = sum_k w_k (mean over seeds of moment k at x - target_k)^2,
// w_k = 1 / se_k^2, with the same seeds at every x (common random numbers,
// so J is a deterministic function of x); then, at the estimate, the moment
// fit, the sensitivity d moment / d parameter by central differences, and
// the covariance (1 + 1/S) (G' W G)^-1 of the estimate (S seeds; the 1/S for
// the simulation noise of the simulated moments).
//
// Model-agnostic: the caller runs the model (app/calibrate_command.cpp runs
// an evaluation's seeds as a study runs its replicates, in parallel and
// across MPI ranks) and hands back each seed's moments.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/calibration.hpp"

namespace cpsim {

/// One evaluation's moments, seed by seed: values[k * seeds + r].
struct MomentSamples {
  std::size_t seeds = 0;
  std::vector<double> values;
  [[nodiscard]] std::vector<double> means() const;  ///< per moment
};

/// Runs the model at x (parameter values, in the calibration's order).
using EvaluateMoments = std::function<MomentSamples(std::span<const double> x)>;

/// Thrown by an EvaluateMoments that was stopped (a signal): the calibration
/// ends without a result.
struct CalibrationStopped {};

struct MomentFit {
  double mean = 0;   ///< over seeds
  double lower = 0;  ///< Student-t interval of the mean at the calibration's confidence
  double upper = 0;
};

struct CalibrationResult {
  std::vector<double> estimate;
  double objective = 0;
  bool converged = false;        ///< the last algorithm met a tolerance (not max_evaluations)
  std::string stop_reason;       ///< NLopt's, of the last algorithm
  std::int64_t evaluations = 0;  ///< of the search (the trace's rows)
  std::int64_t sensitivity_evaluations = 0;
  std::vector<double> trace_objective;   ///< per search evaluation
  std::vector<double> trace_parameters;  ///< evaluations x parameters
  std::vector<std::string> trace_phase;  ///< the algorithm of each evaluation
  MomentSamples samples;                 ///< at the estimate
  std::vector<MomentFit> fit;            ///< per moment, at the estimate
  std::vector<double> sensitivity_step;  ///< per parameter, the x+ - x- used
  std::vector<double> sensitivity;       ///< moments x parameters
  std::vector<double> covariance;        ///< parameters x parameters; NaN when singular
  std::vector<double> standard_error;    ///< sqrt of the covariance's diagonal
};

/// sum_k weight_k (means_k - target_k)^2.
double moment_objective(const Calibration& calibration, std::span<const double> means);

/// (1 + 1/seeds) (G' W G)^-1 for G (moments x parameters, row-major) and
/// W = diag(weights); all NaN when G' W G is singular or not positive definite.
std::vector<double> smm_covariance(std::span<const double> sensitivity,
                                   std::span<const double> weights, std::size_t parameters,
                                   std::size_t seeds);

/// Called after each search evaluation: (evaluation, objective, x).
using OnEvaluation = std::function<void(std::int64_t, double, std::span<const double>)>;

/// The whole estimation. Deterministic: the same calibration and the same
/// evaluate give the same result bit for bit. Throws what evaluate throws
/// (CalibrationStopped, SimulationError).
CalibrationResult calibrate(const Calibration& calibration, const EvaluateMoments& evaluate,
                            const OnEvaluation& on_evaluation = {});

}  // namespace cpsim

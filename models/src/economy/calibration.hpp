#pragma once
// The calibration table of a run: each target (value or range, source) beside
// the value simulated over the first simulated year (steps 1-12, or fewer if
// the run was shorter).
#include <vector>

#include "cpsim/engine/result_table.hpp"
#include "economy/metrics.hpp"

namespace cpsim::models::economy {

struct CalibrationRow {
  const char* target;
  double low, high;
  double simulated;
  const char* unit;
  const char* kind;  ///< "target" (the issue's calibration) or "context"
  const char* source;
};

/// samples[0] is step 1. Empty if no step was run.
/// `residents`: the scenario's population, for the per-resident context rows.
std::vector<CalibrationRow> calibration_rows(const std::vector<CalibrationSample>& samples,
                                             double residents);
ResultTable calibration_table(const std::vector<CalibrationSample>& samples, double residents);

}  // namespace cpsim::models::economy

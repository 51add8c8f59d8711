#include "cpsim/engine/study_results.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cpsim/engine/study.hpp"

namespace cpsim {
namespace {

/// reform - baseline of one value, exact for integer metrics.
double difference(const MetricSet& metrics, const MetricSpec& spec, const RunTrajectory& reform,
                  const RunTrajectory& baseline, std::size_t row, std::size_t element) {
  if (spec.type == MetricType::Real) {
    const std::size_t at = row * metrics.real_count() + spec.offset + element;
    return reform.reals[at] - baseline.reals[at];
  }
  const std::size_t at = row * metrics.integer_count() + spec.offset + element;
  return static_cast<double>(reform.integers[at] - baseline.integers[at]);
}

double value(const MetricSet& metrics, const MetricSpec& spec, const RunTrajectory& run,
             std::size_t row, std::size_t element) {
  if (spec.type == MetricType::Real) {
    return run.reals[row * metrics.real_count() + spec.offset + element];
  }
  return static_cast<double>(run.integers[row * metrics.integer_count() + spec.offset + element]);
}

double mean_of(const MetricSet& metrics, const MetricSpec& spec,
               std::span<const RunTrajectory> runs, std::size_t row, std::size_t element) {
  double sum = 0;
  for (const RunTrajectory& run : runs) sum += value(metrics, spec, run, row, element);
  return sum / static_cast<double>(runs.size());
}

}  // namespace

void RunTrajectory::append(const MetricRow& row) {
  reals.insert(reals.end(), row.reals().begin(), row.reals().end());
  integers.insert(integers.end(), row.integers().begin(), row.integers().end());
}

ContrastStatistics compare_runs(const MetricSet& metrics, std::int64_t rows,
                                std::span<const RunTrajectory> reform,
                                std::span<const RunTrajectory> baseline, double confidence) {
  if (reform.size() != baseline.size() || reform.empty()) {
    throw std::invalid_argument("compare_runs: needs the same non-zero number of replicates");
  }
  ContrastStatistics statistics;
  statistics.n = static_cast<std::int64_t>(reform.size());
  std::vector<double> differences(reform.size());
  for (const MetricSpec& spec : metrics.specs()) {
    ContrastStatistics::PerMetric out;
    const std::size_t count = static_cast<std::size_t>(rows) * spec.size;
    for (auto* array : {&out.mean_difference, &out.sd, &out.ci_low, &out.ci_high,
                        &out.baseline_mean, &out.reform_mean}) {
      array->resize(count);
    }
    for (std::size_t row = 0; row < static_cast<std::size_t>(rows); ++row) {
      for (std::size_t element = 0; element < spec.size; ++element) {
        for (std::size_t r = 0; r < reform.size(); ++r) {
          differences[r] = difference(metrics, spec, reform[r], baseline[r], row, element);
        }
        const DifferenceSummary summary = summarize_differences(differences, confidence);
        const std::size_t at = row * spec.size + element;
        out.mean_difference[at] = summary.mean;
        out.sd[at] = summary.sd;
        out.ci_low[at] = summary.ci_low;
        out.ci_high[at] = summary.ci_high;
        out.baseline_mean[at] = mean_of(metrics, spec, baseline, row, element);
        out.reform_mean[at] = mean_of(metrics, spec, reform, row, element);
      }
    }
    statistics.metrics.push_back(std::move(out));
  }
  return statistics;
}

std::vector<ContrastSummaryRow> summarize_contrasts(const Study& study, const StudyResults& results,
                                                    const std::vector<std::string>& metric_names,
                                                    std::int64_t window) {
  std::vector<std::size_t> chosen;
  const auto& specs = results.metrics.specs();
  if (metric_names.empty()) {
    for (std::size_t m = 0; m < specs.size(); ++m) {
      if (specs[m].size == 1) chosen.push_back(m);
    }
  } else {
    for (const auto& name : metric_names) chosen.push_back(results.metrics.find(name));
  }
  const auto replicates = static_cast<std::size_t>(study.replicates);
  const std::size_t last = static_cast<std::size_t>(results.rows) - 1;
  // The window covers simulated steps only, never the initial state.
  const std::size_t span =
      std::min(static_cast<std::size_t>(std::max<std::int64_t>(window, 0)), last);
  std::vector<ContrastSummaryRow> rows;
  for (std::size_t c = 0; c < study.contrasts.size(); ++c) {
    const StudyContrast& contrast = study.contrasts[c];
    const std::span<const RunTrajectory> reform(&results.runs[contrast.reform * replicates],
                                                replicates);
    const std::span<const RunTrajectory> baseline(&results.runs[contrast.baseline * replicates],
                                                  replicates);
    for (const std::size_t m : chosen) {
      const MetricSpec& spec = specs.at(m);
      const auto& statistics = results.contrasts[c].metrics[m];
      ContrastSummaryRow row;
      row.contrast = contrast.label;
      row.metric = spec.name;
      row.unit = spec.unit;
      row.baseline_mean = statistics.baseline_mean[last];
      row.reform_mean = statistics.reform_mean[last];
      row.final_step = {results.contrasts[c].n, statistics.mean_difference[last],
                        statistics.sd[last], statistics.ci_low[last], statistics.ci_high[last]};
      if (span > 0) {
        // A replicate's window mean is over the steps where both runs are
        // defined (a metric declared undefined where a condition holds); NaN
        // when there is none.
        std::vector<double> averages(replicates, 0.0);
        for (std::size_t r = 0; r < replicates; ++r) {
          std::size_t defined = 0;
          for (std::size_t step = last + 1 - span; step <= last; ++step) {
            const double d = difference(results.metrics, spec, reform[r], baseline[r], step, 0);
            if (std::isnan(d)) continue;
            averages[r] += d;
            ++defined;
          }
          averages[r] = defined > 0 ? averages[r] / static_cast<double>(defined)
                                    : std::numeric_limits<double>::quiet_NaN();
        }
        row.window = summarize_differences(averages, study.confidence);
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace cpsim

namespace cpsim {

namespace {

MeasureGrid empty_grid(const Study& study, const std::vector<std::int64_t>& years) {
  MeasureGrid grid;
  for (const StudyContrast& contrast : study.contrasts) grid.contrasts.push_back(contrast.label);
  grid.years = years;
  for (const std::int64_t y : years) grid.year_steps.push_back(y * study.steps_per_year);
  return grid;
}

}  // namespace

MeasureGrid household_grid(const Study& study, const StudyResults& results) {
  const PanelSpec& spec = study.households.value();
  MeasureGrid grid = empty_grid(study, spec.years);
  const auto replicates = static_cast<std::size_t>(study.replicates);
  for (const StudyContrast& contrast : study.contrasts) {
    for (std::size_t k = 0; k < spec.years.size(); ++k) {
      std::vector<MeasureSet> pairs;
      for (std::size_t r = 0; r < replicates; ++r) {
        pairs.push_back(
            compare_households(results.panels.at(contrast.baseline * replicates + r).at(k),
                               results.panels.at(contrast.reform * replicates + r).at(k), spec));
      }
      grid.cells.push_back(summarise_measures(pairs, study.confidence));
    }
  }
  return grid;
}

MeasureGrid budget_grid(const Study& study, const StudyResults& results) {
  const BudgetSpec& spec = study.budget.value();
  std::vector<std::int64_t> years;
  if (study.steps_per_year > 0) {
    for (std::int64_t y = 1; y * study.steps_per_year <= results.rows - 1; ++y) years.push_back(y);
  }
  MeasureGrid grid = empty_grid(study, years);
  const auto replicates = static_cast<std::size_t>(study.replicates);
  for (const StudyContrast& contrast : study.contrasts) {
    std::vector<std::vector<MeasureSet>> by_replicate;
    for (std::size_t r = 0; r < replicates; ++r) {
      by_replicate.push_back(compare_budget(
          spec, results.metrics, results.rows, results.runs[contrast.reform * replicates + r],
          results.runs[contrast.baseline * replicates + r], study.steps_per_year, study.scale));
    }
    for (std::size_t k = 0; k < years.size(); ++k) {
      std::vector<MeasureSet> pairs;
      for (const auto& run : by_replicate) pairs.push_back(run.at(k));
      grid.cells.push_back(summarise_measures(pairs, study.confidence));
    }
  }
  return grid;
}

}  // namespace cpsim

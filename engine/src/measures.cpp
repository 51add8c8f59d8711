#include "cpsim/engine/measures.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "cpsim/engine/confidence_interval.hpp"

namespace cpsim {

std::size_t MeasureSet::dimension(const std::string& name, const std::vector<std::string>& labels) {
  for (std::size_t d = 0; d < dimensions.size(); ++d) {
    if (dimensions[d].name != name) continue;
    if (dimensions[d].labels != labels) {
      throw std::logic_error("measure dimension '" + name + "' declared with other labels");
    }
    return d;
  }
  dimensions.push_back({name, labels});
  return dimensions.size() - 1;
}

Measure& MeasureSet::add(std::string name, std::string unit, std::string description,
                         std::vector<std::size_t> dims) {
  Measure measure{std::move(name), std::move(unit), std::move(description), std::move(dims), {}};
  measure.values.assign(size_of(measure), 0.0);
  measures.push_back(std::move(measure));
  return measures.back();
}

const Measure* MeasureSet::find(const std::string& name) const {
  for (const Measure& measure : measures) {
    if (measure.name == name) return &measure;
  }
  return nullptr;
}

std::size_t MeasureSet::size_of(const Measure& measure) const {
  std::size_t size = 1;
  for (const std::size_t d : measure.dimensions) size *= dimensions.at(d).labels.size();
  return size;
}

const std::vector<std::string>& estimate_labels() {
  static const std::vector<std::string> labels = {"mean", "ci_low", "ci_high", "sd"};
  return labels;
}

MeasureSet summarise_measures(std::span<const MeasureSet> replicates, double confidence) {
  if (replicates.empty()) throw std::invalid_argument("summarise_measures: no replicate");
  const MeasureSet& first = replicates.front();
  MeasureSet out;
  out.dimensions = first.dimensions;
  const std::size_t estimate = out.dimension("estimate", estimate_labels());
  std::vector<double> values(replicates.size());
  for (std::size_t m = 0; m < first.measures.size(); ++m) {
    const Measure& measure = first.measures[m];
    std::vector<std::size_t> dims = measure.dimensions;
    dims.push_back(estimate);
    Measure& summary = out.add(measure.name, measure.unit, measure.description, dims);
    for (std::size_t i = 0; i < measure.values.size(); ++i) {
      for (std::size_t r = 0; r < replicates.size(); ++r) {
        const Measure& mine = replicates[r].measures.at(m);
        if (mine.name != measure.name || mine.values.size() != measure.values.size()) {
          throw std::logic_error("summarise_measures: replicates differ in layout");
        }
        values[r] = mine.values[i];
      }
      double* at = &summary.values[i * 4];
      if (replicates.size() == 1) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        at[0] = values[0];
        at[1] = at[2] = at[3] = nan;
        continue;
      }
      const DifferenceSummary s = summarize_differences(values, confidence);
      at[0] = s.mean;
      at[1] = s.ci_low;
      at[2] = s.ci_high;
      at[3] = s.sd;
    }
  }
  return out;
}

}  // namespace cpsim

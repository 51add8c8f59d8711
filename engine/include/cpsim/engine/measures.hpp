#pragma once
// Named arrays over labelled dimensions, the form in which a study stores
// what it derives from pairs of runs (the household comparison and the
// budget, docs/studies.md): one MeasureSet per replicate pair, summarised
// over replicates into mean, interval and sd along an `estimate` dimension,
// then written as a grid over (contrast, year) that opens in xarray.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

namespace cpsim {

struct MeasureDimension {
  std::string name;
  std::vector<std::string> labels;
};

struct Measure {
  std::string name;
  std::string unit;
  std::string description;
  std::vector<std::size_t> dimensions;  ///< into MeasureSet::dimensions
  std::vector<double> values;           ///< row-major, last dimension fastest
};

struct MeasureSet {
  std::vector<MeasureDimension> dimensions;
  /// A deque: the reference add() returns stays valid while more are added.
  std::deque<Measure> measures;

  /// The dimension with this name (added if absent; its labels must match).
  std::size_t dimension(const std::string& name, const std::vector<std::string>& labels);
  /// Adds a measure over `dims`, its values zero; returns it (the reference
  /// stays valid while further measures are added).
  Measure& add(std::string name, std::string unit, std::string description,
               std::vector<std::size_t> dims = {});
  [[nodiscard]] const Measure* find(const std::string& name) const;
  [[nodiscard]] std::size_t size_of(const Measure& measure) const;
};

/// The labels of the `estimate` dimension a summary appends.
const std::vector<std::string>& estimate_labels();  ///< mean, ci_low, ci_high, sd

/// Every measure's mean over `replicates` (same layout each) with its
/// two-sided Student-t interval at `confidence` and its sd, along a new last
/// dimension `estimate`. With one replicate the interval and sd are NaN.
MeasureSet summarise_measures(std::span<const MeasureSet> replicates, double confidence);

/// Summaries over (contrast, year): cells[c * years.size() + y], each a
/// summarise_measures result of the same layout.
struct MeasureGrid {
  std::vector<std::string> contrasts;
  std::vector<std::int64_t> years;       ///< simulated years, 1-based
  std::vector<std::int64_t> year_steps;  ///< the step that ends each year
  std::vector<MeasureSet> cells;
  [[nodiscard]] const MeasureSet& at(std::size_t contrast, std::size_t year) const {
    return cells.at(contrast * years.size() + year);
  }
};

}  // namespace cpsim

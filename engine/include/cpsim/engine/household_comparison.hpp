#pragma once
// Household-level comparison of a reform with its baseline (docs/studies.md,
// "Household comparison"). Under common random numbers a reform and its
// baseline hold the same households (the same agent ids) until policies
// change them; matched by id, each household's change in per-capita income
// is measured against its baseline income decile (person-weighted), sorted
// into PolicyEngine's five winner/loser bands, and summed by group; poverty
// and inequality are measured on both panels. Model-agnostic: a PanelSpec
// names the table and its columns (a study's `households:` block).
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cpsim/engine/measures.hpp"

namespace cpsim {

class AgentTable;

/// A grouping of households read from an integer column: a household takes
/// the first label whose mask bits are all set in the column, else `other`.
struct PanelGroup {
  std::string name;    ///< the dimension's name, e.g. "residence"
  std::string column;  ///< an integer column (bit flags or codes)
  std::vector<std::pair<std::string, std::uint64_t>> masks;
  std::string other;
  /// Optional: two labels whose mean per-capita incomes form a ratio
  /// (urban over rural).
  std::vector<std::string> ratio;
  [[nodiscard]] std::vector<std::string> labels() const;  ///< masks' labels, then other
};

struct PanelSpec {
  std::string table;
  /// The household's disposable income over the year that ends at the
  /// panel's step (money; a column in fen is read in RMB).
  std::string income;
  /// Age groups: (label, column counting the household's members of it).
  /// Their sum is the household's size, the person weight.
  std::vector<std::pair<std::string, std::string>> persons;
  std::vector<PanelGroup> groups;  ///< the first also decomposes Theil T
  double relative_poverty = 0.5;   ///< relative line: this share of the median
  std::vector<std::pair<std::string, double>> poverty_lines;  ///< RMB/person/year
  std::vector<std::int64_t> years;  ///< 1-based; empty: every full year of the run
  [[nodiscard]] std::vector<std::string> columns() const;  ///< every column read
};

/// One run's households at one step, reduced to what the comparison needs.
struct HouseholdPanel {
  std::vector<std::uint64_t> id;
  std::vector<double> income;                     ///< RMB over the year
  std::vector<std::vector<double>> persons;       ///< per age group
  std::vector<std::vector<std::uint32_t>> group;  ///< per PanelGroup: index into labels()
  [[nodiscard]] std::size_t size() const noexcept { return id.size(); }
};

/// Raw columns of a panel (from a table or a file), `income_unit` the
/// income column's unit ("fen" is converted to RMB).
struct PanelColumns {
  std::vector<std::uint64_t> id;
  std::vector<double> income;
  std::string income_unit;
  std::vector<std::vector<double>> persons;
  std::vector<std::vector<std::uint64_t>> groups;
};
HouseholdPanel make_panel(PanelColumns columns, const PanelSpec& spec);

/// Reads the panel from a live table; throws std::invalid_argument
/// ("table 'T' has no column 'C'", "column 'C' is not an integer column").
HouseholdPanel capture_panel(const AgentTable& table, const PanelSpec& spec);

/// The five bands of a household's relative change in per-capita income,
/// as PolicyEngine draws them: gain > 5 %, gain <= 5 %, no change (within
/// 0.1 %), loss <= 5 %, loss > 5 %.
const std::vector<std::string>& band_labels();
/// The band of a relative change (0..4, in band_labels() order).
std::size_t band_of(double relative_change) noexcept;

/// Decile (0..9) of each household by per-capita income, person-weighted:
/// households sorted by income (ties by id), a household belongs to the
/// decile that holds the midpoint of its persons. Households of weight 0
/// get decile 0 and weigh nothing.
std::vector<std::uint8_t> income_deciles(std::span<const double> per_capita,
                                         std::span<const double> weight,
                                         std::span<const std::uint64_t> id);

/// Measures of one replicate pair (docs/studies.md lists them). Households
/// are matched by id; those in one panel only, or of size 0 in the
/// baseline, are left out (counted in `households_unmatched`).
MeasureSet compare_households(const HouseholdPanel& baseline, const HouseholdPanel& reform,
                              const PanelSpec& spec);

}  // namespace cpsim

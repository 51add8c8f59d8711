#pragma once
// The district's geography from a table instead of the counts of
// `population` (`region_table.file` in a scenario; docs/scenarios.md,
// "Regions from a table"). One row per region:
//   name       unique, the region's name
//   parent     the area it belongs to (a subdistrict, town, district or city:
//              the "area" dimension of the per-area metrics)
//   residence  urban (a community) or rural (a village)
//   residents  its resident population (any scale: only the shares count)
// Other columns are ignored. Regions are numbered urban rows first, then
// rural rows, each in table order; areas in the order their names first
// appear among the urban rows, then among the rural rows. The residents of
// population.residents are apportioned to the regions by their shares
// (largest remainders, apportion.hpp); each region needs at least one.
// With a table, population.urban_communities, villages, subdistricts, towns
// and rural_share are derived from it (read_parameters sets them).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "economy/parameters.hpp"

namespace cpsim {
class DataTable;
class Parameters;
}  // namespace cpsim

namespace cpsim::models::economy {

struct RegionTable {
  std::string source;
  std::vector<std::string> names;   ///< by region index
  std::vector<std::uint8_t> rural;  ///< by region index
  std::vector<std::uint16_t> area;  ///< by region index: into area_names
  std::vector<std::string> area_names;
  std::vector<std::int64_t> residents;  ///< by region index, at population.residents
  std::size_t communities = 0, villages = 0;
  std::size_t urban_areas = 0;  ///< areas first named by an urban row
};

/// Checks a region table and apportions `residents` to its regions.
/// ScenarioError at the first bad cell ("FILE:LINE: COLUMN: ...").
RegionTable read_region_rows(const DataTable& table, std::int64_t residents);

/// The table named by `region_table.file` (null when it is ""), read relative
/// to the scenario file that names it; sets p.population's counts and
/// rural_share from it. A file that cannot be read fails at the key (exit 2).
std::shared_ptr<const RegionTable> read_region_table(const cpsim::Parameters& parameters,
                                                     EconomyParameters& p);

}  // namespace cpsim::models::economy

#pragma once
// The district's geography from a table instead of the counts of
// `population` (`region_table.file` in a scenario; docs/scenarios.md,
// "Regions from a table"). One row per region:
//   name       unique, the region's name
//   parent     the area it belongs to (a subdistrict, town, district or city:
//              the "area" dimension of the per-area metrics)
//   residence  urban (a community) or rural (a village)
//   residents  its resident population (any scale: only the shares count)
// and two optional kinds of column (a cell left empty: the scenario's own):
//   income     per-capita disposable income (RMB a year, any period), > 0:
//              the region's generated workers draw their skill around the
//              group mean times income / region_table.reference_income_urban
//              (or _rural), so their wages, and with them their disposable
//              income, scale with it
//   share_S    value-added share of sector S (a `sectors` key) in the
//              region: a row that gives one gives every share_ column, >= 0,
//              summing to 1 within 1e-9; urban rows only the urban sectors,
//              rural rows only the village sectors. With any shares, each
//              region holds jobs in proportion to its residents among the
//              regions of its residence, split by its shares (or the
//              scenario's) and sized as the sectors' firms (firm_setup.cpp).
// Other columns are ignored. Regions are numbered urban rows first, then
// rural rows, each in table order; areas in the order their names first
// appear among the urban rows, then among the rural rows. The residents of
// population.residents are apportioned to the regions by their shares
// (largest remainders, apportion.hpp); each region needs at least one.
// With a table, population.urban_communities, villages, subdistricts, towns
// and rural_share are derived from it (read_parameters sets them).
#include <array>
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
  /// By region index: income / reference of its residence (1 where the cell
  /// is empty); empty without an `income` column.
  std::vector<double> skill_scale;
  /// By region index: the row's sector shares; empty without share_ columns.
  std::vector<std::array<double, sector_count>> sector_shares;
  /// By region index: 1 where the row gives shares (else the scenario's).
  std::vector<std::uint8_t> has_shares;
};

/// Checks a region table and apportions `residents` to its regions; incomes
/// are relative to the `reference`'s incomes. ScenarioError at the first bad
/// cell ("FILE:LINE: COLUMN: ...").
RegionTable read_region_rows(const DataTable& table, std::int64_t residents,
                             const RegionTableParameters& reference = {});

/// The table named by `region_table.file` (null when it is ""), read relative
/// to the scenario file that names it; sets p.population's counts and
/// rural_share from it. A file that cannot be read fails at the key (exit 2).
std::shared_ptr<const RegionTable> read_region_table(const cpsim::Parameters& parameters,
                                                     EconomyParameters& p);

}  // namespace cpsim::models::economy

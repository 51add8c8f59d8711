#pragma once
// The district's households from a table (survey microdata such as CFPS,
// CHIP or CHFS, or a synthetic sample) instead of draws from the
// `households` shares: `household_table.file` in a scenario.
//
// Contract (docs/scenarios.md, "Population from a household table"):
// * Columns: residence (urban | rural), hukou (local_urban |
//   local_agricultural | migrant), children, working_age, elderly (whole
//   numbers), deposits and housing_wealth (RMB), weight (households the row
//   stands for); optional skill_1, skill_2 (skill factors) or wage_1, wage_2
//   (gross RMB/month) of the first two working-age members. Other columns
//   are ignored. Every bad cell is one located ScenarioError (exit 2).
// * A row with more than two working-age, elderly or children (the state
//   holds two of each a household) becomes several model households: piece
//   k holds members 2k+1 and 2k+2 of each kind, a piece with children needs
//   an adult; deposits and housing wealth are split by members. Members'
//   ages and sexes are drawn as for generated households (R16).
// * Weights expand to population.residents without random numbers: H =
//   round(residents x sum(w) / sum(w x members)) households, row r gets
//   floor(H w_r / sum(w)) copies and the rows with the largest remainders
//   (ties: the earlier row) one more, until there are H.
// * Urban copies are dealt to the communities in turn in table order, rural
//   copies to the villages; households are then stored region-major, in
//   table order within a region. Nothing depends on the thread count.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/data_table.hpp"
#include "economy/parameters.hpp"

namespace cpsim {
class Parameters;
}  // namespace cpsim

namespace cpsim::models::economy {

struct Regions;

/// One model household of the table (a row, or a piece of a larger row).
struct TableHousehold {
  std::uint32_t row = 0;   ///< 0-based row of the table
  std::uint8_t flags = 0;  ///< flag_rural_resident, flag_rural_hukou, flag_migrant
  std::uint8_t workers = 0, children = 0, elderly = 0;
  std::array<float, 2> skill{};     ///< 0: drawn as for a generated household
  std::int64_t deposits = 0;        ///< fen
  std::int64_t housing_wealth = 0;  ///< fen
  std::uint32_t copies = 0;         ///< households it stands for at the scenario's scale
};

struct HouseholdTable {
  std::string source;                      ///< the table's path as read
  std::vector<TableHousehold> households;  ///< in table order, a split row's pieces in turn
  std::uint64_t total_households = 0;      ///< sum of copies
  std::int64_t residents = 0;              ///< members of every copy
};

/// Checks a table's columns and expands its weights to the scenario's
/// population.residents, communities and villages (`p`). ScenarioError at
/// the first bad cell ("FILE:LINE: COLUMN: ..."), for missing columns and
/// for a table too small to give every community and village a household.
HouseholdTable expand_household_table(const DataTable& table, const EconomyParameters& p);

/// The table named by `household_table.file` (null when it is ""), read
/// relative to the scenario file that names it (a `--set` value: to the
/// working folder). A file that cannot be read fails at the key
/// (Parameters::fail, exit 2); bad contents fail at the cell.
std::shared_ptr<const HouseholdTable> read_household_table(const cpsim::Parameters& parameters,
                                                           const EconomyParameters& p);

/// The table (DataTable::read) that the scenario's string parameter `key`
/// names as `file`, relative to the scenario file that wrote it (a `--set`
/// value: to the working folder). A file that cannot be read fails at the
/// key (Parameters::fail, exit 2); the region table reads its file the same way.
DataTable read_table_at(const cpsim::Parameters& parameters, std::string_view key,
                        const std::string& file);

/// Fills `regions`' household ranges from the table and returns, for each
/// household row in region-major order, the index of its entry in
/// table.households.
std::vector<std::uint32_t> place_table_households(const HouseholdTable& table, Regions& regions);

}  // namespace cpsim::models::economy

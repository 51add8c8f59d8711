#pragma once
// Shared state of the district economy: parameters read once from the
// scenario (parameters.hpp), agent tables (households, firms, villages) with
// their column handles, regions and the scalar accounts. Each process file
// (labour_market.cpp, income_tax.cpp, dibao.cpp, ...) works on this state;
// economy_model.cpp wires the processes into the monthly schedule.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/parameters.hpp"
#include "economy/parameters.hpp"

namespace cpsim::models::economy {

// ------------------------------------------------------- household flags
inline constexpr std::uint8_t flag_rural_resident = 1;  ///< lives in a village
inline constexpr std::uint8_t flag_rural_hukou = 2;     ///< agricultural hukou
inline constexpr std::uint8_t flag_migrant = 4;  ///< hukou outside Xihu ("new Hangzhou people")
inline constexpr std::uint8_t flag_employee_pension =
    8;  ///< in the employee social insurance: the elderly draw the employee pension, workers
        ///< contribute to unemployment insurance
inline constexpr std::uint8_t flag_vacant = 16;  ///< a row whose household left the district
/// The worker in slot k has contributed to unemployment insurance since
/// entering the district's labour force (eligible for benefits).
inline constexpr std::uint8_t flag_contributed_0 = 32;
inline constexpr std::uint8_t flag_contributed_1 = 64;
inline constexpr std::uint8_t contributed_flag(int slot) {
  return slot == 0 ? flag_contributed_0 : flag_contributed_1;
}

/// Firm ownership codes in firms.owner besides a household index.
inline constexpr std::int32_t owner_rest_of_world = -1;
/// Village cooperatives: owner = -2 - village index.
inline constexpr std::int32_t owner_village_base = -2;
/// An incorporated (larger) firm: the district equity fund (equity_fund.cpp)
/// holds `firms.local_owner_share_large` of it, outside owners the rest, so
/// that district households hold a slice of every such firm, not all of a few.
inline constexpr std::int32_t owner_corporate = std::numeric_limits<std::int32_t>::min();
inline constexpr bool owned_by_village(std::int32_t owner) {
  return owner <= owner_village_base && owner != owner_corporate;
}
/// A small unincorporated business (a household's, or one owned from outside
/// the district): held to `firms.household_business_max_employees`.
inline constexpr bool small_business(std::int32_t owner) {
  return owner >= 0 || owner == owner_rest_of_world;
}

// ------------------------------------------------------------ person bits
// Ages sit in two slots per group (workers, children, elderly: a household
// holds at most two of each); `person_bits` holds each slot's sex and the
// retirement type of a working woman.
inline constexpr std::uint8_t female_worker(int slot) {
  return static_cast<std::uint8_t>(1U << slot);
}
inline constexpr std::uint8_t female_child(int slot) {
  return static_cast<std::uint8_t>(4U << slot);
}
inline constexpr std::uint8_t female_elder(int slot) {
  return static_cast<std::uint8_t>(16U << slot);
}
/// A working woman who retires at the staff (cadre) age.
inline constexpr std::uint8_t staff_worker(int slot) {
  return static_cast<std::uint8_t>(64U << slot);
}
inline constexpr double fen_per_rmb = 100.0;

/// A lognormal draw with the given mean and log-sd from a standard normal.
inline double lognormal(double mean, double sigma, double standard_normal) {
  return mean * std::exp(sigma * standard_normal - 0.5 * sigma * sigma);
}
/// A worker's skill factor: lognormal around the group mean, clamped to
/// [0.05, 20] (R4), at set-up and for arrivals from outside.
inline float draw_skill(double group_mean, double sigma, double standard_normal) {
  return static_cast<float>(std::clamp(lognormal(group_mean, sigma, standard_normal), 0.05, 20.0));
}
inline constexpr std::int32_t no_employer = -1;

// ------------------------------------------------------------------ regions
/// Urban communities come first (0 .. communities-1), villages after them.
struct Regions {
  std::vector<std::uint8_t> rural;  ///< 1 for a village
  std::vector<std::uint16_t> area;  ///< subdistrict or town index
  /// Households are region-major by their registration: a village's range is
  /// its collective's roster, which keeps members who moved to a community
  /// (migration.cpp); a household's residence is its `region` column.
  std::vector<std::uint32_t> first_household;
  std::vector<std::uint32_t> household_count;
  std::vector<std::string> area_names;
  std::size_t communities = 0;
  std::size_t villages = 0;
  [[nodiscard]] std::size_t size() const { return rural.size(); }
};

/// Column handles of the household table. Per-worker data sits in two fixed
/// slots (a household has at most two workers), which keeps state compact.
struct HouseholdColumns {
  Column<std::uint16_t> region;
  Column<std::uint8_t> flags;
  Column<std::uint8_t> workers;
  Column<std::uint8_t> children;
  Column<std::uint8_t> elderly;
  Column<std::uint8_t> age_0, age_1;              ///< of the workers in slots 0 and 1, years
  Column<std::uint8_t> child_age_0, child_age_1;  ///< valid below `children`
  Column<std::uint8_t> elder_age_0, elder_age_1;  ///< valid below `elderly`
  Column<std::uint8_t> person_bits;               ///< sexes and retirement types (above)
  /// 1 + row of the household a child of this one formed (its estate's
  /// heir); 0 when none is known.
  Column<std::uint32_t> heir;
  Column<float> skill_0, skill_1;
  Column<std::int32_t> employer_0, employer_1;
  Column<std::uint8_t> months_unemployed_0, months_unemployed_1;
  Column<std::uint8_t> months_employed_0, months_employed_1;
  Column<std::int64_t> ytd_wage_0, ytd_wage_1;
  Column<std::int64_t> ytd_tax_0, ytd_tax_1;
  Column<std::int64_t> deposits;
  Column<std::int64_t> housing_wealth;
  Column<std::int64_t> firm_equity;
  Column<float> equity_fund_share;  ///< share of the district equity fund (sums to 1)
  Column<float> expected_income;
  // income of the current month by component, fen
  Column<std::int64_t> wage_income;
  Column<std::int64_t> business_income;
  Column<std::int64_t> property_income;
  Column<std::int32_t> collective_dividend;
  Column<std::int32_t> pension_income;
  Column<std::int32_t> transfer_income;
  Column<std::int64_t> taxes_paid;
  Column<std::int64_t> consumption;
  Column<std::int64_t> income_ytd;    ///< disposable income this calendar year
  Column<float> education_per_child;  ///< RMB/child/year, moving average (education.hpp)
};

struct FirmColumns {
  Column<std::uint8_t> sector;
  Column<std::uint16_t> region;
  Column<std::uint8_t> high_tech;
  Column<std::uint8_t> household_business;  ///< profit is the owner's business income
  Column<std::uint8_t> idle_months;
  Column<std::int32_t> owner;
  Column<std::int32_t> employees;
  Column<std::int32_t> labour_demand;
  Column<std::int32_t> vacancies;
  Column<float> productivity;     ///< value added per worker, RMB/month
  Column<float> wage_index;       ///< wage per unit of skill, RMB/month
  Column<double> expected_sales;  ///< RMB/month
  Column<std::int64_t> deposits;
  Column<std::int64_t> sales;
  Column<std::int64_t> wage_bill;
  Column<std::int64_t> profit;
  Column<std::uint32_t> generation;  ///< entrants reuse the slot of an exit
};

struct VillageColumns {
  Column<std::uint16_t> region;
  Column<std::int32_t> members;  ///< persons
  Column<std::int64_t> deposits;
  Column<std::int64_t> reserved_land_value;
  Column<float> attractiveness;
  Column<std::int32_t> tenant_firm;
  Column<std::int64_t> collective_income;  ///< this month
  Column<std::int64_t> dividends_paid;     ///< this month
};

}  // namespace cpsim::models::economy

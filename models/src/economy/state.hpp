#pragma once
// Shared state of the district economy: parameters read once from the
// scenario, agent tables (households, firms, villages) with their column
// handles, regions and the scalar accounts. Each process file
// (labour_market.cpp, income_tax.cpp, dibao.cpp, ...) works on this state;
// economy_model.cpp wires the processes into the monthly schedule.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/parameters.hpp"

namespace cpsim::models::economy {

// ---------------------------------------------------------------- sectors
enum Sector : std::uint8_t {
  digital_economy = 0,
  advanced_manufacturing = 1,
  services = 2,
  tea_agriculture = 3,
  rural_tourism = 4,
};
inline constexpr std::size_t sector_count = 5;
inline constexpr std::array<std::string_view, sector_count> sector_names{
    "digital_economy", "advanced_manufacturing", "services", "tea_agriculture", "rural_tourism"};
/// Tertiary industry in the NBS classification (digital-economy core industries in
/// Xihu are software, information and internet services).
inline constexpr bool is_services_sector(std::size_t s) {
  return s == digital_economy || s == services || s == rural_tourism;
}
/// Tea and rural tourism are village businesses: cooperatives located in villages,
/// whose profit is business income of the village's member households.
inline constexpr bool is_village_sector(std::size_t s) {
  return s == tea_agriculture || s == rural_tourism;
}

// ------------------------------------------------------- household flags
inline constexpr std::uint8_t flag_rural_resident = 1;  ///< lives in a village
inline constexpr std::uint8_t flag_rural_hukou = 2;     ///< agricultural hukou
inline constexpr std::uint8_t flag_migrant = 4;  ///< hukou outside Xihu ("new Hangzhou people")
inline constexpr std::uint8_t flag_employee_pension =
    8;  ///< elderly draw the urban employee pension

/// Firm ownership codes in firms.owner besides a household index.
inline constexpr std::int32_t owner_rest_of_world = -1;
/// Village cooperatives: owner = -2 - village index.
inline constexpr std::int32_t owner_village_base = -2;

inline constexpr double fen_per_rmb = 100.0;
inline constexpr std::int32_t no_employer = -1;

// -------------------------------------------------------------- parameters
struct SectorParameters {
  double value_added_share = 0;        ///< target share of district value added
  double productivity_month = 0;       ///< value added per worker, RMB/month
  double productivity_sigma = 0;       ///< log-sd of firm productivity
  double wage_month = 0;               ///< wage per unit of skill, RMB/month
  double productivity_growth = 0;      ///< trend, per year (log)
  double export_growth = 0;            ///< trend of outside demand, per year (log)
  double firm_share = 0;               ///< share of the firm count
  double consumption_share_urban = 0;  ///< of urban household spending
  double consumption_share_rural = 0;  ///< of rural household spending
  double high_tech_share = 0;          ///< share of firms taxed at the high-tech rate
};

struct EconomyParameters {
  // population
  std::int64_t residents = 0;
  std::int64_t urban_communities = 0;
  std::int64_t villages = 0;
  std::int64_t subdistricts = 0;
  std::int64_t towns = 0;
  double rural_share = 0;
  double elderly_only_share = 0;
  double second_worker_probability = 0;
  double child_probability = 0;
  double elderly_probability = 0;
  double migrant_share_urban = 0;
  double rural_hukou_share_urban = 0;
  double skill_sigma = 0;
  double skill_mean_urban = 0;
  double skill_mean_rural = 0;
  double skill_mean_migrant = 0;
  double skill_intergenerational_elasticity = 0;  ///< rho: entrant's log skill on the parent's
  double deposits_months = 0;
  double deposits_sigma = 0;
  double housing_value_urban = 0;
  double housing_value_rural = 0;
  double housing_sigma = 0;
  // firms
  double firms_per_1000 = 0;
  double firm_size_cap_share = 0;
  double local_owner_share_small = 0;
  double local_owner_share_large = 0;
  double household_business_share = 0;
  std::int64_t entrant_max = 0;
  double initial_unemployment = 0;
  double expectation_weight = 0;
  double wage_productivity_passthrough = 0;
  double wage_premium_elasticity = 0;
  double productivity_shock_sigma = 0;
  double dividend_payout = 0;
  double exit_overdraft_months = 0;
  std::int64_t exit_idle_months = 0;
  double entry_capital_months = 0;
  std::array<SectorParameters, sector_count> sectors{};
  // labour market
  double separation_rate = 0;
  std::int64_t applications_min = 0;
  std::int64_t applications_max = 0;
  std::int64_t matching_rounds = 0;
  double commuting_cost_month = 0;
  double hukou_penalty = 0;
  // village economy
  double reserved_land_value = 0;  ///< per collective member, RMB
  double reserved_land_yield = 0;
  double tourism_collective_share = 0;
  double collective_payout = 0;
  double attractiveness_decay = 0;
  double attractiveness_gain = 0;
  double tea_brand_premium = 0;
  // taxes
  std::vector<double> tax_brackets_upper;
  std::vector<double> tax_brackets_rate;
  double standard_deduction_year = 0;
  double capital_income_rate = 0;
  double business_income_rate = 0;
  double corporate_rate = 0;
  double corporate_rate_high_tech = 0;
  double vat_rate = 0;
  // transfers
  double dibao_standard_month = 0;
  double dibao_take_up = 0;
  double pension_replacement = 0;
  double pension_rural_basic_month = 0;
  double pension_employee_share_rural_hukou = 0;
  double pension_upper_funded_share = 0;
  // government
  double upper_tax_share = 0;
  double public_spending_share = 0;
  // consumption
  double propensity_urban = 0;
  double propensity_rural = 0;
  double propensity_wealth = 0;
  double subsistence_month = 0;
  double income_expectation_weight = 0;
  // rest of world and bank
  double export_noise_sigma = 0;
  double overdraft_rate_annual = 0;
  // demography (yearly)
  double retirement_probability = 0;
  double elderly_exit_probability = 0;
  double labour_entry_probability = 0;
  double birth_probability = 0;
  double training_gain = 0;
  // education (children's human capital; education.hpp)
  double education_private_share = 0;      ///< of spending, at the reference income
  double education_income_elasticity = 0;  ///< of that share to income per person
  double education_reference_income = 0;   ///< RMB/person/month
  double education_max_share = 0;
  double education_public_urban = 0;      ///< RMB/child/year
  double education_public_rural = 0;      ///< RMB/child/year
  double education_averaging_weight = 0;  ///< 1/year
  double education_skill_elasticity = 0;  ///< beta
  double education_reference_urban = 0;   ///< RMB/child/year: entrants at the group mean
  double education_reference_rural = 0;   ///< RMB/child/year: entrants at the group mean
  // migration (yearly)
  double migration_hazard = 0;
  double migration_hukou_penalty = 0;
  double migration_living_cost_premium_month = 0;
};

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
  Column<float> skill_0, skill_1;
  Column<std::int32_t> employer_0, employer_1;
  Column<std::uint8_t> months_unemployed_0, months_unemployed_1;
  Column<std::uint8_t> months_employed_0, months_employed_1;
  Column<std::int64_t> ytd_wage_0, ytd_wage_1;
  Column<std::int64_t> ytd_tax_0, ytd_tax_1;
  Column<std::int64_t> deposits;
  Column<std::int64_t> housing_wealth;
  Column<std::int64_t> firm_equity;
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

#pragma once
// The district economy's parameters, one struct per section of the
// scenario's `parameters:` map and one member per key, named as in the YAML:
// `pension.rural_basic_month` is p.pension.rural_basic_month,
// `sectors.services.wage_month` is p.sectors[services].wage_month.
// parameters.cpp binds each member to its schema entry (default, bounds,
// unit, source) once; read_parameters() fills the struct from a scenario.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
/// The keys of the `sectors` section, in Sector order.
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

// -------------------------------------------------------------- parameters
struct PopulationParameters {
  std::int64_t residents = 0;
  std::int64_t urban_communities = 0;
  std::int64_t villages = 0;
  std::int64_t subdistricts = 0;
  std::int64_t towns = 0;
  double rural_share = 0;
};

struct HouseholdParameters {
  double elderly_only_share = 0;
  double second_worker_probability = 0;
  double child_probability = 0;
  double elderly_probability = 0;
  double migrant_share_urban = 0;
  double rural_hukou_share_urban = 0;
};

struct SkillParameters {
  double sigma = 0;
  double mean_urban = 0;
  double mean_migrant = 0;
  double mean_rural = 0;
  double intergenerational_elasticity = 0;  ///< rho: entrant's log skill on the parent's
};

struct WealthParameters {
  double deposits_months = 0;
  double deposits_sigma = 0;
  double housing_value_urban = 0;
  double housing_value_rural = 0;
  double housing_sigma = 0;
  double equity_participation_urban = 0;
  double equity_participation_rural = 0;
  double equity_top_share = 0;
  double equity_top_holding_share = 0;
  double equity_pareto_exponent = 0;
};

struct FirmParameters {
  double count_per_1000_residents = 0;
  double size_cap_share = 0;
  std::int64_t household_business_max_employees = 0;
  std::int64_t entrant_max_employees = 0;
  double local_owner_share_small = 0;
  double local_owner_share_large = 0;
  double expectation_weight = 0;
  double wage_productivity_passthrough = 0;
  double price_cost_passthrough = 0;  ///< of a sector's unit labour cost change to its price
  double wage_premium_elasticity = 0;
  double wage_vacancy_response = 0;  ///< log wage change a month per unit of unfilled share
  double wage_surplus_response = 0;  ///< log wage cut a month per unit of surplus share
  double productivity_shock_sigma = 0;
  double dividend_payout = 0;
  double exit_overdraft_months = 0;
  std::int64_t exit_idle_months = 0;
  double entry_capital_months = 0;
};

/// One sector of the `sectors` section (p.sectors[k], k a Sector).
struct SectorParameters {
  double value_added_share = 0;         ///< target share of district value added
  double productivity_month = 0;        ///< value added per worker, RMB/month
  double productivity_sigma = 0;        ///< log-sd of firm productivity
  double wage_month = 0;                ///< wage per unit of skill, RMB/month
  double productivity_growth = 0;       ///< trend, per year (log)
  double export_growth = 0;             ///< trend of outside demand, per year (log)
  double firm_share = 0;                ///< share of the firm count
  double consumption_share_urban = 0;   ///< of urban household spending
  double consumption_share_rural = 0;   ///< of rural household spending
  double high_tech_share = 0;           ///< share of firms taxed at the high-tech rate
  double household_business_share = 0;  ///< share of urban firms that are household businesses
};

struct LabourParameters {
  double initial_unemployment = 0;
  double separation_rate = 0;
  std::int64_t applications_min = 0;
  std::int64_t applications_max = 0;
  std::int64_t matching_rounds = 0;
  double commuting_cost_month = 0;
  double hukou_penalty = 0;
  double reservation_wage_ratio = 0;  ///< of the market wage for the skill, at a spell's start
  double reservation_wage_decay = 0;  ///< log fall a month of unemployment
};

/// Unemployment insurance (失业保险, unemployment_insurance.cpp).
struct UnemploymentInsuranceParameters {
  double benefit_month = 0;  ///< RMB/month
  std::int64_t max_months = 0;
  double employee_rate = 0;  ///< contribution, share of the gross wage
  double employer_rate = 0;
};

struct VillageParameters {
  double reserved_land_value_per_member = 0;  ///< RMB
  double reserved_land_yield = 0;
  double tourism_collective_share = 0;
  double collective_payout = 0;
  double attractiveness_decay = 0;
  double attractiveness_gain = 0;
  double tea_brand_premium = 0;
};

struct TaxParameters {
  std::vector<double> brackets_upper;
  std::vector<double> brackets_rate;
  double standard_deduction_year = 0;
  double capital_income_rate = 0;
  double business_income_rate = 0;
  double corporate_rate = 0;
  double corporate_rate_high_tech = 0;
  double vat_rate = 0;
};

struct DibaoParameters {
  double standard_per_person_month = 0;
  double take_up = 0;
};

struct PensionParameters {
  double urban_employee_replacement = 0;
  double rural_basic_month = 0;
  double employee_share_rural_hukou = 0;
  double upper_funded_share = 0;
};

struct GovernmentParameters {
  double upper_tax_share = 0;
  double revenue_smoothing = 0;
  double balance_correction_annual = 0;
  double debt_rate_annual = 0;
};

struct ConsumptionParameters {
  double propensity_urban = 0;
  double propensity_rural = 0;
  double propensity_wealth = 0;
  double subsistence_per_person_month = 0;
  double income_expectation_weight = 0;
};

struct RestOfWorldParameters {
  double export_noise_sigma = 0;
};

struct BankParameters {
  double overdraft_rate_annual = 0;
};

/// Yearly probabilities and rates.
struct DemographyParameters {
  // Mortality (Gompertz-Makeham): q(a) = background + at_65 x exp(growth x (a - 65)).
  double mortality_background = 0;  ///< 1/year, at every age
  double mortality_at_65 = 0;       ///< 1/year
  double mortality_growth = 0;      ///< per year of age (log)
  // Fertility: births per woman and year at age a = total x normal(a; peak, spread).
  double total_fertility = 0;
  double fertility_peak_age = 0;
  double fertility_spread = 0;
  double single_fertility_factor = 0;  ///< a woman without a partner in the household
  double male_births_per_female = 0;   ///< sex ratio at birth
  // Labour entry and retirement (years of age).
  double labour_entry_age_urban = 0;
  double labour_entry_age_rural = 0;
  double retirement_age_men = 0;
  double retirement_age_women = 0;        ///< workers
  double retirement_age_women_staff = 0;  ///< cadres and staff
  double women_staff_share = 0;
  bool retirement_reform = false;   ///< the 2025 gradual rise of retirement ages
  double formation_gift_share = 0;  ///< of the parents' deposits, to a child's new household
  double setup_cohort_decline = 0;  ///< of the retired at set-up, per year of age (log)
  double training_gain = 0;
  /// Calendar year of step 1 (the scenario's start_date); 0 without one.
  int start_year = 0;
};

/// Children's human capital (education.hpp).
struct EducationParameters {
  double private_share = 0;                      ///< of spending, at the reference income
  double share_income_elasticity = 0;            ///< of that share to income per person
  double reference_income_per_person_month = 0;  ///< RMB/person/month
  double max_share = 0;
  double public_per_child_urban = 0;     ///< RMB/child/year
  double public_per_child_rural = 0;     ///< RMB/child/year
  double averaging_weight = 0;           ///< 1/year
  double skill_elasticity = 0;           ///< beta
  double reference_per_child_urban = 0;  ///< RMB/child/year: entrants at the group mean
  double reference_per_child_rural = 0;  ///< RMB/child/year: entrants at the group mean
};

/// Yearly village-to-urban migration (migration.cpp).
struct MigrationParameters {
  double hazard = 0;
  double hukou_penalty = 0;
  double living_cost_premium_month = 0;
};

/// Monthly in- and out-migration of "new Hangzhou people" (labour_migration.cpp).
struct InMigrationParameters {
  double rate_annual = 0;          ///< arrivals per worker and year per unit of income gap
  double outside_wage_ratio = 0;   ///< outside wage per unit of skill / the district's at set-up
  double outside_wage_growth = 0;  ///< per year (log)
  double job_finding_smoothing = 0;
  double return_rate_annual = 0;        ///< migrant households, any state
  double return_unemployed_annual = 0;  ///< extra, per unit of negative income gap
  double rural_hukou_share = 0;
  double insured_share = 0;
  double deposits_months = 0;
  double oldest_arrival_age = 0;
  double second_worker_probability = 0;
  double child_probability = 0;
  double rent_share = 0;             ///< of a renter's income at set-up
  double rent_elasticity = 0;        ///< log rent per log (residents / housing)
  double housing_growth_annual = 0;  ///< log growth of the housing stock
};

// ------------------------------------------- population from a household table
struct HouseholdTable;  // household_table.hpp

/// `household_table`: start the population from a table of households
/// (survey microdata or a synthetic sample) instead of drawing it from the
/// `households` shares (household_table.cpp, docs/scenarios.md).
struct HouseholdTableParameters {
  std::string file;  ///< "" draws the population; else the table's path as written
  /// The table read, checked and expanded to population.residents by
  /// read_parameters (null without a file).
  std::shared_ptr<const HouseholdTable> table;
};

// --------------------------------------------------- regions from a table
struct RegionTable;  // region_table.hpp

/// `region_table`: the district's regions, their areas and residents from a
/// table instead of the `population` counts (region_table.cpp).
struct RegionTableParameters {
  std::string file;  ///< "" uses the population counts; else the table's path as written
  /// Per-capita disposable income (RMB/person/year) the scenario's urban and
  /// rural set-up stands for: a region's `income` is read relative to it.
  double reference_income_urban = 0;
  double reference_income_rural = 0;
  /// The table read and apportioned by read_parameters (null without a file).
  std::shared_ptr<const RegionTable> table;
};

struct EconomyParameters {
  PopulationParameters population;
  HouseholdParameters households;
  SkillParameters skills;
  WealthParameters wealth;
  FirmParameters firms;
  std::array<SectorParameters, sector_count> sectors{};  ///< by Sector
  LabourParameters labour;
  UnemploymentInsuranceParameters unemployment_insurance;
  VillageParameters village;
  TaxParameters tax;
  DibaoParameters dibao;
  PensionParameters pension;
  GovernmentParameters government;
  ConsumptionParameters consumption;
  RestOfWorldParameters rest_of_world;
  BankParameters bank;
  DemographyParameters demography;
  EducationParameters education;
  MigrationParameters migration;
  InMigrationParameters in_migration;
  HouseholdTableParameters household_table;
  RegionTableParameters region_table;
};

}  // namespace cpsim::models::economy

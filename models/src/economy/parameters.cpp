// The district economy's parameter schema: every parameter with its unit, its
// default (the Xihu calibration) and where the default comes from, bound to
// its member of EconomyParameters (parameters.hpp). The same text appears in
// docs/economy-model.md; `cpsim models` prints it.
#include <array>
#include <string>

#include "cpsim/engine/bound_schema.hpp"
#include "economy/economy.hpp"
#include "economy/household_table.hpp"
#include "economy/region_table.hpp"

namespace cpsim::models::economy {
namespace {

struct SectorDefaults {
  double value_added_share, productivity, productivity_sigma, wage, productivity_growth,
      export_growth, firm_share, consumption_urban, consumption_rural, high_tech_share,
      household_business_share;
};

// Value-added shares: article (H1 2021: services 87.223 of 93.414 bn RMB, digital
// core 39.25 bn); the split of the non-service 6.6 % into manufacturing and tea is
// an assumption. Productivities and wages: set by hand so that labour shares
// (wage / value added per worker) are 0.3-0.6 and the average wage is close to
// Hangzhou's (about 8,000 RMB/month across ownership types); documented in
// docs/economy-model.md.
constexpr std::array<SectorDefaults, sector_count> sector_defaults{{
    {0.44, 45000, 0.6, 14000, 0.05, 0.07, 0.18, 0.08, 0.06, 0.30, 0.0},
    {0.062, 26000, 0.4, 8500, 0.03, 0.03, 0.05, 0.05, 0.06, 0.20, 0.35},
    {0.485, 18000, 0.5, 6500, 0.02, 0.03, 0.74, 0.55, 0.60, 0.0, 0.35},
    {0.005, 8000, 0.3, 4200, 0.01, 0.02, 0.015, 0.01, 0.01, 0.0, 0.0},
    {0.008, 10000, 0.3, 4500, 0.01, 0.03, 0.015, 0.02, 0.0, 0.0, 0.0},
}};

BoundSchema<EconomyParameters> bind_economy() {
  BoundSchema<EconomyParameters> s;
  // population
  auto population = s.section("population", &EconomyParameters::population);
  population.integer("residents", &PopulationParameters::residents, 1089200,
                     "Resident population (2020 census; article)", 1, 2e9, "persons");
  population.integer("urban_communities", &PopulationParameters::urban_communities, 165,
                     "Urban communities (article)", 1, 1e6, "regions");
  population.integer("villages", &PopulationParameters::villages, 32,
                     "Administrative villages (article)", 1, 1e6, "regions");
  population.integer("subdistricts", &PopulationParameters::subdistricts, 10,
                     "Subdistricts; urban communities are dealt to them in turn (article)", 1, 1e4,
                     "areas");
  population.integer("towns", &PopulationParameters::towns, 2,
                     "Towns; villages are dealt to them in turn (article)", 1, 1e4, "areas");
  population.real(
      "rural_share", &PopulationParameters::rural_share, 0.10,
      "Share of residents living in villages (assumption: 32 of 197 units, villages smaller)", 0.0,
      1.0, "1");
  auto households = s.section("households", &EconomyParameters::households);
  households.real("elderly_only_share", &HouseholdParameters::elderly_only_share, 0.12,
                  "Share of households of elderly only (assumption)", 0.0, 1.0, "1");
  households.real("second_worker_probability", &HouseholdParameters::second_worker_probability,
                  0.75, "Probability that a working household has a second worker (assumption)",
                  0.0, 1.0, "1");
  households.real(
      "child_probability", &HouseholdParameters::child_probability, 0.30,
      "Probability of each of two child places being filled (assumption; mean size ~2.6)", 0.0, 1.0,
      "1");
  households.real("elderly_probability", &HouseholdParameters::elderly_probability, 0.20,
                  "Probability of each of two elderly places being filled in a working household",
                  0.0, 1.0, "1");
  households.real("migrant_share_urban", &HouseholdParameters::migrant_share_urban, 0.35,
                  "Share of urban households with a hukou outside the district (assumption)", 0.0,
                  1.0, "1");
  households.real("rural_hukou_share_urban", &HouseholdParameters::rural_hukou_share_urban, 0.08,
                  "Share of urban households of local agricultural hukou (assumption)", 0.0, 1.0,
                  "1");
  auto skills = s.section("skills", &EconomyParameters::skills);
  skills.real("sigma", &SkillParameters::sigma, 0.5,
              "Log-sd of the worker skill factor (docs/economy-rules.md R4)", 0.0, 3.0, "1");
  skills.real("mean_urban", &SkillParameters::mean_urban, 1.0,
              "Mean skill of urban local workers (normalisation)", 0.01, 10, "1");
  skills.real("mean_migrant", &SkillParameters::mean_migrant, 0.85,
              "Mean skill of migrant workers (assumption)", 0.01, 10, "1");
  skills.real(
      "mean_rural", &SkillParameters::mean_rural, 0.63,
      "Mean skill of village residents (calibrated to the 1.49 urban:rural ratio: a bisection "
      "over seeds 1-8 of the 1:1 baseline, see docs/economy-model.md)",
      0.01, 10, "1");
  skills.real(
      "intergenerational_elasticity", &SkillParameters::intergenerational_elasticity, 0.4,
      "Elasticity of an entrant's skill to the working parent's skill (intergenerational "
      "persistence; Chinese income elasticities 0.4-0.6: Gong, Leigh and Meng 2012; Fan, Yi "
      "and Zhang 2021)",
      0.0, 0.99, "1");
  auto wealth = s.section("wealth", &EconomyParameters::wealth);
  wealth.real(
      "deposits_months", &WealthParameters::deposits_months, 24,
      "Initial deposits in months of household income (near (1-c_y)/c_w, docs/economy-rules.md R7)",
      0.0, 600, "months");
  wealth.real("deposits_sigma", &WealthParameters::deposits_sigma, 0.8,
              "Log-sd of initial deposits (assumption)", 0.0, 3.0, "1");
  wealth.real("housing_value_urban", &WealthParameters::housing_value_urban, 3.0e6,
              "Mean housing wealth of an urban household (assumption: ~75 m2 at ~40,000 RMB/m2)",
              0.0, 1e9, "RMB");
  wealth.real("housing_value_rural", &WealthParameters::housing_value_rural, 1.2e6,
              "Mean housing wealth of a village household (assumption)", 0.0, 1e9, "RMB");
  wealth.real("housing_sigma", &WealthParameters::housing_sigma, 0.5,
              "Log-sd of housing wealth (assumption)", 0.0, 3.0, "1");
  wealth.real("equity_participation_urban", &WealthParameters::equity_participation_urban, 0.1656,
              "Share of urban households with a stock account; weights equity fund holdings "
              "(R8a: China Household Finance Survey 2011, 16.56 %)",
              0.0, 1.0, "1");
  wealth.real("equity_participation_rural", &WealthParameters::equity_participation_rural, 0.0189,
              "Share of rural households with a stock account (R8a: CHFS 2011, 1.89 %)", 0.0, 1.0,
              "1");
  wealth.real("equity_top_share", &WealthParameters::equity_top_share, 0.1,
              "Share of households, by initial deposits, in the Pareto tail of the equity fund's "
              "holdings (docs/economy-rules.md R8a: the top 10 % of Piketty, Yang and Zucman 2019)",
              0.0, 1.0, "1");
  wealth.real("equity_top_holding_share", &WealthParameters::equity_top_holding_share, 0.67,
              "Share of the equity fund held by that top (R8a: top 10 % wealth share of China in "
              "2015, Piketty, Yang and Zucman 2019)",
              0.0, 1.0, "1");
  wealth.real("equity_pareto_exponent", &WealthParameters::equity_pareto_exponent, 1.5,
              "Pareto exponent of the top holdings (R8a: from the top 1 % and 10 % wealth shares, "
              "30 % and 67 %, of Piketty, Yang and Zucman 2019)",
              1.0, 10.0, "1");
  // firms
  auto firms = s.section("firms", &EconomyParameters::firms);
  firms.real("count_per_1000_residents", &FirmParameters::count_per_1000_residents, 20,
             "Firms per 1,000 residents (assumption)", 0.01, 1000, "firms");
  firms.real("size_cap_share", &FirmParameters::size_cap_share, 0.05,
             "Largest initial firm as a share of its sector's employment (truncates the Zipf law)",
             0.0001, 1.0, "1");
  firms.integer(
      "household_business_max_employees", &FirmParameters::household_business_max_employees, 7,
      "Most employees of a household business (个体工商户): one with 8 or more would be a "
      "private enterprise (私营企业暂行条例 1988, art. 2; docs/economy-rules.md R8)",
      1, 1e6, "workers");
  firms.integer("entrant_max_employees", &FirmParameters::entrant_max_employees, 5,
                "Largest labour demand of an entrant", 1, 1e6, "workers");
  firms.real("local_owner_share_small", &FirmParameters::local_owner_share_small, 0.9,
             "Probability that a household business is owned by a district household", 0.0, 1.0,
             "1");
  firms.real("local_owner_share_large", &FirmParameters::local_owner_share_large, 0.12,
             "Share of every larger (incorporated) firm held by district households through the "
             "equity fund (the rest by outside owners; calibrated to the urban property-income "
             "share of 15 %)",
             0.0, 1.0, "1");
  firms.real(
      "expectation_weight", &FirmParameters::expectation_weight, 0.1,
      "Adaptive weight of sales expectations per month (docs/economy-rules.md R1, 0.25/quarter)",
      0.0, 1.0, "1/month");
  firms.real("wage_productivity_passthrough", &FirmParameters::wage_productivity_passthrough, 1.0,
             "Share of productivity growth passed to the wage index (K+S, Dosi et al. 2010: 1, a "
             "stable labour share; docs/economy-rules.md R4)",
             0.0, 2.0, "1");
  firms.real("price_cost_passthrough", &FirmParameters::price_cost_passthrough, 1.0,
             "Share of a sector's unit labour cost change (the district's wage growth less the "
             "sector's productivity trend) passed to its price: 1 is markup pricing (K+S, Dosi et "
             "al. 2010; Caiani et al. 2016), so a slow sector's price rises (Baumol); 0 keeps "
             "every price at 1 (docs/economy-rules.md R5)",
             0.0, 1.0, "1");
  firms.real("wage_premium_elasticity", &FirmParameters::wage_premium_elasticity, 0.3,
             "Elasticity of a firm's wage index to its relative productivity (assumption)", 0.0,
             1.0, "1");
  firms.real("wage_vacancy_response", &FirmParameters::wage_vacancy_response, 0.03,
             "Monthly log rise of the wage index per unit of the firm's unfilled share of its "
             "posts last month (wage curve, Caiani et al. 2016; docs/economy-rules.md R4)",
             0.0, 1.0, "1/month");
  firms.real("wage_surplus_response", &FirmParameters::wage_surplus_response, 0.01,
             "Monthly log cut of the wage index per unit of the firm's surplus share of its "
             "workers (downward rigidity: slower than the rise; docs/economy-rules.md R4)",
             0.0, 1.0, "1/month");
  firms.real("productivity_shock_sigma", &FirmParameters::productivity_shock_sigma, 0.02,
             "Monthly log-sd of firm productivity shocks", 0.0, 1.0, "1");
  firms.real(
      "dividend_payout", &FirmParameters::dividend_payout, 0.9,
      "Share of after-tax profit paid out (Caiani et al. 2016: 0.9; docs/economy-rules.md R8)", 0.0,
      1.0, "1");
  firms.real("exit_overdraft_months", &FirmParameters::exit_overdraft_months, 3,
             "A firm exits when its overdraft exceeds this many months of its wage bill", 0.0, 1000,
             "months");
  firms.integer("exit_idle_months", &FirmParameters::exit_idle_months, 6,
                "A firm without workers and sales this long exits", 1, 1000, "months");
  firms.real(
      "entry_capital_months", &FirmParameters::entry_capital_months, 3,
      "An entrant's start-up deposits in months of its wage bill (docs/economy-rules.md R10)", 0.0,
      1000, "months");
  for (std::size_t k = 0; k < sector_count; ++k) {
    auto sector =
        s.section("sectors." + std::string(sector_names[k]),
                  [k](EconomyParameters& e) -> SectorParameters& { return e.sectors[k]; });
    const SectorDefaults& d = sector_defaults[k];
    sector.real(
        "value_added_share", &SectorParameters::value_added_share, d.value_added_share,
        "Target share of district value added, sets the sector's initial employment (article; "
        "see docs)",
        0.0, 1.0, "1");
    sector.real("productivity_month", &SectorParameters::productivity_month, d.productivity,
                "Mean value added per worker (assumption, see docs)", 1.0, 1e8, "RMB/month");
    sector.real(
        "productivity_sigma", &SectorParameters::productivity_sigma, d.productivity_sigma,
        "Log-sd of firm productivity within the sector (heavy tail; docs/economy-rules.md R2)", 0.0,
        3.0, "1");
    sector.real("wage_month", &SectorParameters::wage_month, d.wage,
                "Wage per unit of skill at a firm of mean productivity", 0.0, 1e8, "RMB/month");
    sector.real("productivity_growth", &SectorParameters::productivity_growth,
                d.productivity_growth, "Trend productivity growth (log)", -1.0, 1.0, "1/year");
    sector.real(
        "export_growth", &SectorParameters::export_growth, d.export_growth,
        "Trend growth of the volume of outside demand (exports, visitors) (log); its value also "
        "moves with the sector's price (R5)",
        -1.0, 1.0, "1/year");
    sector.real("firm_share", &SectorParameters::firm_share, d.firm_share,
                "Share of the firm count", 0.0, 1.0, "1");
    sector.real("consumption_share_urban", &SectorParameters::consumption_share_urban,
                d.consumption_urban,
                "Share of urban household spending bought from this sector (the rest is imported)",
                0.0, 1.0, "1");
    sector.real("consumption_share_rural", &SectorParameters::consumption_share_rural,
                d.consumption_rural, "Share of village household spending bought from this sector",
                0.0, 1.0, "1");
    sector.real("high_tech_share", &SectorParameters::high_tech_share, d.high_tech_share,
                "Share of the sector's firms certified high-tech (15 % corporate tax)", 0.0, 1.0,
                "1");
    sector.real("household_business_share", &SectorParameters::household_business_share,
                d.household_business_share,
                "Share of the sector's urban firms (the smallest by initial size) that are "
                "household businesses (个体工商户), whose profit is the owner's business income "
                "(assumption; none in the digital economy, docs/economy-rules.md R8)",
                0.0, 1.0, "1");
  }
  // labour market
  auto labour = s.section("labour", &EconomyParameters::labour);
  labour.real(
      "initial_unemployment", &LabourParameters::initial_unemployment, 0.045,
      "Unfilled share of the labour force at set-up (near s/(s+f); docs/economy-rules.md R3)", 0.0,
      0.9, "1");
  labour.real("separation_rate", &LabourParameters::separation_rate, 0.015,
              "Exogenous separations per worker and month (docs/economy-rules.md R3)", 0.0, 1.0,
              "1/month");
  labour.integer("applications_min", &LabourParameters::applications_min, 3,
                 "Fewest applications a seeker sends per round", 1, 64, "applications");
  labour.integer("applications_max", &LabourParameters::applications_max, 5,
                 "Most applications a seeker sends per round", 1, 64, "applications");
  labour.integer("matching_rounds", &LabourParameters::matching_rounds, 3,
                 "Rounds of the monthly matching", 1, 100, "rounds");
  labour.real("commuting_cost_month", &LabourParameters::commuting_cost_month, 800,
              "Monthly cost of commuting between a village and an urban firm (assumption)", 0.0,
              1e6, "RMB/month");
  labour.real(
      "hukou_penalty", &LabourParameters::hukou_penalty, 0.05,
      "Proportional cut of a non-local-urban-hukou applicant's score at hiring (policy lever)", 0.0,
      1.0, "1");
  labour.real(
      "reservation_wage_ratio", &LabourParameters::reservation_wage_ratio, 0.7,
      "Reservation wage at the start of an unemployment spell, as a share of the district's "
      "mean wage for the worker's skill (docs/economy-rules.md R3; assumption)",
      0.0, 2.0, "1");
  labour.real("reservation_wage_decay", &LabourParameters::reservation_wage_decay, 0.05,
              "Monthly log fall of the reservation wage during a spell, down to the benefit "
              "(unemployment insurance while paid, else the dibao standard; assumption)",
              0.0, 1.0, "1/month");
  auto insurance = s.section("unemployment_insurance", &EconomyParameters::unemployment_insurance);
  insurance.real("benefit_month", &UnemploymentInsuranceParameters::benefit_month, 2052,
                 "Monthly benefit of an insured unemployed worker: 90 % of Hangzhou's minimum "
                 "wage of 2,280 RMB (Zhejiang class-1 areas, August 2021; MoHRSS 2017 guidance to "
                 "set the benefit at 90 % of the minimum wage)",
                 0.0, 1e6, "RMB/month");
  insurance.integer("max_months", &UnemploymentInsuranceParameters::max_months, 12,
                    "Months of benefit in a spell (Unemployment Insurance Regulations 1999 art. "
                    "17: 12 months after 1-5 years of contributions; longer careers get 18-24)",
                    0, 24, "months");
  insurance.real("employee_rate", &UnemploymentInsuranceParameters::employee_rate, 0.005,
                 "Employee contribution, share of the gross wage (Zhejiang since 2019: 0.5 %)", 0.0,
                 0.2, "1");
  insurance.real("employer_rate", &UnemploymentInsuranceParameters::employer_rate, 0.005,
                 "Employer contribution, share of the wage bill (Zhejiang since 2019: 0.5 %)", 0.0,
                 0.2, "1");
  // villages
  auto village = s.section("village", &EconomyParameters::village);
  village.real("reserved_land_value_per_member", &VillageParameters::reserved_land_value_per_member,
               90000,
               "Mean value of developed reserved land per collective member (assumption: about 300 "
               "million RMB for a village of 3,400)",
               0.0, 1e9, "RMB/person");
  village.real("reserved_land_yield", &VillageParameters::reserved_land_yield, 0.05,
               "Annual rent yield of reserved land (assumption)", 0.0, 1.0, "1/year");
  village.real("tourism_collective_share", &VillageParameters::tourism_collective_share, 0.2,
               "Share of rural-tourism spending collected by the village collective (scenic fees)",
               0.0, 1.0, "1");
  village.real("collective_payout", &VillageParameters::collective_payout, 0.6,
               "Share of a collective's monthly income paid as dividends to members (assumption)",
               0.0, 1.0, "1");
  village.real("attractiveness_decay", &VillageParameters::attractiveness_decay, 0.05,
               "Yearly decay of tourism attractiveness", 0.0, 1.0, "1/year");
  village.real("attractiveness_gain", &VillageParameters::attractiveness_gain, 2.0,
               "Attractiveness gained per unit of investment relative to reserved-land value", 0.0,
               1e6, "1");
  village.real(
      "tea_brand_premium", &VillageParameters::tea_brand_premium, 0.3,
      "Price premium of West Lake Longjing on tea output (brand value 7.4 bn RMB; article)", 0.0,
      10.0, "1");
  // taxes
  auto tax = s.section("tax", &EconomyParameters::tax);
  tax.real_list(
      "brackets_upper", &TaxParameters::brackets_upper,
      {36000, 144000, 300000, 420000, 660000, 960000},
      "Upper bounds of the annual PIT brackets on income after the deduction (China 2019)", 0.0,
      1e12, "RMB/year");
  tax.real_list("brackets_rate", &TaxParameters::brackets_rate,
                {0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45},
                "PIT rates, one per bracket plus the top rate (China 2019)", 0.0, 1.0, "1");
  tax.real("standard_deduction_year", &TaxParameters::standard_deduction_year, 60000,
           "PIT standard deduction (China 2019)", 0.0, 1e9, "RMB/year");
  tax.real("capital_income_rate", &TaxParameters::capital_income_rate, 0.2,
           "Tax withheld on dividends (China)", 0.0, 1.0, "1");
  tax.real("business_income_rate", &TaxParameters::business_income_rate, 0.05,
           "Effective tax on urban household-business income (assumption; farm income exempt)", 0.0,
           1.0, "1");
  tax.real("corporate_rate", &TaxParameters::corporate_rate, 0.25, "Corporate income tax (China)",
           0.0, 1.0, "1");
  tax.real("corporate_rate_high_tech", &TaxParameters::corporate_rate_high_tech, 0.15,
           "Corporate tax of high-tech firms (China)", 0.0, 1.0, "1");
  tax.real("vat_rate", &TaxParameters::vat_rate, 0.06,
           "VAT on sales (China's rate for modern services)", 0.0, 1.0, "1");
  // transfers
  auto dibao = s.section("dibao", &EconomyParameters::dibao);
  dibao.real("standard_per_person_month", &DibaoParameters::standard_per_person_month, 917,
             "Dibao standard in Hangzhou's main districts (from Nov 2017; the 2021 level is "
             "unverified)",
             0.0, 1e6, "RMB/month");
  dibao.real("take_up", &DibaoParameters::take_up, 0.8,
             "Share of eligible households that claim dibao (assumption)", 0.0, 1.0, "1");
  auto pension = s.section("pension", &EconomyParameters::pension);
  pension.real("urban_employee_replacement", &PensionParameters::urban_employee_replacement, 0.55,
               "Urban employee pension over the average wage (docs/economy-rules.md R11: 0.5-0.6)",
               0.0, 2.0, "1");
  pension.real("rural_basic_month", &PensionParameters::rural_basic_month, 300,
               "Urban-rural resident basic pension (a few hundred RMB; assumption)", 0.0, 1e6,
               "RMB/month");
  pension.real("employee_share_rural_hukou", &PensionParameters::employee_share_rural_hukou, 0.3,
               "Share of elderly with agricultural hukou who draw an employee-type pension "
               "(land-requisition schemes; assumption)",
               0.0, 1.0, "1");
  pension.real("upper_funded_share", &PensionParameters::upper_funded_share, 0.7,
               "Share of pension spending covered by the provincial pool (assumption)", 0.0, 1.0,
               "1");
  // government
  auto government = s.section("government", &EconomyParameters::government);
  government.real("upper_tax_share", &GovernmentParameters::upper_tax_share, 0.48,
                  "Share of taxes passed to upper levels (article: 1 - 11.84/22.8, H1 2021)", 0.0,
                  1.0, "1");
  government.real("revenue_smoothing", &GovernmentParameters::revenue_smoothing, 0.25,
                  "Adaptive weight of the fiscal rule's smoothed resources and committed "
                  "spending (docs/economy-rules.md R11; Caiani's expectation weight)",
                  0.0, 1.0, "1/month");
  government.real("balance_correction_annual", &GovernmentParameters::balance_correction_annual,
                  0.2,
                  "Share of the government's net position (deposits or debt) that public "
                  "purchases close in a year (R11; fiscal reaction as in Bohn 1998; assumption)",
                  0.0, 12.0, "1/year");
  government.real("debt_rate_annual", &GovernmentParameters::debt_rate_annual, 0.0315,
                  "Interest on the government's debt, paid to the bank (R11; mean issue rate of "
                  "local general bonds, October 2021, Ministry of Finance)",
                  0.0, 1.0, "1/year");
  // consumption
  auto consumption = s.section("consumption", &EconomyParameters::consumption);
  consumption.real("propensity_urban", &ConsumptionParameters::propensity_urban, 0.68,
                   "Propensity to consume out of expected income, urban (Hangzhou 2017: 68 %)", 0.0,
                   1.5, "1");
  consumption.real("propensity_rural", &ConsumptionParameters::propensity_rural, 0.72,
                   "Propensity to consume out of expected income, rural (Hangzhou 2017: 72 %)", 0.0,
                   1.5, "1");
  consumption.real(
      "propensity_wealth", &ConsumptionParameters::propensity_wealth, 0.01,
      "Monthly propensity to consume out of deposits (docs/economy-rules.md R7: 0.01-0.02)", 0.0,
      1.0, "1/month");
  consumption.real(
      "subsistence_per_person_month", &ConsumptionParameters::subsistence_per_person_month, 900,
      "Subsistence floor of spending per person (assumption: about the dibao standard)", 0.0, 1e6,
      "RMB/month");
  consumption.real("income_expectation_weight", &ConsumptionParameters::income_expectation_weight,
                   0.25, "Adaptive weight of expected disposable income per month", 0.0, 1.0,
                   "1/month");
  // rest of world, bank, demography
  auto rest_of_world = s.section("rest_of_world", &EconomyParameters::rest_of_world);
  rest_of_world.real("export_noise_sigma", &RestOfWorldParameters::export_noise_sigma, 0.01,
                     "Monthly log-sd of outside demand", 0.0, 1.0, "1");
  auto bank = s.section("bank", &EconomyParameters::bank);
  bank.real("overdraft_rate_annual", &BankParameters::overdraft_rate_annual, 0.05,
            "Interest on firm overdrafts", 0.0, 1.0, "1/year");
  auto demography = s.section("demography", &EconomyParameters::demography);
  demography.real("mortality_background", &DemographyParameters::mortality_background, 0.0003,
                  "Yearly death probability at every age (accidents, illness of the young)", 0.0,
                  0.1, "1/year");
  demography.real("mortality_at_65", &DemographyParameters::mortality_at_65, 0.0085,
                  "Yearly death probability at 65 above the background (Gompertz level)", 0.0, 1.0,
                  "1/year");
  demography.real("mortality_growth", &DemographyParameters::mortality_growth, 0.095,
                  "Growth of the death probability per year of age (Gompertz slope, log)", 0.0, 0.3,
                  "1/year of age");
  demography.real("total_fertility", &DemographyParameters::total_fertility, 1.1,
                  "Births per woman over her life at the age schedule (total fertility rate)", 0.0,
                  8.0, "births/woman");
  demography.real("fertility_peak_age", &DemographyParameters::fertility_peak_age, 29.5,
                  "Mean age of mothers at birth", 15.0, 45.0, "years");
  demography.real("fertility_spread", &DemographyParameters::fertility_spread, 5.0,
                  "Standard deviation of mothers' age at birth", 1.0, 15.0, "years");
  demography.real("single_fertility_factor", &DemographyParameters::single_fertility_factor, 0.1,
                  "Fertility of a woman without a partner in the household, relative", 0.0, 1.0,
                  "1");
  demography.real("male_births_per_female", &DemographyParameters::male_births_per_female, 1.11,
                  "Sex ratio at birth (boys per girl)", 0.5, 2.0, "1");
  demography.real("labour_entry_age_urban", &DemographyParameters::labour_entry_age_urban, 22,
                  "Age at which an urban child enters the labour force", 15, 30, "years");
  demography.real("labour_entry_age_rural", &DemographyParameters::labour_entry_age_rural, 20,
                  "Age at which a village child enters the labour force", 15, 30, "years");
  demography.real("retirement_age_men", &DemographyParameters::retirement_age_men, 60,
                  "Legal retirement age of men", 40, 80, "years");
  demography.real("retirement_age_women", &DemographyParameters::retirement_age_women, 50,
                  "Legal retirement age of women workers", 40, 80, "years");
  demography.real("retirement_age_women_staff", &DemographyParameters::retirement_age_women_staff,
                  55, "Legal retirement age of women cadres and staff", 40, 80, "years");
  demography.real("women_staff_share", &DemographyParameters::women_staff_share, 0.5,
                  "Share of working women who retire at the staff age", 0.0, 1.0, "1");
  demography.boolean("retirement_reform", &DemographyParameters::retirement_reform, false,
                     "The 2025 gradual retirement-age reform: men 60 to 63, women 50 to 55 and 55 "
                     "to 58 by birth cohort (needs the scenario's start_date)");
  demography.real("setup_cohort_decline", &DemographyParameters::setup_cohort_decline, 0.04,
                  "The retired at set-up: cohort size falls by this per year of age (log), which "
                  "gives Hangzhou's 65+ to 60+ ratio of 0.72 (2021 population bulletin)",
                  0.0, 0.5, "1/year of age");
  demography.real("formation_gift_share", &DemographyParameters::formation_gift_share, 0.1,
                  "Share of the parents' deposits given to a child who forms a household", 0.0, 1.0,
                  "1");
  demography.real("training_gain", &DemographyParameters::training_gain, 0.01,
                  "Yearly skill growth of an employed worker (log)", 0.0, 1.0, "1/year");
  auto education = s.section("education", &EconomyParameters::education);
  education.real(
      "private_share", &EducationParameters::private_share, 0.06,
      "Share of a household's spending on its children's education at the reference income "
      "(part of its services spending; assumption: NBS 'education, culture and recreation' "
      "is about 11 % of spending, education about half)",
      0.0, 1.0, "1");
  education.real("share_income_elasticity", &EducationParameters::share_income_elasticity, 0.3,
                 "Elasticity of the education share to expected income per person (education is a "
                 "luxury: spending elasticity ~1.3; assumption)",
                 0.0, 5.0, "1");
  education.real("reference_income_per_person_month",
                 &EducationParameters::reference_income_per_person_month, 6000,
                 "Income per person at which the education share is education.private_share", 1.0,
                 1e7, "RMB/person/month");
  education.real("max_share", &EducationParameters::max_share, 0.15,
                 "Largest education share of spending (assumption)", 0.0, 1.0, "1");
  education.real("public_per_child_urban", &EducationParameters::public_per_child_urban, 24000,
                 "Public schooling per child in urban communities (assumption: Zhejiang's public "
                 "budget per pupil, primary and junior secondary, ~20,000-26,000 RMB a year)",
                 0.0, 1e7, "RMB/child/year");
  education.real("public_per_child_rural", &EducationParameters::public_per_child_rural, 20000,
                 "Public schooling per child in villages (assumption: below the urban level)", 0.0,
                 1e7, "RMB/child/year");
  education.real(
      "averaging_weight", &EducationParameters::averaging_weight, 0.1,
      "Yearly weight of a household's education per child moving average (about ten years "
      "of schooling)",
      0.001, 1.0, "1/year");
  education.real(
      "skill_elasticity", &EducationParameters::skill_elasticity, 0.3,
      "Elasticity of an entrant's skill to education per child (assumption; Jackson, Johnson "
      "and Persico 2016 find ~0.7 for wages and per-pupil spending over 12 school years)",
      0.0, 2.0, "1");
  education.real(
      "reference_per_child_urban", &EducationParameters::reference_per_child_urban, 33000,
      "Education per child at which an urban entrant's expected skill is its group's mean "
      "(skills.mean_urban, skills.mean_migrant; the Xihu baseline's first-year average)",
      1.0, 1e8, "RMB/child/year");
  education.real(
      "reference_per_child_rural", &EducationParameters::reference_per_child_rural, 24000,
      "Education per child at which a village entrant's expected skill is skills.mean_rural "
      "(the Xihu baseline's first-year average)",
      1.0, 1e8, "RMB/child/year");
  auto migration = s.section("migration", &EconomyParameters::migration);
  migration.real(
      "hazard", &MigrationParameters::hazard, 0.0,
      "Yearly probability of moving to an urban community per unit of relative income gap "
      "(Harris-Todaro; 0 = no migration, the calibrated baseline; assumption)",
      0.0, 1.0, "1/year");
  migration.real("hukou_penalty", &MigrationParameters::hukou_penalty, 0.15,
                 "Expected shortfall of urban earnings for a non-local-urban hukou (jobs, social "
                 "insurance, schooling) in the migration decision (assumption; hukou wage gaps of "
                 "10-20 % in the literature)",
                 0.0, 1.0, "1");
  migration.real(
      "living_cost_premium_month", &MigrationParameters::living_cost_premium_month, 1000,
      "Extra urban living cost per person (mainly rent) over a village home (assumption)", 0.0, 1e6,
      "RMB/person/month");
  auto in = s.section("in_migration", &EconomyParameters::in_migration);
  in.real("rate_annual", &InMigrationParameters::rate_annual, 1.0,
          "Workers arriving per district worker and year per unit of the relative expected-income "
          "gap (Todaro 1969: job-finding probability x district wage over the outside wage, "
          "minus 1; docs/economy-rules.md R14a). It sets how closely arrivals follow labour "
          "demand, not their long-run number (assumption)",
          0.0, 10.0, "1/year");
  in.real("outside_wage_ratio", &InMigrationParameters::outside_wage_ratio, 0.32,
          "Outside wage per unit of skill a migrant compares with, over the district's mean at "
          "set-up: the job-finding rate settles near it, and with it unemployment near "
          "s/(s + ratio). s (1 - u)/u with u = 4.5 %, Zhejiang's surveyed unemployment in 2024 "
          "(4.6 % in 2023), and s = 1.5 %: the set-up is then at the Todaro balance "
          "(docs/economy-model.md)",
          0.01, 10.0, "1");
  in.real("outside_wage_growth", &InMigrationParameters::outside_wage_growth, 0.04,
          "Yearly log growth of the outside wage, in real terms (the district's CPI rises about "
          "0.3 % a year, docs/economy-rules.md R5): "
          "migrant workers' mean monthly income 4,072 (2020) to 4,961 RMB (2024), +4.9 %/yr, less "
          "CPI inflation of about 0.8 %/yr (NBS Migrant Worker Monitoring Survey reports)",
          -0.5, 0.5, "1/year");
  in.real("job_finding_smoothing", &InMigrationParameters::job_finding_smoothing, 0.5,
          "Weight of the latest month in the job-finding probability migrants expect", 0.0, 1.0,
          "1");
  in.real("return_rate_annual", &InMigrationParameters::return_rate_annual, 0.04,
          "Yearly probability that a migrant household leaves the district whatever its state "
          "(assumption)",
          0.0, 1.0, "1/year");
  in.real("return_unemployed_annual", &InMigrationParameters::return_unemployed_annual, 1.0,
          "Extra yearly departure probability of a migrant household per unemployed share of its "
          "workers and unit of relative gap of the outside wage over the expected district wage "
          "(Harris-Todaro in reverse; assumption)",
          0.0, 12.0, "1/year");
  in.real("rural_hukou_share", &InMigrationParameters::rural_hukou_share, 0.7,
          "Share of arriving households with an agricultural hukou (assumption: about two thirds "
          "of China's floating population, 2020 census)",
          0.0, 1.0, "1");
  in.real("insured_share", &InMigrationParameters::insured_share, 0.3,
          "Share of arriving households in the employee social insurance (pension and "
          "unemployment insurance), as pension.employee_share_rural_hukou",
          0.0, 1.0, "1");
  in.real("deposits_months", &InMigrationParameters::deposits_months, 3,
          "Deposits an arriving household brings, in months of its expected wages (mean of a "
          "lognormal with wealth.deposits_sigma; assumption)",
          0.0, 1000, "months");
  in.real("second_worker_probability", &InMigrationParameters::second_worker_probability, 0.5,
          "Probability that an arriving household has a second worker (assumption)", 0.0, 1.0, "1");
  in.real("child_probability", &InMigrationParameters::child_probability, 0.25,
          "Probability of each of up to two children in an arriving household (assumption)", 0.0,
          1.0, "1");
  in.real("oldest_arrival_age", &InMigrationParameters::oldest_arrival_age, 45,
          "Arriving workers are of working age below this age (uniform; assumption: the floating "
          "population is young, 2020 census)",
          15, 80, "years");
  in.real("rent_share", &InMigrationParameters::rent_share, 0.0,
          "Share of a renting household's income spent on rent at set-up, which newcomers deduct "
          "from the district's expected wage (assumption: rent-to-income ratios of 25-35 % are "
          "reported for large Chinese cities; 0, the baseline, leaves housing out of the decision: "
          "docs/economy-rules.md R14a says why)",
          0.0, 0.95, "1");
  in.real("rent_elasticity", &InMigrationParameters::rent_elasticity, 1.5,
          "Log change of rent per log change of residents per unit of housing: the inverse of the "
          "price elasticity of housing demand, about 0.67 (Mayo 1981 surveys 0.5-0.8)",
          0.0, 10.0, "1");
  in.real("housing_growth_annual", &InMigrationParameters::housing_growth_annual, 0.015,
          "Yearly log growth of the residents the district's housing holds at set-up rents "
          "(assumption: Hangzhou's population grew 1.2-2.0 % a year in 2021-2023 with about flat "
          "rents)",
          -0.5, 0.5, "1/year");
  // population from a household table (household_table.cpp)
  auto table = s.section("household_table", &EconomyParameters::household_table);
  table.string("file", &HouseholdTableParameters::file, "",
               "Household table (CSV, or FILE.h5:/path) the population starts from, relative to "
               "the scenario that names it; \"\" draws the population from the `households` "
               "shares (docs/scenarios.md)");
  // regions from a table (region_table.cpp)
  auto regions = s.section("region_table", &EconomyParameters::region_table);
  regions.string("file", &RegionTableParameters::file, "",
                 "Region table (CSV, or FILE.h5:/path: name, parent, residence, residents) the "
                 "regions, areas and their residents come from, relative to the scenario that "
                 "names it; \"\" uses the population counts (docs/scenarios.md)");
  regions.real("reference_income_urban", &RegionTableParameters::reference_income_urban, 0.0,
               "Per-capita disposable income the scenario's urban set-up stands for: an urban "
               "region's `income` column is read relative to it (0: the table may give none)",
               0.0, 1e7, "RMB/person/year");
  regions.real("reference_income_rural", &RegionTableParameters::reference_income_rural, 0.0,
               "Per-capita disposable income the scenario's rural set-up stands for: a rural "
               "region's `income` column is read relative to it (0: the table may give none)",
               0.0, 1e7, "RMB/person/year");
  return s;
}

const BoundSchema<EconomyParameters>& economy_binding() {
  static const BoundSchema<EconomyParameters> binding = bind_economy();
  return binding;
}

}  // namespace

ParamSchema economy_schema() { return economy_binding().schema(); }

EconomyParameters read_parameters(const cpsim::Parameters& p) {
  EconomyParameters e = economy_binding().read(p);
  // Cross-parameter checks the schema cannot make.
  const TaxParameters& tax = e.tax;
  if (tax.brackets_rate.size() != tax.brackets_upper.size() + 1) {
    p.fail("tax.brackets_rate", "expected one rate per bracket plus the top rate (" +
                                    std::to_string(tax.brackets_upper.size() + 1) + "), got " +
                                    std::to_string(tax.brackets_rate.size()));
  }
  for (std::size_t i = 1; i < tax.brackets_upper.size(); ++i) {
    if (!(tax.brackets_upper[i] > tax.brackets_upper[i - 1])) {
      p.fail("tax.brackets_upper", "bracket bounds must increase");
    }
  }
  if (e.labour.applications_min > e.labour.applications_max) {
    p.fail("labour.applications_min", "must not exceed labour.applications_max");
  }
  if (e.labour.applications_max > 8) p.fail("labour.applications_max", "at most 8 applications");
  double firm_share_total = 0, urban = 0, rural = 0;
  for (const SectorParameters& sector : e.sectors) {
    firm_share_total += sector.firm_share;
    urban += sector.consumption_share_urban;
    rural += sector.consumption_share_rural;
  }
  if (!(firm_share_total > 0)) p.fail("sectors", "firm shares sum to zero");
  if (urban > 1.0 + 1e-12) p.fail("sectors", "urban consumption shares sum above 1");
  if (rural > 1.0 + 1e-12) p.fail("sectors", "rural consumption shares sum above 1");
  if (e.education.private_share > e.education.max_share) {
    p.fail("education.private_share", "must not exceed education.max_share");
  }
  if (e.population.residents < e.population.urban_communities + e.population.villages) {
    p.fail("population.residents", "fewer residents than regions");
  }
  const DemographyParameters& d = e.demography;
  if (d.retirement_age_women > d.retirement_age_women_staff) {
    p.fail("demography.retirement_age_women",
           "must not exceed demography.retirement_age_women_staff");
  }
  for (const double entry : {d.labour_entry_age_urban, d.labour_entry_age_rural}) {
    if (entry >= d.retirement_age_women) {
      p.fail("demography.labour_entry_age_urban",
             "labour entry ages must be below every retirement age");
    }
  }
  if (!p.start_date().empty()) e.demography.start_year = std::stoi(p.start_date().substr(0, 4));
  if (d.retirement_reform && e.demography.start_year == 0) {
    p.fail("demography.retirement_reform",
           "the reform follows birth cohorts: the scenario needs a start_date (YYYY-MM of step 1)");
  }
  e.region_table.table = read_region_table(p, e);  // before the households: sets the counts
  e.household_table.table = read_household_table(p, e);
  return e;
}

}  // namespace cpsim::models::economy

// The district economy's parameter schema: every parameter with its unit, its
// default (the Xihu calibration) and where the default comes from. The same
// text appears in docs/economy-model.md; `cpsim models` prints it.
#include <string>

#include "economy/economy.hpp"

namespace cpsim::models::economy {
namespace {

struct SectorDefaults {
  double value_added_share, productivity, productivity_sigma, wage, productivity_growth,
      export_growth, firm_share, consumption_urban, consumption_rural, high_tech_share;
};

// Value-added shares: article (H1 2021: services 87.223 of 93.414 bn RMB, digital
// core 39.25 bn); the split of the non-service 6.6 % into manufacturing and tea is
// an assumption. Productivities and wages: set by hand so that labour shares
// (wage / value added per worker) are 0.3-0.6 and the average wage is close to
// Hangzhou's (about 8,000 RMB/month across ownership types); documented in
// docs/economy-model.md.
constexpr std::array<SectorDefaults, sector_count> sector_defaults{{
    {0.44, 45000, 0.6, 14000, 0.05, 0.07, 0.18, 0.08, 0.06, 0.30},
    {0.062, 26000, 0.4, 8500, 0.03, 0.03, 0.05, 0.05, 0.06, 0.20},
    {0.485, 18000, 0.5, 6500, 0.02, 0.03, 0.74, 0.55, 0.60, 0.0},
    {0.005, 8000, 0.3, 4200, 0.01, 0.02, 0.015, 0.01, 0.01, 0.0},
    {0.008, 10000, 0.3, 4500, 0.01, 0.03, 0.015, 0.02, 0.0, 0.0},
}};

}  // namespace

ParamSchema economy_schema() {
  ParamSchema s;
  // population
  s.integer("population.residents", 1089200, "Resident population (2020 census; article)", 1, 2e9,
            "persons");
  s.integer("population.urban_communities", 165, "Urban communities (article)", 1, 1e6, "regions");
  s.integer("population.villages", 32, "Administrative villages (article)", 1, 1e6, "regions");
  s.integer("population.subdistricts", 10,
            "Subdistricts; urban communities are dealt to them in turn (article)", 1, 1e4, "areas");
  s.integer("population.towns", 2, "Towns; villages are dealt to them in turn (article)", 1, 1e4,
            "areas");
  s.real("population.rural_share", 0.10,
         "Share of residents living in villages (assumption: 32 of 197 units, villages smaller)",
         0.0, 1.0, "1");
  s.real("households.elderly_only_share", 0.12, "Share of households of elderly only (assumption)",
         0.0, 1.0, "1");
  s.real("households.second_worker_probability", 0.75,
         "Probability that a working household has a second worker (assumption)", 0.0, 1.0, "1");
  s.real("households.child_probability", 0.30,
         "Probability of each of two child places being filled (assumption; mean size ~2.6)", 0.0,
         1.0, "1");
  s.real("households.elderly_probability", 0.20,
         "Probability of each of two elderly places being filled in a working household", 0.0, 1.0,
         "1");
  s.real("households.migrant_share_urban", 0.35,
         "Share of urban households with a hukou outside the district (assumption)", 0.0, 1.0, "1");
  s.real("households.rural_hukou_share_urban", 0.08,
         "Share of urban households of local agricultural hukou (assumption)", 0.0, 1.0, "1");
  s.real("skills.sigma", 0.5, "Log-sd of the worker skill factor (economy-rules R4)", 0.0, 3.0,
         "1");
  s.real("skills.mean_urban", 1.0, "Mean skill of urban local workers (normalisation)", 0.01, 10,
         "1");
  s.real("skills.mean_migrant", 0.85, "Mean skill of migrant workers (assumption)", 0.01, 10, "1");
  s.real("skills.mean_rural", 0.65,
         "Mean skill of village residents (calibrated to the 1.49 urban:rural ratio)", 0.01, 10,
         "1");
  s.real("skills.intergenerational_elasticity", 0.4,
         "Elasticity of an entrant's skill to the working parent's skill (intergenerational "
         "persistence; Chinese income elasticities 0.4-0.6: Gong, Leigh and Meng 2012; Fan, Yi "
         "and Zhang 2021)",
         0.0, 0.99, "1");
  s.real("wealth.deposits_months", 24,
         "Initial deposits in months of household income (near (1-c_y)/c_w, economy-rules R7)", 0.0,
         600, "months");
  s.real("wealth.deposits_sigma", 0.8, "Log-sd of initial deposits (assumption)", 0.0, 3.0, "1");
  s.real("wealth.housing_value_urban", 3.0e6,
         "Mean housing wealth of an urban household (assumption: ~75 m2 at ~40,000 RMB/m2)", 0.0,
         1e9, "RMB");
  s.real("wealth.housing_value_rural", 1.2e6,
         "Mean housing wealth of a village household (assumption)", 0.0, 1e9, "RMB");
  s.real("wealth.housing_sigma", 0.5, "Log-sd of housing wealth (assumption)", 0.0, 3.0, "1");
  // firms
  s.real("firms.count_per_1000_residents", 20, "Firms per 1,000 residents (assumption)", 0.01, 1000,
         "firms");
  s.real("firms.size_cap_share", 0.05,
         "Largest initial firm as a share of its sector's employment (truncates the Zipf law)",
         0.0001, 1.0, "1");
  s.real("firms.household_business_share", 0.35,
         "Share of urban firms (the smallest by initial size) that are household businesses "
         "(个体工商户): their profit is the owner's business income",
         0.0, 1.0, "1");
  s.integer("firms.entrant_max_employees", 5, "Largest labour demand of an entrant", 1, 1e6,
            "workers");
  s.real("firms.local_owner_share_small", 0.9,
         "Probability that a household business is owned by a district household", 0.0, 1.0, "1");
  s.real("firms.local_owner_share_large", 0.12,
         "Probability that a larger firm is owned by a district household (else outside "
         "owners; calibrated to the urban property-income share of 15 %)",
         0.0, 1.0, "1");
  s.real("firms.expectation_weight", 0.1,
         "Adaptive weight of sales expectations per month (economy-rules R1, 0.25/quarter)", 0.0,
         1.0, "1/month");
  s.real("firms.wage_productivity_passthrough", 0.5,
         "Share of productivity growth passed to the wage index (K+S; economy-rules R4)", 0.0, 2.0,
         "1");
  s.real("firms.wage_premium_elasticity", 0.3,
         "Elasticity of a firm's wage index to its relative productivity (assumption)", 0.0, 1.0,
         "1");
  s.real("firms.productivity_shock_sigma", 0.02, "Monthly log-sd of firm productivity shocks", 0.0,
         1.0, "1");
  s.real("firms.dividend_payout", 0.9,
         "Share of after-tax profit paid out (Caiani et al. 2016: 0.9; economy-rules R8)", 0.0, 1.0,
         "1");
  s.real("firms.exit_overdraft_months", 3,
         "A firm exits when its overdraft exceeds this many months of its wage bill", 0.0, 1000,
         "months");
  s.integer("firms.exit_idle_months", 6, "A firm without workers and sales this long exits", 1,
            1000, "months");
  s.real("firms.entry_capital_months", 3,
         "An entrant's start-up deposits in months of its wage bill (economy-rules R10)", 0.0, 1000,
         "months");
  for (std::size_t k = 0; k < sector_count; ++k) {
    const std::string p = "sectors." + std::string(sector_names[k]) + ".";
    const SectorDefaults& d = sector_defaults[k];
    s.real(p + "value_added_share", d.value_added_share,
           "Target share of district value added, sets the sector's initial employment (article; "
           "see docs)",
           0.0, 1.0, "1");
    s.real(p + "productivity_month", d.productivity,
           "Mean value added per worker (assumption, see docs)", 1.0, 1e8, "RMB/month");
    s.real(p + "productivity_sigma", d.productivity_sigma,
           "Log-sd of firm productivity within the sector (heavy tail; economy-rules R2)", 0.0, 3.0,
           "1");
    s.real(p + "wage_month", d.wage, "Wage per unit of skill at a firm of mean productivity", 0.0,
           1e8, "RMB/month");
    s.real(p + "productivity_growth", d.productivity_growth, "Trend productivity growth (log)",
           -1.0, 1.0, "1/year");
    s.real(p + "export_growth", d.export_growth,
           "Trend growth of outside demand (exports, visitors) (log)", -1.0, 1.0, "1/year");
    s.real(p + "firm_share", d.firm_share, "Share of the firm count", 0.0, 1.0, "1");
    s.real(p + "consumption_share_urban", d.consumption_urban,
           "Share of urban household spending bought from this sector (the rest is imported)", 0.0,
           1.0, "1");
    s.real(p + "consumption_share_rural", d.consumption_rural,
           "Share of village household spending bought from this sector", 0.0, 1.0, "1");
    s.real(p + "high_tech_share", d.high_tech_share,
           "Share of the sector's firms certified high-tech (15 % corporate tax)", 0.0, 1.0, "1");
  }
  // labour market
  s.real("labour.initial_unemployment", 0.045,
         "Unfilled share of the labour force at set-up (near s/(s+f); economy-rules R3)", 0.0, 0.9,
         "1");
  s.real("labour.separation_rate", 0.015,
         "Exogenous separations per worker and month (economy-rules R3)", 0.0, 1.0, "1/month");
  s.integer("labour.applications_min", 3, "Fewest applications a seeker sends per round", 1, 64,
            "applications");
  s.integer("labour.applications_max", 5, "Most applications a seeker sends per round", 1, 64,
            "applications");
  s.integer("labour.matching_rounds", 3, "Rounds of the monthly matching", 1, 100, "rounds");
  s.real("labour.commuting_cost_month", 800,
         "Monthly cost of commuting between a village and an urban firm (assumption)", 0.0, 1e6,
         "RMB/month");
  s.real("labour.hukou_penalty", 0.05,
         "Proportional cut of a non-local-urban-hukou applicant's score at hiring (policy lever)",
         0.0, 1.0, "1");
  // villages
  s.real("village.reserved_land_value_per_member", 90000,
         "Mean value of developed reserved land per collective member (assumption: about 300 "
         "million RMB for a village of 3,400)",
         0.0, 1e9, "RMB/person");
  s.real("village.reserved_land_yield", 0.05, "Annual rent yield of reserved land (assumption)",
         0.0, 1.0, "1/year");
  s.real("village.tourism_collective_share", 0.2,
         "Share of rural-tourism spending collected by the village collective (scenic fees)", 0.0,
         1.0, "1");
  s.real("village.collective_payout", 0.6,
         "Share of a collective's monthly income paid as dividends to members (assumption)", 0.0,
         1.0, "1");
  s.real("village.attractiveness_decay", 0.05, "Yearly decay of tourism attractiveness", 0.0, 1.0,
         "1/year");
  s.real("village.attractiveness_gain", 2.0,
         "Attractiveness gained per unit of investment relative to reserved-land value", 0.0, 1e6,
         "1");
  s.real("village.tea_brand_premium", 0.3,
         "Price premium of West Lake Longjing on tea output (brand value 7.4 bn RMB; article)", 0.0,
         10.0, "1");
  // taxes
  s.real_list("tax.brackets_upper", {36000, 144000, 300000, 420000, 660000, 960000},
              "Upper bounds of the annual PIT brackets on income after the deduction (China 2019)",
              0.0, 1e12, "RMB/year");
  s.real_list("tax.brackets_rate", {0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45},
              "PIT rates, one per bracket plus the top rate (China 2019)", 0.0, 1.0, "1");
  s.real("tax.standard_deduction_year", 60000, "PIT standard deduction (China 2019)", 0.0, 1e9,
         "RMB/year");
  s.real("tax.capital_income_rate", 0.2, "Tax withheld on dividends (China)", 0.0, 1.0, "1");
  s.real("tax.business_income_rate", 0.05,
         "Effective tax on urban household-business income (assumption; farm income exempt)", 0.0,
         1.0, "1");
  s.real("tax.corporate_rate", 0.25, "Corporate income tax (China)", 0.0, 1.0, "1");
  s.real("tax.corporate_rate_high_tech", 0.15, "Corporate tax of high-tech firms (China)", 0.0, 1.0,
         "1");
  s.real("tax.vat_rate", 0.06, "VAT on sales (China's rate for modern services)", 0.0, 1.0, "1");
  // transfers
  s.real("dibao.standard_per_person_month", 917,
         "Dibao standard in Hangzhou's main districts (from Nov 2017; the 2021 level is "
         "unverified)",
         0.0, 1e6, "RMB/month");
  s.real("dibao.take_up", 0.8, "Share of eligible households that claim dibao (assumption)", 0.0,
         1.0, "1");
  s.real("pension.urban_employee_replacement", 0.55,
         "Urban employee pension over the average wage (economy-rules R11: 0.5-0.6)", 0.0, 2.0,
         "1");
  s.real("pension.rural_basic_month", 300,
         "Urban-rural resident basic pension (a few hundred RMB; assumption)", 0.0, 1e6,
         "RMB/month");
  s.real("pension.employee_share_rural_hukou", 0.3,
         "Share of elderly with agricultural hukou who draw an employee-type pension "
         "(land-requisition schemes; assumption)",
         0.0, 1.0, "1");
  s.real("pension.upper_funded_share", 0.7,
         "Share of pension spending covered by the provincial pool (assumption)", 0.0, 1.0, "1");
  // government
  s.real("government.upper_tax_share", 0.48,
         "Share of taxes passed to upper levels (article: 1 - 11.84/22.8, H1 2021)", 0.0, 1.0, "1");
  s.real("government.public_spending_share", 0.7,
         "Public purchases from services firms as a share of last month's retained revenue", 0.0,
         5.0, "1");
  // consumption
  s.real("consumption.propensity_urban", 0.68,
         "Propensity to consume out of expected income, urban (Hangzhou 2017: 68 %)", 0.0, 1.5,
         "1");
  s.real("consumption.propensity_rural", 0.72,
         "Propensity to consume out of expected income, rural (Hangzhou 2017: 72 %)", 0.0, 1.5,
         "1");
  s.real("consumption.propensity_wealth", 0.01,
         "Monthly propensity to consume out of deposits (economy-rules R7: 0.01-0.02)", 0.0, 1.0,
         "1/month");
  s.real("consumption.subsistence_per_person_month", 900,
         "Subsistence floor of spending per person (assumption: about the dibao standard)", 0.0,
         1e6, "RMB/month");
  s.real("consumption.income_expectation_weight", 0.25,
         "Adaptive weight of expected disposable income per month", 0.0, 1.0, "1/month");
  // rest of world, bank, demography
  s.real("rest_of_world.export_noise_sigma", 0.01, "Monthly log-sd of outside demand", 0.0, 1.0,
         "1");
  s.real("bank.overdraft_rate_annual", 0.05, "Interest on firm overdrafts", 0.0, 1.0, "1/year");
  s.real("demography.retirement_probability", 0.03, "Yearly probability that a worker retires", 0.0,
         1.0, "1/year");
  s.real("demography.elderly_exit_probability", 0.06,
         "Yearly probability that an elderly member leaves (death, care home)", 0.0, 1.0, "1/year");
  s.real("demography.labour_entry_probability", 0.12,
         "Yearly probability that a child enters the labour force (if a worker place is free)", 0.0,
         1.0, "1/year");
  s.real("demography.birth_probability", 0.055,
         "Yearly probability of a birth in a working household with fewer than two children", 0.0,
         1.0, "1/year");
  s.real("demography.training_gain", 0.01, "Yearly skill growth of an employed worker (log)", 0.0,
         1.0, "1/year");
  s.real("education.private_share", 0.06,
         "Share of a household's spending on its children's education at the reference income "
         "(part of its services spending; assumption: NBS 'education, culture and recreation' "
         "is about 11 % of spending, education about half)",
         0.0, 1.0, "1");
  s.real("education.share_income_elasticity", 0.3,
         "Elasticity of the education share to expected income per person (education is a "
         "luxury: spending elasticity ~1.3; assumption)",
         0.0, 5.0, "1");
  s.real("education.reference_income_per_person_month", 6000,
         "Income per person at which the education share is education.private_share", 1.0, 1e7,
         "RMB/person/month");
  s.real("education.max_share", 0.15, "Largest education share of spending (assumption)", 0.0, 1.0,
         "1");
  s.real("education.public_per_child_urban", 24000,
         "Public schooling per child in urban communities (assumption: Zhejiang's public "
         "budget per pupil, primary and junior secondary, ~20,000-26,000 RMB a year)",
         0.0, 1e7, "RMB/child/year");
  s.real("education.public_per_child_rural", 20000,
         "Public schooling per child in villages (assumption: below the urban level)", 0.0, 1e7,
         "RMB/child/year");
  s.real("education.averaging_weight", 0.1,
         "Yearly weight of a household's education per child moving average (about ten years "
         "of schooling)",
         0.001, 1.0, "1/year");
  s.real("education.skill_elasticity", 0.3,
         "Elasticity of an entrant's skill to education per child (assumption; Jackson, Johnson "
         "and Persico 2016 find ~0.7 for wages and per-pupil spending over 12 school years)",
         0.0, 2.0, "1");
  s.real("education.reference_per_child_urban", 33000,
         "Education per child at which an urban entrant's expected skill is its group's mean "
         "(skills.mean_urban, skills.mean_migrant; the Xihu baseline's first-year average)",
         1.0, 1e8, "RMB/child/year");
  s.real("education.reference_per_child_rural", 24000,
         "Education per child at which a village entrant's expected skill is skills.mean_rural "
         "(the Xihu baseline's first-year average)",
         1.0, 1e8, "RMB/child/year");
  s.real("migration.hazard", 0.0,
         "Yearly probability of moving to an urban community per unit of relative income gap "
         "(Harris-Todaro; 0 = no migration, the calibrated baseline; assumption)",
         0.0, 1.0, "1/year");
  s.real("migration.hukou_penalty", 0.15,
         "Expected shortfall of urban earnings for a non-local-urban hukou (jobs, social "
         "insurance, schooling) in the migration decision (assumption; hukou wage gaps of "
         "10-20 % in the literature)",
         0.0, 1.0, "1");
  s.real("migration.living_cost_premium_month", 1000,
         "Extra urban living cost per person (mainly rent) over a village home (assumption)", 0.0,
         1e6, "RMB/person/month");
  return s;
}

EconomyParameters read_parameters(const cpsim::Parameters& p) {
  EconomyParameters e;
  e.residents = p.integer("population.residents");
  e.urban_communities = p.integer("population.urban_communities");
  e.villages = p.integer("population.villages");
  e.subdistricts = p.integer("population.subdistricts");
  e.towns = p.integer("population.towns");
  e.rural_share = p.real("population.rural_share");
  e.elderly_only_share = p.real("households.elderly_only_share");
  e.second_worker_probability = p.real("households.second_worker_probability");
  e.child_probability = p.real("households.child_probability");
  e.elderly_probability = p.real("households.elderly_probability");
  e.migrant_share_urban = p.real("households.migrant_share_urban");
  e.rural_hukou_share_urban = p.real("households.rural_hukou_share_urban");
  e.skill_sigma = p.real("skills.sigma");
  e.skill_mean_urban = p.real("skills.mean_urban");
  e.skill_mean_migrant = p.real("skills.mean_migrant");
  e.skill_mean_rural = p.real("skills.mean_rural");
  e.skill_intergenerational_elasticity = p.real("skills.intergenerational_elasticity");
  e.deposits_months = p.real("wealth.deposits_months");
  e.deposits_sigma = p.real("wealth.deposits_sigma");
  e.housing_value_urban = p.real("wealth.housing_value_urban");
  e.housing_value_rural = p.real("wealth.housing_value_rural");
  e.housing_sigma = p.real("wealth.housing_sigma");
  e.firms_per_1000 = p.real("firms.count_per_1000_residents");
  e.firm_size_cap_share = p.real("firms.size_cap_share");
  e.household_business_share = p.real("firms.household_business_share");
  e.entrant_max = p.integer("firms.entrant_max_employees");
  e.local_owner_share_small = p.real("firms.local_owner_share_small");
  e.local_owner_share_large = p.real("firms.local_owner_share_large");
  e.expectation_weight = p.real("firms.expectation_weight");
  e.wage_productivity_passthrough = p.real("firms.wage_productivity_passthrough");
  e.wage_premium_elasticity = p.real("firms.wage_premium_elasticity");
  e.productivity_shock_sigma = p.real("firms.productivity_shock_sigma");
  e.dividend_payout = p.real("firms.dividend_payout");
  e.exit_overdraft_months = p.real("firms.exit_overdraft_months");
  e.exit_idle_months = p.integer("firms.exit_idle_months");
  e.entry_capital_months = p.real("firms.entry_capital_months");
  double firm_share_total = 0;
  for (std::size_t k = 0; k < sector_count; ++k) {
    const std::string q = "sectors." + std::string(sector_names[k]) + ".";
    SectorParameters& s = e.sectors[k];
    s.value_added_share = p.real(q + "value_added_share");
    s.productivity_month = p.real(q + "productivity_month");
    s.productivity_sigma = p.real(q + "productivity_sigma");
    s.wage_month = p.real(q + "wage_month");
    s.productivity_growth = p.real(q + "productivity_growth");
    s.export_growth = p.real(q + "export_growth");
    s.firm_share = p.real(q + "firm_share");
    s.consumption_share_urban = p.real(q + "consumption_share_urban");
    s.consumption_share_rural = p.real(q + "consumption_share_rural");
    s.high_tech_share = p.real(q + "high_tech_share");
    firm_share_total += s.firm_share;
  }
  e.initial_unemployment = p.real("labour.initial_unemployment");
  e.separation_rate = p.real("labour.separation_rate");
  e.applications_min = p.integer("labour.applications_min");
  e.applications_max = p.integer("labour.applications_max");
  e.matching_rounds = p.integer("labour.matching_rounds");
  e.commuting_cost_month = p.real("labour.commuting_cost_month");
  e.hukou_penalty = p.real("labour.hukou_penalty");
  e.reserved_land_value = p.real("village.reserved_land_value_per_member");
  e.reserved_land_yield = p.real("village.reserved_land_yield");
  e.tourism_collective_share = p.real("village.tourism_collective_share");
  e.collective_payout = p.real("village.collective_payout");
  e.attractiveness_decay = p.real("village.attractiveness_decay");
  e.attractiveness_gain = p.real("village.attractiveness_gain");
  e.tea_brand_premium = p.real("village.tea_brand_premium");
  e.tax_brackets_upper = p.real_list("tax.brackets_upper");
  e.tax_brackets_rate = p.real_list("tax.brackets_rate");
  e.standard_deduction_year = p.real("tax.standard_deduction_year");
  e.capital_income_rate = p.real("tax.capital_income_rate");
  e.business_income_rate = p.real("tax.business_income_rate");
  e.corporate_rate = p.real("tax.corporate_rate");
  e.corporate_rate_high_tech = p.real("tax.corporate_rate_high_tech");
  e.vat_rate = p.real("tax.vat_rate");
  e.dibao_standard_month = p.real("dibao.standard_per_person_month");
  e.dibao_take_up = p.real("dibao.take_up");
  e.pension_replacement = p.real("pension.urban_employee_replacement");
  e.pension_rural_basic_month = p.real("pension.rural_basic_month");
  e.pension_employee_share_rural_hukou = p.real("pension.employee_share_rural_hukou");
  e.pension_upper_funded_share = p.real("pension.upper_funded_share");
  e.upper_tax_share = p.real("government.upper_tax_share");
  e.public_spending_share = p.real("government.public_spending_share");
  e.propensity_urban = p.real("consumption.propensity_urban");
  e.propensity_rural = p.real("consumption.propensity_rural");
  e.propensity_wealth = p.real("consumption.propensity_wealth");
  e.subsistence_month = p.real("consumption.subsistence_per_person_month");
  e.income_expectation_weight = p.real("consumption.income_expectation_weight");
  e.export_noise_sigma = p.real("rest_of_world.export_noise_sigma");
  e.overdraft_rate_annual = p.real("bank.overdraft_rate_annual");
  e.retirement_probability = p.real("demography.retirement_probability");
  e.elderly_exit_probability = p.real("demography.elderly_exit_probability");
  e.labour_entry_probability = p.real("demography.labour_entry_probability");
  e.birth_probability = p.real("demography.birth_probability");
  e.training_gain = p.real("demography.training_gain");
  e.education_private_share = p.real("education.private_share");
  e.education_income_elasticity = p.real("education.share_income_elasticity");
  e.education_reference_income = p.real("education.reference_income_per_person_month");
  e.education_max_share = p.real("education.max_share");
  e.education_public_urban = p.real("education.public_per_child_urban");
  e.education_public_rural = p.real("education.public_per_child_rural");
  e.education_averaging_weight = p.real("education.averaging_weight");
  e.education_skill_elasticity = p.real("education.skill_elasticity");
  e.education_reference_urban = p.real("education.reference_per_child_urban");
  e.education_reference_rural = p.real("education.reference_per_child_rural");
  e.migration_hazard = p.real("migration.hazard");
  e.migration_hukou_penalty = p.real("migration.hukou_penalty");
  e.migration_living_cost_premium_month = p.real("migration.living_cost_premium_month");

  // Cross-parameter checks the schema cannot make.
  if (e.tax_brackets_rate.size() != e.tax_brackets_upper.size() + 1) {
    p.fail("tax.brackets_rate", "expected one rate per bracket plus the top rate (" +
                                    std::to_string(e.tax_brackets_upper.size() + 1) + "), got " +
                                    std::to_string(e.tax_brackets_rate.size()));
  }
  for (std::size_t i = 1; i < e.tax_brackets_upper.size(); ++i) {
    if (!(e.tax_brackets_upper[i] > e.tax_brackets_upper[i - 1])) {
      p.fail("tax.brackets_upper", "bracket bounds must increase");
    }
  }
  if (e.applications_min > e.applications_max) {
    p.fail("labour.applications_min", "must not exceed labour.applications_max");
  }
  if (e.applications_max > 8) p.fail("labour.applications_max", "at most 8 applications");
  if (!(firm_share_total > 0)) p.fail("sectors", "firm shares sum to zero");
  double urban = 0, rural = 0;
  for (const auto& s : e.sectors) {
    urban += s.consumption_share_urban;
    rural += s.consumption_share_rural;
  }
  if (urban > 1.0 + 1e-12) p.fail("sectors", "urban consumption shares sum above 1");
  if (rural > 1.0 + 1e-12) p.fail("sectors", "rural consumption shares sum above 1");
  if (e.education_private_share > e.education_max_share) {
    p.fail("education.private_share", "must not exceed education.max_share");
  }
  if (e.residents < e.urban_communities + e.villages) {
    p.fail("population.residents", "fewer residents than regions");
  }
  return e;
}

}  // namespace cpsim::models::economy

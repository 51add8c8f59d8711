// Metrics every step. Incomes are the month's disposable income per person
// (all components less taxes); "annual" metrics multiply by 12, "ytd" metrics
// use income so far this calendar year (a full year at steps 12, 24, ...).
// Distribution statistics are person-weighted (weight = household members)
// and come from cpsim::Distribution and cpsim::theil, identical at any thread
// count.
#include "economy/metrics.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/parallel.hpp"

namespace cpsim::models::economy {
namespace {

std::vector<std::string> labels(auto const& names) {
  return std::vector<std::string>(names.begin(), names.end());
}

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

}  // namespace

EconomyMetrics::EconomyMetrics(MetricSet& m, const Economy& economy) : economy_(economy) {
  const std::size_t sector = m.add_dimension("sector", labels(sector_names));
  const std::size_t quintile =
      m.add_dimension("quintile", {"q1_poorest", "q2", "q3", "q4", "q5_richest"});
  const std::size_t area = m.add_dimension("area", economy.regions().area_names);
  const std::size_t flow = m.add_dimension("flow", labels(flow_names));
  const std::size_t institution = m.add_dimension("institution", labels(institution_names));
  gdp_ = m.add_real("gdp", "RMB/month", "Value added: firm sales plus village scenic fees");
  gdp_by_sector_ = m.add_real("gdp_by_sector", "RMB/month", "Value added by sector", {sector});
  services_share_ = m.add_real("services_share", "1",
                               "Services (digital, services, rural tourism) share of value added");
  digital_share_ = m.add_real("digital_share", "1", "Digital-economy share of value added");
  real_gdp_ = m.add_real("real_gdp", "RMB/month", "Value added at set-up prices");
  price_level_ = m.add_real("price_level", "1", "Price over its set-up level", {sector});
  consumer_prices_ =
      m.add_real("consumer_price_index", "1",
                 "Households' spending this month over its value at set-up prices (Paasche)");
  employment_ = m.add_integer("employment", "persons", "Employed workers");
  labour_force_ = m.add_integer("labour_force", "persons", "Workers employed or seeking");
  population_ = m.add_integer("population", "persons", "Residents");
  unemployment_rate_ = m.add_real("unemployment_rate", "1", "Unemployed share of the labour force");
  mean_wage_ = m.add_real("mean_wage", "RMB/month", "Mean gross wage of employed workers");
  urban_income_ = m.add_real("urban_income_per_capita", "RMB/person/month",
                             "Disposable income per urban resident this month");
  rural_income_ = m.add_real("rural_income_per_capita", "RMB/person/month",
                             "Disposable income per village resident this month");
  urban_income_annual_ = m.add_real("urban_income_per_capita_annualised", "RMB/person/year",
                                    "Urban disposable income per person this month x 12");
  rural_income_annual_ = m.add_real("rural_income_per_capita_annualised", "RMB/person/year",
                                    "Village disposable income per person this month x 12");
  ratio_ = m.add_real("urban_rural_ratio", "1",
                      "Urban over village per-capita disposable income this month");
  urban_income_ytd_ = m.add_real("urban_income_per_capita_ytd", "RMB/person",
                                 "Urban disposable income per person so far this year");
  rural_income_ytd_ = m.add_real("rural_income_per_capita_ytd", "RMB/person",
                                 "Village disposable income per person so far this year");
  ratio_ytd_ = m.add_real("urban_rural_ratio_ytd", "1",
                          "Urban over village per-capita disposable income so far this year");
  gini_income_ = m.add_real("gini_income", "1",
                            "Gini of per-capita disposable income this month, person-weighted");
  gini_income_ytd_ =
      m.add_real("gini_income_ytd", "1",
                 "Gini of per-capita disposable income so far this year, person-weighted");
  gini_wealth_ =
      m.add_real("gini_wealth", "1", "Gini of household wealth (deposits + housing + firm equity)");
  theil_ = m.add_real("theil_t", "1",
                      "Theil T of per-capita disposable income this month, person-weighted");
  theil_within_ =
      m.add_real("theil_within", "1", "Within urban and village groups part of Theil T");
  theil_between_ =
      m.add_real("theil_between", "1", "Between urban and village groups part of Theil T");
  palma_ =
      m.add_real("palma", "1", "Top 10 % over bottom 40 % share of per-capita disposable income");
  quintile_share_ = m.add_real(
      "quintile_share", "1", "Share of disposable income by person-weighted quintile", {quintile});
  median_income_ = m.add_real("median_income_annualised", "RMB/person/year",
                              "Median per-capita disposable income x 12");
  relative_poverty_ = m.add_real("relative_poverty_rate", "1",
                                 "Share of persons below 50 % of the median per-capita income");
  dibao_poverty_ = m.add_real(
      "dibao_poverty_rate", "1",
      "Share of persons with per-capita income below the dibao standard, after transfers");
  middle_income_share_ =
      m.add_real("middle_income_share", "1",
                 "Share of persons with 33,333-166,667 RMB per capita a year (NBS band, x 12)");
  income_by_area_ = m.add_real("income_per_capita_by_area", "RMB/person/year",
                               "Disposable income per person x 12 by subdistrict and town", {area});
  revenue_ = m.add_real("government_revenue", "RMB/month",
                        "Taxes collected in the district (before sharing)");
  retained_revenue_ = m.add_real("government_retained_revenue", "RMB/month",
                                 "Revenue after sharing with upper levels");
  spending_ = m.add_real("government_spending", "RMB/month",
                         "Pensions, dibao, public purchases and policy spending");
  balance_ = m.add_real("government_balance", "RMB/month",
                        "Change of the government's deposits this month");
  debt_ = m.add_real("government_debt", "RMB",
                     "Government overdraft (debt); 0 while deposits are positive");
  village_income_ = m.add_real("village_collective_income", "RMB/month",
                               "Rent and scenic fees of all village collectives");
  village_dividends_ = m.add_real("village_collective_dividends", "RMB/month",
                                  "Collective dividends paid to members");
  dibao_households_ =
      m.add_integer("dibao_households", "households", "Households receiving a dibao top-up");
  hires_ = m.add_integer("hires", "persons", "Hires this month");
  separations_ = m.add_integer("separations", "persons", "Separations and dismissals this month");
  open_vacancies_ =
      m.add_integer("open_vacancies", "jobs", "Vacancies left open after this month's matching");
  vacancy_rate_ = m.add_real("vacancy_rate", "1",
                             "Open vacancies / (employment + open vacancies): labour demand "
                             "that the month's matching left unmet (with unemployment, the "
                             "Beveridge curve)");
  job_finding_rate_ =
      m.add_real("job_finding_rate", "1",
                 "Hires / (hires + unemployed at the end of the month): the share of the "
                 "month's job seekers who found a job");
  firm_exits_ =
      m.add_integer("firm_exits", "firms", "Exits this month (each replaced by an entrant)");
  flow_matrix_ = m.add_integer(
      "flow_matrix", "fen",
      "Transaction-flow matrix of the month: flow kind x institution, + received, - paid; "
      "every row and column sums to 0",
      {flow, institution});
  money_total_ = m.add_integer("money_total", "fen", "Sum of all balances");
  money_error_ =
      m.add_integer("money_error", "fen", "Sum of all balances minus the initial sum (must be 0)");
  migrating_households_ =
      m.add_integer("migrating_households", "households",
                    "Households moving from a village to an urban community (yearly, steps 12, "
                    "24, ...; 0 in other steps)");
  migrating_persons_ =
      m.add_integer("migrating_persons", "persons", "Members of this step's migrating households");
  rural_resident_share_ =
      m.add_real("rural_resident_share", "1", "Share of residents living in a village");
  declare_skill_metrics(m);
  declare_fiscal_metrics(m);
  declare_labour_flow_metrics(m);
  declare_demography_metrics(m);
  // The initial state has lived no month: its incomes, their distribution,
  // the budget's and the villages' flows and the month's matching are not
  // zero but undefined (NaN at step 0). Stocks (population, employment,
  // wealth, debt, money) and the firms' calibrated sales (GDP) are defined.
  for (const Metric<double> metric : {mean_wage_,
                                      urban_income_,
                                      rural_income_,
                                      urban_income_annual_,
                                      rural_income_annual_,
                                      ratio_,
                                      urban_income_ytd_,
                                      rural_income_ytd_,
                                      ratio_ytd_,
                                      gini_income_,
                                      gini_income_ytd_,
                                      theil_,
                                      theil_within_,
                                      theil_between_,
                                      palma_,
                                      quintile_share_,
                                      median_income_,
                                      relative_poverty_,
                                      dibao_poverty_,
                                      middle_income_share_,
                                      income_by_area_,
                                      revenue_,
                                      retained_revenue_,
                                      spending_,
                                      balance_,
                                      village_income_,
                                      village_dividends_,
                                      vacancy_rate_,
                                      job_finding_rate_}) {
    m.declare_undefined_at_step0(metric, month_not_lived);
  }
}

CalibrationSample EconomyMetrics::measure(const StepContext& /*context*/, MetricRow& row) {
  const Economy& e = economy_;
  const EconomyParameters& p = e.parameters();
  const AgentTable& t = e.households();
  const HouseholdColumns& h = e.household_columns();
  const std::size_t n = t.size();
  const auto flags = t[h.flags];
  const auto region = t[h.region];
  const auto workers = t[h.workers];
  const auto employer_0 = t[h.employer_0];
  const auto employer_1 = t[h.employer_1];
  const auto deposits = t[h.deposits];
  const auto housing = t[h.housing_wealth];
  const auto equity = t[h.firm_equity];
  const auto ytd = t[h.income_ytd];
  CalibrationSample sample;

  // Output
  const AgentTable& firms = e.firms();
  const auto sector = firms[e.firm_columns().sector];
  const auto sales = firms[e.firm_columns().sales];
  std::array<std::int64_t, sector_count> by_sector{};
  for (std::size_t f = 0; f < firms.size(); ++f) by_sector[sector[f]] += sales[f];
  by_sector[rural_tourism] += e.month().village_tourism_fees;
  double gdp = 0, services = 0, real_gdp = 0, spending = 0, real_spending = 0;
  const auto& price = e.price_level();
  for (std::size_t s = 0; s < sector_count; ++s) {
    const double v = static_cast<double>(by_sector[s]) / fen_per_rmb;
    row.set(gdp_by_sector_, s, v);
    row.set(price_level_, s, price[s]);
    sample.gdp_by_sector[s] = v;
    gdp += v;
    real_gdp += v / price[s];
    if (is_services_sector(s)) services += v;
    const auto spent = static_cast<double>(e.month().household_spending[s]);
    spending += spent;
    real_spending += spent / price[s];
  }
  row.set(gdp_, gdp);
  row.set(real_gdp_, real_gdp);
  row.set(consumer_prices_, real_spending > 0 ? spending / real_spending : 1.0);
  row.set(services_share_, ratio(services, gdp));
  row.set(digital_share_, ratio(sample.gdp_by_sector[digital_economy], gdp));

  // Labour
  const std::int64_t labour_force = deterministic_sum<std::int64_t>(
      n, [&](std::size_t i) { return static_cast<std::int64_t>(workers[i]); });
  const std::int64_t employed = deterministic_sum<std::int64_t>(n, [&](std::size_t i) {
    return static_cast<std::int64_t>((employer_0[i] >= 0 ? 1 : 0) + (employer_1[i] >= 0 ? 1 : 0));
  });
  const std::int64_t wages =
      deterministic_sum<std::int64_t>(n, [&](std::size_t i) { return t[h.wage_income][i]; });
  row.set(employment_, employed);
  row.set(labour_force_, labour_force);
  sample.unemployment_rate =
      labour_force > 0 ? 1.0 - static_cast<double>(employed) / static_cast<double>(labour_force)
                       : 0.0;
  row.set(unemployment_rate_, sample.unemployment_rate);
  row.set(mean_wage_,
          ratio(static_cast<double>(wages) / fen_per_rmb, static_cast<double>(employed)));

  // Incomes per person
  Workspace& w = scratch_;
  for (auto* column : {&w.per_capita, &w.per_capita_ytd, &w.weight, &w.wealth}) column->resize(n);
  w.group.resize(n);
  std::vector<double>& per_capita = w.per_capita;
  std::vector<double>& per_capita_ytd = w.per_capita_ytd;
  std::vector<double>& weight = w.weight;
  std::vector<double>& wealth = w.wealth;
  std::vector<std::uint32_t>& group = w.group;
  parallel_for(n, [&](std::size_t b, std::size_t end) {
    for (std::size_t i = b; i < end; ++i) {
      const double m = e.members(i);
      weight[i] = m;
      per_capita[i] =
          m > 0 ? 12.0 * static_cast<double>(e.disposable_income(i)) / fen_per_rmb / m : 0.0;
      per_capita_ytd[i] = m > 0 ? static_cast<double>(ytd[i]) / fen_per_rmb / m : 0.0;
      group[i] = (flags[i] & flag_rural_resident) != 0 ? 1U : 0U;
      wealth[i] = static_cast<double>(deposits[i] + housing[i] + equity[i]) / fen_per_rmb;
    }
  });
  // Group and area totals: integer fen and persons, exact in any order.
  const std::size_t areas = e.regions().area_names.size();
  std::vector<std::int64_t> area_income(areas, 0), area_persons(areas, 0);
  std::array<std::int64_t, 2> group_income{}, group_ytd{}, group_persons{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t m = e.members(i);
    const std::int64_t income = e.disposable_income(i);
    group_income[group[i]] += income;
    group_ytd[group[i]] += ytd[i];
    group_persons[group[i]] += m;
    const std::size_t a = e.regions().area[region[i]];
    area_income[a] += income;
    area_persons[a] += m;
  }
  row.set(population_, group_persons[0] + group_persons[1]);
  row.set(rural_resident_share_, ratio(static_cast<double>(group_persons[1]),
                                       static_cast<double>(group_persons[0] + group_persons[1])));
  const double urban = ratio(static_cast<double>(group_income[0]) / fen_per_rmb,
                             static_cast<double>(group_persons[0]));
  const double rural = ratio(static_cast<double>(group_income[1]) / fen_per_rmb,
                             static_cast<double>(group_persons[1]));
  row.set(urban_income_, urban);
  row.set(rural_income_, rural);
  row.set(urban_income_annual_, 12.0 * urban);
  row.set(rural_income_annual_, 12.0 * rural);
  row.set(ratio_, ratio(urban, rural));
  sample.urban_income_ytd =
      ratio(static_cast<double>(group_ytd[0]) / fen_per_rmb, static_cast<double>(group_persons[0]));
  sample.rural_income_ytd =
      ratio(static_cast<double>(group_ytd[1]) / fen_per_rmb, static_cast<double>(group_persons[1]));
  row.set(urban_income_ytd_, sample.urban_income_ytd);
  row.set(rural_income_ytd_, sample.rural_income_ytd);
  row.set(ratio_ytd_, ratio(sample.urban_income_ytd, sample.rural_income_ytd));
  for (std::size_t a = 0; a < areas; ++a) {
    row.set(income_by_area_, a,
            12.0 * ratio(static_cast<double>(area_income[a]) / fen_per_rmb,
                         static_cast<double>(area_persons[a])));
  }

  w.income_distribution.assign(per_capita, weight);
  const Distribution& income = w.income_distribution;
  row.set(gini_income_, income.gini());
  row.set(palma_, income.palma());
  for (std::size_t q = 0; q < 5; ++q) {
    row.set(quintile_share_, q,
            income.share_between(0.2 * static_cast<double>(q), 0.2 * static_cast<double>(q + 1)));
  }
  const double median = income.median();
  row.set(median_income_, median);
  row.set(relative_poverty_, income.share_below(0.5 * median));
  row.set(dibao_poverty_, income.share_below(12.0 * p.dibao.standard_per_person_month));
  row.set(middle_income_share_, income.share_in(100000.0 / 3.0, 500000.0 / 3.0));
  const TheilDecomposition theil_t = theil(per_capita, weight, group, 2);
  row.set(theil_, theil_t.total);
  row.set(theil_within_, theil_t.within);
  row.set(theil_between_, theil_t.between);
  w.income_ytd_distribution.assign(per_capita_ytd, weight);
  sample.gini_income_ytd = w.income_ytd_distribution.gini();
  row.set(gini_income_ytd_, sample.gini_income_ytd);
  w.wealth_distribution.assign(wealth);
  row.set(gini_wealth_, w.wealth_distribution.gini());

  // Government and villages
  const MonthTotals& month = e.month();
  sample.fiscal_revenue = static_cast<double>(month.tax_revenue) / fen_per_rmb;
  row.set(revenue_, sample.fiscal_revenue);
  row.set(retained_revenue_, static_cast<double>(month.retained_revenue) / fen_per_rmb);
  row.set(spending_, static_cast<double>(month.spending) / fen_per_rmb);
  const FlowMatrix& flows = e.ledger().step_flows();
  const std::size_t saving_row = static_cast<std::size_t>(Flow::deposit_change) * institution_count;
  row.set(balance_, -static_cast<double>(
                        flows[saving_row + static_cast<std::size_t>(Institution::government)]) /
                        fen_per_rmb);
  row.set(debt_, static_cast<double>(e.government_debt()) / fen_per_rmb);
  row.set(village_income_, static_cast<double>(month.village_income) / fen_per_rmb);
  row.set(village_dividends_, static_cast<double>(month.village_dividends) / fen_per_rmb);
  row.set(dibao_households_, month.dibao_households);
  row.set(hires_, month.hires);
  row.set(separations_, month.separations);
  {
    const auto vacancies = firms[e.firm_columns().vacancies];
    std::int64_t open = 0;
    for (const std::int32_t v : vacancies) open += v;
    row.set(open_vacancies_, open);
    row.set(vacancy_rate_, ratio(static_cast<double>(open), static_cast<double>(employed + open)));
    const std::int64_t unemployed = labour_force - employed;
    row.set(job_finding_rate_,
            ratio(static_cast<double>(month.hires), static_cast<double>(month.hires + unemployed)));
  }
  row.set(firm_exits_, month.exits);
  row.set(migrating_households_, month.migrating_households);
  row.set(migrating_persons_, month.migrating_persons);
  for (std::size_t k = 0; k < flows.size(); ++k) row.set(flow_matrix_, k, flows[k]);
  const std::int64_t total = e.ledger().total_money();
  row.set(money_total_, total);
  row.set(money_error_, total - e.initial_money());
  measure_skills(row);
  measure_fiscal(row, sample);
  measure_labour_flows(row, group_persons[0] + group_persons[1]);
  measure_demography(row);
  return sample;
}

}  // namespace cpsim::models::economy

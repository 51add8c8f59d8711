// Metrics of the labour market's boundary and insurance (docs/economy-rules.md
// R12a, R14a): households arriving from outside the district and leaving it,
// what migrants expect, and the unemployment insurance's contributions and
// benefits.
#include "cpsim/engine/parallel.hpp"
#include "economy/metrics.hpp"

namespace cpsim::models::economy {

void EconomyMetrics::declare_labour_flow_metrics(MetricSet& m) {
  arriving_households_ = m.add_integer("arriving_households", "households",
                                       "Households arriving from outside the district this month");
  arriving_persons_ =
      m.add_integer("arriving_persons", "persons", "Members of this month's arriving households");
  departing_households_ =
      m.add_integer("departing_households", "households",
                    "Migrant households leaving the district this month (return migration)");
  departing_persons_ =
      m.add_integer("departing_persons", "persons", "Members of this month's departing households");
  households_ = m.add_integer("households", "households",
                              "Households living in the district (rows not left vacant)");
  migrant_persons_ =
      m.add_integer("migrant_persons", "persons", "Residents whose hukou is outside the district");
  benefit_recipients_ = m.add_integer("benefit_recipients", "persons",
                                      "Unemployed workers paid unemployment insurance");
  unemployment_benefits_ = m.add_real("unemployment_benefits", "RMB/month",
                                      "Unemployment insurance benefits paid this month");
  social_contributions_ =
      m.add_real("social_contributions", "RMB/month",
                 "Unemployment insurance contributions of workers and employers this month");
  expected_job_finding_ =
      m.add_real("expected_job_finding", "1",
                 "Job-finding probability that migrants expect (hires per seeker, smoothed)");
  outside_wage_gap_ = m.add_real(
      "expected_income_gap", "1",
      "Expected district wage (job finding x mean wage per skill, less rent's rise) over the "
      "outside wage, minus 1: arrivals when positive, extra returns of the unemployed when "
      "negative");
  housing_crowding_ = m.add_real(
      "housing_crowding", "1",
      "Residents over what the district's housing holds at set-up rents (in-migrants' rent "
      "rises with it)");
  for (const auto metric : {unemployment_benefits_, social_contributions_}) {
    m.declare_undefined_at_step0(metric, month_not_lived);
  }
}

void EconomyMetrics::measure_labour_flows(MetricRow& row, std::int64_t population) const {
  const Economy& e = economy_;
  const MonthTotals& month = e.month();
  row.set(arriving_households_, month.arriving_households);
  row.set(arriving_persons_, month.arriving_persons);
  row.set(departing_households_, month.departing_households);
  row.set(departing_persons_, month.departing_persons);
  row.set(benefit_recipients_, month.benefit_recipients);
  row.set(unemployment_benefits_, static_cast<double>(month.unemployment_benefits) / fen_per_rmb);
  row.set(social_contributions_, static_cast<double>(month.social_contributions) / fen_per_rmb);
  const AgentTable& t = e.households();
  const auto flags = t[e.household_columns().flags];
  row.set(households_, deterministic_sum<std::int64_t>(t.size(), [&](std::size_t i) {
            return (flags[i] & flag_vacant) == 0 ? std::int64_t{1} : std::int64_t{0};
          }));
  row.set(migrant_persons_, deterministic_sum<std::int64_t>(t.size(), [&](std::size_t i) {
            return (flags[i] & flag_migrant) != 0 ? std::int64_t{e.members(i)} : std::int64_t{0};
          }));
  const MigrationOutlook& outlook = e.migration_outlook();
  row.set(expected_job_finding_, outlook.job_finding);
  const double crowding = e.housing_crowding(population);
  row.set(outside_wage_gap_, e.expected_income_gap(crowding));
  row.set(housing_crowding_, crowding);
}

}  // namespace cpsim::models::economy

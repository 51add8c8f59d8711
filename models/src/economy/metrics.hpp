#pragma once
// The district economy's metrics, computed by the engine every step from the
// state: output, the labour market, incomes and their distribution, the
// budget, village collectives, the flow matrix and the money check.
#include <array>
#include <cstdint>
#include <vector>

#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/simulation.hpp"
#include "economy/economy.hpp"

namespace cpsim::models::economy {

/// Per-step values the calibration table needs (kept by the model).
struct CalibrationSample {
  std::array<double, sector_count> gdp_by_sector{};  ///< RMB/month
  double unemployment_rate = 0;
  double urban_income_ytd = 0, rural_income_ytd = 0;  ///< RMB per person, year to date
  double gini_income_ytd = 0;
  double fiscal_revenue = 0;  ///< RMB/month, before sharing with upper levels
};

/// Why a metric of the month has no value at step 0 (the file's `undefined`).
inline constexpr const char* month_not_lived = "no month has been lived";

class EconomyMetrics {
 public:
  EconomyMetrics(MetricSet& metrics, const Economy& economy);
  CalibrationSample measure(const StepContext& context, MetricRow& row);

 private:
  // skill_metrics.cpp: skills, entrants and education by residence
  void declare_skill_metrics(MetricSet& metrics);
  void measure_skills(MetricRow& row) const;
  // fiscal_metrics.cpp: public purchases, interest, debt over GDP
  void declare_fiscal_metrics(MetricSet& metrics);
  void measure_fiscal(MetricRow& row, const CalibrationSample& sample) const;
  // labour_flow_metrics.cpp: migration across the boundary, unemployment insurance
  void declare_labour_flow_metrics(MetricSet& metrics);
  /// Also crowding and the income gap, from the population counted by measure.
  void measure_labour_flows(MetricRow& row, std::int64_t population) const;
  // demography_metrics.cpp: age structure and the year's demographic events
  void declare_demography_metrics(MetricSet& metrics);
  void measure_demography(MetricRow& row) const;

  const Economy& economy_;
  // Household-sized arrays reused every step: allocating them anew
  // page-faulted some 20,000 pages a step at 1:1 (a third of a step's time).
  struct Workspace {
    std::vector<double> per_capita, per_capita_ytd, weight, wealth;
    std::vector<std::uint32_t> group;
    Distribution income_distribution, income_ytd_distribution, wealth_distribution;
  };
  Workspace scratch_;
  Metric<double> gdp_, gdp_by_sector_, services_share_, digital_share_, real_gdp_, price_level_,
      consumer_prices_;
  Metric<std::int64_t> employment_, labour_force_, population_;
  Metric<double> unemployment_rate_, mean_wage_;
  Metric<double> urban_income_, rural_income_, urban_income_annual_, rural_income_annual_, ratio_;
  Metric<double> urban_income_ytd_, rural_income_ytd_, ratio_ytd_;
  Metric<double> gini_income_, gini_income_ytd_, gini_wealth_, theil_, theil_within_,
      theil_between_;
  Metric<double> palma_, quintile_share_, median_income_, relative_poverty_, dibao_poverty_,
      middle_income_share_;
  Metric<double> income_by_area_;
  Metric<double> revenue_, retained_revenue_, spending_, balance_, debt_;
  Metric<double> village_income_, village_dividends_;
  Metric<std::int64_t> dibao_households_, hires_, separations_, firm_exits_;
  Metric<std::int64_t> open_vacancies_;
  Metric<double> vacancy_rate_, job_finding_rate_;
  Metric<std::int64_t> flow_matrix_, money_total_, money_error_;
  Metric<std::int64_t> migrating_households_, migrating_persons_;
  Metric<double> rural_resident_share_;
  Metric<double> worker_skill_, skill_ratio_, entrant_skill_, entrant_parent_correlation_;
  Metric<std::int64_t> entrants_;
  Metric<double> education_per_child_, education_spending_;
  Metric<double> public_purchases_, government_interest_, debt_to_gdp_;
  Metric<std::int64_t> arriving_households_, arriving_persons_, departing_households_,
      departing_persons_, households_, migrant_persons_, benefit_recipients_;
  Metric<double> unemployment_benefits_, social_contributions_, expected_job_finding_,
      outside_wage_gap_, housing_crowding_;
  Metric<std::int64_t> population_by_age_, births_, deaths_, retirements_, households_formed_,
      households_dissolved_, moved_to_care_;
  Metric<double> old_age_dependency_, mean_age_;
};

}  // namespace cpsim::models::economy

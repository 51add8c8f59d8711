// Fiscal metrics (docs/economy-rules.md R11): what the fiscal rule spends on
// public purchases, the interest on the government's debt, and the debt over
// annualised GDP, so that a policy's cost shows where it lands (lower
// purchases or higher debt).
#include <limits>

#include "economy/metrics.hpp"

namespace cpsim::models::economy {

void EconomyMetrics::declare_fiscal_metrics(MetricSet& m) {
  public_purchases_ =
      m.add_real("government_purchases", "RMB/month",
                 "Public purchases of services set by the fiscal rule (the spending that "
                 "absorbs policy costs)");
  government_interest_ = m.add_real("government_interest", "RMB/month",
                                    "Interest on the government's debt, paid to the bank");
  debt_to_gdp_ =
      m.add_real("government_debt_to_gdp", "1", "Government debt over 12 x this month's GDP");
  m.declare_undefined_at_step0(public_purchases_, month_not_lived);
  m.declare_undefined_at_step0(government_interest_, month_not_lived);
  m.declare_undefined_where(debt_to_gdp_, "this month's GDP is zero");
}

void EconomyMetrics::measure_fiscal(MetricRow& row, const CalibrationSample& sample) const {
  const Economy& e = economy_;
  row.set(public_purchases_, static_cast<double>(e.month().government_purchases) / fen_per_rmb);
  row.set(government_interest_, static_cast<double>(e.month().government_interest) / fen_per_rmb);
  double gdp = 0;
  for (const double v : sample.gdp_by_sector) gdp += v;
  const double debt = static_cast<double>(e.government_debt()) / fen_per_rmb;
  row.set(debt_to_gdp_, gdp > 0 ? debt / (12.0 * gdp) : std::numeric_limits<double>::quiet_NaN());
}

}  // namespace cpsim::models::economy

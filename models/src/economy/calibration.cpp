// Calibration targets for Xihu, first simulated year. Ranges and sources are
// discussed in docs/economy-model.md.
#include "economy/calibration.hpp"

#include <algorithm>
#include <string>

namespace cpsim::models::economy {

std::vector<CalibrationRow> calibration_rows(const std::vector<CalibrationSample>& samples,
                                             double residents) {
  if (samples.empty()) return {};
  const std::size_t months = std::min<std::size_t>(samples.size(), 12);
  const CalibrationSample& last = samples[months - 1];
  std::array<double, sector_count> gdp{};
  double total = 0, unemployment = 0, revenue = 0;
  for (std::size_t m = 0; m < months; ++m) {
    for (std::size_t s = 0; s < sector_count; ++s) {
      gdp[s] += samples[m].gdp_by_sector[s];
      total += samples[m].gdp_by_sector[s];
    }
    unemployment += samples[m].unemployment_rate;
    revenue += samples[m].fiscal_revenue;
  }
  double services = 0;
  for (std::size_t s = 0; s < sector_count; ++s) {
    if (is_services_sector(s)) services += gdp[s];
  }
  const double scale = 12.0 / static_cast<double>(months);  // annualise a short run
  const double ratio =
      last.rural_income_ytd > 0 ? last.urban_income_ytd / last.rural_income_ytd : 0;
  return {
      {"urban_rural_income_ratio", 1.44, 1.54, ratio, "1", "target",
       "Xihu 2021 (article): urban:rural per-capita disposable income 1.49"},
      {"services_share_of_value_added", 0.90, 1.0, total > 0 ? services / total : 0, "1", "target",
       "article: services 87.223 of 93.414 bn RMB in H1 2021 (0.934); issue: >= 0.90"},
      {"digital_economy_share_of_value_added", 0.37, 0.47,
       total > 0 ? gdp[digital_economy] / total : 0, "1", "target",
       "article: digital-economy core 39.25 of 93.414 bn RMB in H1 2021 (0.42)"},
      {"unemployment_rate", 0.03, 0.065, unemployment / static_cast<double>(months), "1", "target",
       "NBS: surveyed urban unemployment 5.1 % (2021 average); steady state s/(s+f) = 4.8 % "
       "(docs/economy-rules.md R3); see docs/economy-model.md"},
      {"gini_disposable_income_per_capita", 0.30, 0.47, last.gini_income_ytd, "1", "target",
       "NBS national Gini 0.468 (2020) as upper bound: Xihu's urban:rural gap (1.49) is far below "
       "China's (2.56); see docs/economy-model.md"},
      {"gdp_per_resident", 130000.0, 220000.0, total * scale / residents, "RMB/person/year",
       "context", "article: GDP 93.414 bn RMB in H1 2021 (about 187 bn a year) / 1,089,200"},
      {"fiscal_revenue_per_resident", 25000.0, 60000.0, revenue * scale / residents,
       "RMB/person/year", "context",
       "article: total fiscal revenue 22.8 bn RMB in H1 2021 (about 46 bn a year) / 1,089,200"},
  };
}

ResultTable calibration_table(const std::vector<CalibrationSample>& samples, double residents) {
  ResultTable table;
  table.name = "calibration";
  table.description = "Calibration targets for Xihu District against the first simulated year";
  std::vector<std::string> target, unit, kind, within, source;
  std::vector<double> low, high, simulated;
  for (const CalibrationRow& r : calibration_rows(samples, residents)) {
    target.emplace_back(r.target);
    low.push_back(r.low);
    high.push_back(r.high);
    simulated.push_back(r.simulated);
    unit.emplace_back(r.unit);
    kind.emplace_back(r.kind);
    within.emplace_back(r.simulated >= r.low && r.simulated <= r.high ? "yes" : "no");
    source.emplace_back(r.source);
  }
  table.columns = {{"target", "", target},       {"low", "", low},       {"high", "", high},
                   {"simulated", "", simulated}, {"within", "", within}, {"unit", "", unit},
                   {"kind", "", kind},           {"source", "", source}};
  return table;
}

}  // namespace cpsim::models::economy

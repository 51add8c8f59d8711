// Yearly rural-urban migration (Harris and Todaro 1970; model-brief process 8),
// at the year's end after demography. From aggregates taken at the start of
// the process, each village household with a worker compares
//   expected urban income = 12 x urban employment rate x mean urban wage per
//                           unit of skill x its workers' skills
//                           x (1 - hukou penalty, if its hukou is not local urban)
//                         - 12 x living-cost premium x members
// with its rural income, last year's disposable income, and moves with
// probability hazard x (urban - rural)^+ / urban, the relative gap of
// the validation model (models/src/validation/harris_todaro.cpp), drawn from
// its own stream `migration.decision` (household id, step), so no other
// stream shifts. A mover's urban community is drawn in proportion to the
// communities' residents at the start of the process.
// What moves: the residence (region, rural-resident flag), hence consumption
// shares, commuting, the urban/rural and per-area metrics. What stays: hukou,
// deposits, housing, firm ownership, jobs, and village membership. Since the
// 2021 rule rural collective rights (land contract, homestead, collective
// dividends) are not lost on moving, so the household stays on its village's
// roster (Regions' household range, which is therefore the hukou roster, not
// the residents) and keeps its collective dividends and cooperative income.
#include <cstdint>
#include <limits>
#include <vector>

#include "cpsim/engine/parallel.hpp"
#include "economy/economy.hpp"

namespace cpsim::models::economy {

void Economy::migrate_households(const StepContext& context) {
  AgentTable& t = *households_;
  const std::size_t n = t.size();
  auto region = t[h_.region];
  auto flags = t[h_.flags];
  const auto workers = t[h_.workers];
  const auto skill_0 = t[h_.skill_0];
  const auto skill_1 = t[h_.skill_1];
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto income_ytd = t[h_.income_ytd];
  const auto ytd_wage_0 = t[h_.ytd_wage_0];
  const auto ytd_wage_1 = t[h_.ytd_wage_1];
  const auto ytd_tax_0 = t[h_.ytd_tax_0];
  const auto ytd_tax_1 = t[h_.ytd_tax_1];
  const auto ids = t.ids();

  // Start-of-process aggregates: urban residents' employment rate, the
  // employment-weighted wage per unit of skill of urban firms, residents by
  // community. Integer sums are exact; the wage sum is in household order.
  std::vector<std::int64_t> community_persons(regions_.communities, 0);
  std::int64_t urban_labour = 0, urban_employed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if ((flags[i] & flag_rural_resident) != 0) continue;
    community_persons[region[i]] += members(i);
    urban_labour += workers[i];
    urban_employed += (employer_0[i] >= 0 ? 1 : 0) + (employer_1[i] >= 0 ? 1 : 0);
  }
  const auto firm_region = (*firms_)[f_.region];
  const auto wage_index = (*firms_)[f_.wage_index];
  const auto employees = (*firms_)[f_.employees];
  double wage_sum = 0;
  std::int64_t urban_jobs = 0;
  for (std::size_t f = 0; f < firms_->size(); ++f) {
    if (regions_.rural[firm_region[f]] != 0 || employees[f] <= 0) continue;
    wage_sum += static_cast<double>(wage_index[f]) * employees[f];
    urban_jobs += employees[f];
  }
  if (urban_labour == 0 || urban_jobs == 0) return;
  const double employment_rate =
      static_cast<double>(urban_employed) / static_cast<double>(urban_labour);
  const double wage_per_skill = wage_sum / static_cast<double>(urban_jobs);
  std::vector<double> community_weight(community_persons.begin(), community_persons.end());
  const AliasTable communities(community_weight);
  if (communities.empty()) return;

  // Decisions from the start-of-process state, one keyed block per household.
  constexpr auto stays = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> destination(n, stays);
  const RandomStream stream = context.stream("migration.decision");
  const auto step = static_cast<std::uint64_t>(context.step);
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if ((flags[i] & flag_rural_resident) == 0 || workers[i] == 0) continue;
      const double skills = static_cast<double>(skill_0[i] + (workers[i] > 1 ? skill_1[i] : 0.0F));
      const bool penalised = (flags[i] & (flag_rural_hukou | flag_migrant)) != 0;
      const int persons = members(i);
      const double rural_income = static_cast<double>(income_ytd[i]) / fen_per_rmb;
      // Income that does not depend on where the household lives (dividends,
      // pensions, business and property income) comes along.
      const double kept_income = rural_income - static_cast<double>(ytd_wage_0[i] + ytd_wage_1[i] -
                                                                    ytd_tax_0[i] - ytd_tax_1[i]) /
                                                    fen_per_rmb;
      const double urban_income =
          kept_income + 12.0 * (employment_rate * wage_per_skill * skills *
                                    (penalised ? 1.0 - p_.migration.hukou_penalty : 1.0) -
                                p_.migration.living_cost_premium_month * persons);
      if (urban_income <= 0 || urban_income <= rural_income) continue;
      const double gap = (urban_income - rural_income) / urban_income;
      const RandomBlock u = stream.block(ids[i], step);
      if (to_unit_interval(u[0]) < p_.migration.hazard * gap)
        destination[i] = communities.draw(u[1], u[2]);
    }
  });

  std::int64_t moved = 0, persons_moved = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (destination[i] == stays) continue;
    region[i] = static_cast<std::uint16_t>(destination[i]);
    flags[i] = static_cast<std::uint8_t>(flags[i] & ~flag_rural_resident);
    ++moved;
    persons_moved += members(i);
  }
  month_.migrating_households = moved;
  month_.migrating_persons = persons_moved;
}

}  // namespace cpsim::models::economy

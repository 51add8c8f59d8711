// Labour market, monthly (docs/economy-rules.md R2-R4):
//  1. firms update sales expectations adaptively and set labour demand
//     N^d = round(expected sales / productivity); the wage curve moves each
//     firm's wage index up with last month's unfilled share of its posts and
//     down (more slowly) with its surplus share of workers;
//  2. separations: each worker leaves with the exogenous rate, plus firing
//     at firms with more workers than they need (probability = surplus/size);
//  3. vacancies = N^d - employees; unemployed workers search and firms select
//     by skill (less a hukou penalty for non-local-urban hukou); a worker
//     values an offer at wage minus the commuting cost between a village and
//     an urban firm (or back), less its reservation wage (which falls with
//     the spell's length down to its benefit). The matching is matching.hpp's
//     deterministic parallel algorithm.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "economy/economy.hpp"
#include "economy/matching.hpp"
#include "economy/transfers.hpp"

namespace cpsim::models::economy {

double Economy::wage_of(std::size_t firm, double skill) const {
  return static_cast<double>((*firms_)[f_.wage_index][firm]) * skill;
}

int Economy::members(std::size_t i) const {
  const AgentTable& t = *households_;
  return t[h_.workers][i] + t[h_.children][i] + t[h_.elderly][i];
}

void Economy::count_employees() {
  AgentTable& firms = *firms_;
  auto employees = firms[f_.employees];
  std::fill(employees.begin(), employees.end(), 0);
  const AgentTable& t = *households_;
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      for (const std::int32_t f : {employer_0[i], employer_1[i]}) {
        if (f >= 0) {
          std::atomic_ref<std::int32_t>(employees[static_cast<std::size_t>(f)])
              .fetch_add(1, std::memory_order_relaxed);
        }
      }
    }
  });
}

double Economy::market_wage_per_skill() const {
  const AgentTable& firms = *firms_;
  const auto wage_index = firms[f_.wage_index];
  const auto employees = firms[f_.employees];
  const double total = deterministic_sum<double>(firms.size(), [&](std::size_t f) {
    return employees[f] > 0 ? static_cast<double>(wage_index[f]) * employees[f] : 0.0;
  });
  const std::int64_t jobs = deterministic_sum<std::int64_t>(firms.size(), [&](std::size_t f) {
    return static_cast<std::int64_t>(std::max(0, employees[f]));
  });
  return jobs > 0 ? total / static_cast<double>(jobs) : 0.0;
}

double Economy::measure_average_wage() const {
  const AgentTable& t = *households_;
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto skill_0 = t[h_.skill_0];
  const auto skill_1 = t[h_.skill_1];
  const double total = deterministic_sum<double>(t.size(), [&](std::size_t i) {
    double w = 0;
    if (employer_0[i] >= 0)
      w += wage_of(static_cast<std::size_t>(employer_0[i]), static_cast<double>(skill_0[i]));
    if (employer_1[i] >= 0)
      w += wage_of(static_cast<std::size_t>(employer_1[i]), static_cast<double>(skill_1[i]));
    return w;
  });
  const std::int64_t employed = deterministic_sum<std::int64_t>(t.size(), [&](std::size_t i) {
    return static_cast<std::int64_t>((employer_0[i] >= 0 ? 1 : 0) + (employer_1[i] >= 0 ? 1 : 0));
  });
  return employed > 0 ? total / static_cast<double>(employed) : 0.0;
}

std::int64_t Economy::match(const StepContext& context, std::string_view stream_name,
                            std::int64_t rounds) {
  AgentTable& t = *households_;
  const auto workers = t[h_.workers];
  auto employer_0 = t[h_.employer_0];
  auto employer_1 = t[h_.employer_1];
  auto unemployed_0 = t[h_.months_unemployed_0];
  auto unemployed_1 = t[h_.months_unemployed_1];
  const auto skill_0 = t[h_.skill_0];
  const auto skill_1 = t[h_.skill_1];
  const auto flags = t[h_.flags];
  const auto region = t[h_.region];
  const auto ids = t.ids();
  // Seekers in household order: a sequential pass, cheap next to the matching.
  std::vector<std::uint64_t> keys;
  std::vector<float> scores;
  std::vector<std::uint32_t> household;
  for (std::size_t i = 0; i < t.size(); ++i) {
    for (std::uint8_t k = 0; k < workers[i]; ++k) {
      if ((k == 0 ? employer_0[i] : employer_1[i]) != no_employer) continue;
      const float skill = k == 0 ? skill_0[i] : skill_1[i];
      const bool penalised = (flags[i] & (flag_rural_hukou | flag_migrant)) != 0;
      keys.push_back(ids[i] * 2 + k);
      scores.push_back(static_cast<float>(static_cast<double>(skill) *
                                          (penalised ? 1.0 - p_.labour.hukou_penalty : 1.0)));
      household.push_back(static_cast<std::uint32_t>(i));
    }
  }
  // Reservation wages (R3): a share of the market wage for the seeker's
  // skill, falling with the spell down to the seeker's benefit.
  const double market = market_wage_per_skill();
  const LabourParameters& labour = p_.labour;
  std::vector<double> reservation(keys.size());
  parallel_for(keys.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t s = b; s < e; ++s) {
      const std::size_t i = household[s];
      const int k = static_cast<int>(keys[s] & 1);
      const double skill = static_cast<double>(k == 0 ? skill_0[i] : skill_1[i]);
      const int spell = k == 0 ? unemployed_0[i] : unemployed_1[i];
      const std::int64_t benefit = unemployment_benefit_fen(
          (flags[i] & contributed_flag(k)) != 0, spell, p_.unemployment_insurance.max_months,
          p_.unemployment_insurance.benefit_month);
      const double floor = benefit > 0 ? static_cast<double>(benefit) / fen_per_rmb
                                       : p_.dibao.standard_per_person_month;
      reservation[s] = reservation_wage(market * skill, labour.reservation_wage_ratio,
                                        labour.reservation_wage_decay, spell, floor);
    }
  });
  const auto firm_region = (*firms_)[f_.region];
  const auto value = [&](std::size_t s, std::size_t firm) {
    const std::size_t i = household[s];
    const std::uint64_t k = keys[s] & 1;
    const double skill = static_cast<double>(k == 0 ? skill_0[i] : skill_1[i]);
    const bool commute = regions_.rural[region[i]] != regions_.rural[firm_region[firm]];
    return wage_of(firm, skill) - (commute ? labour.commuting_cost_month : 0.0) - reservation[s];
  };
  month_.seekers = static_cast<std::int64_t>(keys.size());
  const MatchingRules rules{labour.applications_min, labour.applications_max, rounds};
  const auto hired =
      match_jobs(keys, scores, (*firms_)[f_.vacancies], rules, context.stream(stream_name),
                 static_cast<std::uint64_t>(context.step), value);
  std::int64_t hires = 0;
  for (std::size_t s = 0; s < hired.size(); ++s) {
    if (hired[s] < 0) continue;
    const std::size_t i = household[s];
    if ((keys[s] & 1) == 0) {
      employer_0[i] = hired[s];
      unemployed_0[i] = 0;
    } else {
      employer_1[i] = hired[s];
      unemployed_1[i] = 0;
    }
    ++hires;
  }
  return hires;
}

void Economy::run_labour_market(const StepContext& context) {
  AgentTable& firms = *firms_;
  auto expected = firms[f_.expected_sales];
  auto sales = firms[f_.sales];
  auto demand = firms[f_.labour_demand];
  auto vacancies = firms[f_.vacancies];
  auto wage_index = firms[f_.wage_index];
  const auto employees = firms[f_.employees];
  const auto productivity = firms[f_.productivity];
  const auto owner = firms[f_.owner];
  // 1. expectations and labour demand from last month's sales (a small
  // business stays below the private-enterprise size); the wage curve from
  // last month's unfilled vacancies (still in `vacancies`) and this month's
  // surplus of workers over demand.
  const double up = p_.firms.wage_vacancy_response;
  const double down = p_.firms.wage_surplus_response;
  const auto small_cap = static_cast<double>(p_.firms.household_business_max_employees);
  parallel_for(firms.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const double last_sales = static_cast<double>(sales[i]) / fen_per_rmb;
      expected[i] += p_.firms.expectation_weight * (last_sales - expected[i]);
      const double cap = small_business(owner[i]) ? small_cap : 1.0e9;
      demand[i] = static_cast<std::int32_t>(
          std::min(cap, std::round(expected[i] / static_cast<double>(productivity[i]))));
      sales[i] = 0;  // this month's sales accumulate from here on
      const double unfilled =
          vacancies[i] > 0 ? static_cast<double>(vacancies[i]) / (employees[i] + vacancies[i])
                           : 0.0;
      const double surplus = employees[i] > demand[i]
                                 ? static_cast<double>(employees[i] - demand[i]) / employees[i]
                                 : 0.0;
      wage_index[i] = static_cast<float>(static_cast<double>(wage_index[i]) *
                                         std::exp(up * unfilled - down * surplus));
    }
  });

  // 2. separations and firing
  AgentTable& t = *households_;
  auto employer_0 = t[h_.employer_0];
  auto employer_1 = t[h_.employer_1];
  auto unemployed_0 = t[h_.months_unemployed_0];
  auto unemployed_1 = t[h_.months_unemployed_1];
  const auto ids = t.ids();
  const RandomStream separation = context.stream("labour.separation");
  const auto step = static_cast<std::uint64_t>(context.step);
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& /*no payments*/) {
    std::int64_t local = 0;
    for (std::size_t i = b; i < e; ++i) {
      if (employer_0[i] < 0 && employer_1[i] < 0) continue;
      const RandomBlock u = separation.block(ids[i], step);  // word k for worker slot k
      for (std::uint64_t k = 0; k < 2; ++k) {
        std::int32_t& employer = k == 0 ? employer_0[i] : employer_1[i];
        if (employer < 0) continue;
        const auto f = static_cast<std::size_t>(employer);
        const double surplus = std::max(0, employees[f] - demand[f]);
        const double fire = employees[f] > 0 ? surplus / employees[f] : 0.0;
        const double p = p_.labour.separation_rate + (1.0 - p_.labour.separation_rate) * fire;
        if (to_unit_interval(u[k]) < p) {
          employer = no_employer;
          (k == 0 ? unemployed_0[i] : unemployed_1[i]) = 0;
          ++local;
        }
      }
    }
    std::atomic_ref<std::int64_t>(month_.separations).fetch_add(local, std::memory_order_relaxed);
  });
  count_employees();

  // 3. vacancies and matching
  parallel_for(firms.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) vacancies[i] = std::max(0, demand[i] - employees[i]);
  });
  month_.hires = match(context, "labour.search", p_.labour.matching_rounds);
  count_employees();
  // The job-finding probability migrants expect (labour_migration.cpp).
  if (month_.seekers > 0) {
    const double finding = static_cast<double>(month_.hires) / static_cast<double>(month_.seekers);
    outlook_.job_finding +=
        p_.in_migration.job_finding_smoothing * (finding - outlook_.job_finding);
  }
  const auto workers = t[h_.workers];
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (workers[i] > 0 && employer_0[i] < 0 && unemployed_0[i] < 255) ++unemployed_0[i];
      if (workers[i] > 1 && employer_1[i] < 0 && unemployed_1[i] < 255) ++unemployed_1[i];
    }
  });
}

}  // namespace cpsim::models::economy

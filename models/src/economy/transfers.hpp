#pragma once
// Benefit rules as pure functions of integer fen, so that each can be checked
// on hand-computed cases (tests/models/test_economy_processes.cpp).
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace cpsim::models::economy {

/// Dibao (最低生活保障): the household's shortfall below the per-person standard,
/// standard x members - income, or 0 if its income reaches the standard.
inline std::int64_t dibao_top_up(std::int64_t standard_per_person_fen, int members,
                                 std::int64_t income_fen) {
  return std::max<std::int64_t>(0, standard_per_person_fen * members - income_fen);
}

/// Monthly pension of one elderly person, fen: the urban employee pension is
/// a replacement rate times the average wage; everyone else gets the flat
/// urban-rural resident basic pension. Floored to the fen.
inline std::int64_t monthly_pension_fen(bool employee_scheme, double replacement,
                                        double average_wage_rmb, double rural_basic_rmb) {
  const double rmb = employee_scheme ? replacement * average_wage_rmb : rural_basic_rmb;
  return rmb > 0 ? static_cast<std::int64_t>(rmb * 100.0) : 0;
}

/// Unemployment insurance of one worker this month, fen: the flat benefit
/// while the worker has contributed and the spell (months unemployed,
/// counted from 1 in the first month without a job) is at most max_months.
inline std::int64_t unemployment_benefit_fen(bool contributed, int months_unemployed,
                                             std::int64_t max_months, double benefit_rmb) {
  if (!contributed || months_unemployed < 1 || months_unemployed > max_months) return 0;
  return benefit_rmb > 0 ? static_cast<std::int64_t>(benefit_rmb * 100.0) : 0;
}

/// Reservation wage of an unemployed worker, RMB/month: ratio x the market
/// wage for its skill at the start of a spell, falling by `decay` (log) a
/// month of unemployment, never below the floor (its benefit).
inline double reservation_wage(double market_wage, double ratio, double decay,
                               int months_unemployed, double floor) {
  const double wage = ratio * market_wage * std::exp(-decay * months_unemployed);
  return std::max(wage, floor);
}

}  // namespace cpsim::models::economy

#pragma once
// Benefit rules as pure functions of integer fen, so that each can be checked
// on hand-computed cases (tests/models/test_economy_processes.cpp).
#include <algorithm>
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

}  // namespace cpsim::models::economy

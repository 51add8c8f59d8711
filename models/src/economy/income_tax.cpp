// Personal income tax on wages: the schedule, monthly withholding (called from
// wages.cpp) and the year-end settlement phase.
#include "economy/income_tax.hpp"

#include <algorithm>
#include <cmath>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

TaxSchedule::TaxSchedule(const std::vector<double>& brackets_upper,
                         const std::vector<double>& rates, double standard_deduction_year)
    : annual_deduction_(std::llround(standard_deduction_year * fen_per_rmb)) {
  for (const double u : brackets_upper) upper_fen_.push_back(std::llround(u * fen_per_rmb));
  for (const double r : rates) rate_basis_points_.push_back(std::llround(r * 10000.0));
}

std::int64_t TaxSchedule::annual_tax(std::int64_t taxable_fen) const {
  if (taxable_fen <= 0 || rate_basis_points_.empty()) return 0;
  std::int64_t lower = 0;
  std::int64_t weighted = 0;  // fen x basis points
  for (std::size_t b = 0; b < rate_basis_points_.size(); ++b) {
    const bool top = b >= upper_fen_.size();
    const std::int64_t upper = top ? taxable_fen : std::min(taxable_fen, upper_fen_[b]);
    if (upper > lower) weighted += (upper - lower) * rate_basis_points_[b];
    if (top || taxable_fen <= upper_fen_[b]) break;
    lower = upper_fen_[b];
  }
  return weighted / 10000;
}

std::int64_t TaxSchedule::withholding(std::int64_t wages_so_far, int months_with_wages,
                                      std::int64_t withheld_so_far) const {
  const std::int64_t deduction = annual_deduction_ / 12 * months_with_wages;
  const std::int64_t due = annual_tax(wages_so_far - deduction);
  return std::max<std::int64_t>(0, due - withheld_so_far);
}

std::int64_t TaxSchedule::year_end_settlement(std::int64_t annual_wages,
                                              std::int64_t withheld) const {
  return annual_tax(annual_wages - annual_deduction_) - withheld;
}

void Economy::settle_income_tax_year(const StepContext& /*context*/) {
  AgentTable& t = *households_;
  const TaxSchedule schedule(p_.tax.brackets_upper, p_.tax.brackets_rate,
                             p_.tax.standard_deduction_year);
  auto ytd_wage_0 = t[h_.ytd_wage_0];
  auto ytd_wage_1 = t[h_.ytd_wage_1];
  auto ytd_tax_0 = t[h_.ytd_tax_0];
  auto ytd_tax_1 = t[h_.ytd_tax_1];
  auto taxes = t[h_.taxes_paid];
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    for (std::size_t i = b; i < e; ++i) {
      for (int k = 0; k < 2; ++k) {
        auto& wages = k == 0 ? ytd_wage_0[i] : ytd_wage_1[i];
        auto& withheld = k == 0 ? ytd_tax_0[i] : ytd_tax_1[i];
        if (wages == 0 && withheld == 0) continue;
        const std::int64_t due = schedule.year_end_settlement(wages, withheld);
        if (due > 0) {
          ledger_.transfer(household_account(i), government_account, due,
                           Flow::income_tax_settlement, tally);
        } else if (due < 0) {
          ledger_.transfer(government_account, household_account(i), -due,
                           Flow::income_tax_settlement, tally);
        }
        withheld += due;
        taxes[i] += due;
      }
    }
  });
}

}  // namespace cpsim::models::economy

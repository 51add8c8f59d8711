#pragma once
// China's individual income tax on wages ("comprehensive income", 2019 law):
// seven brackets on annual income above the standard deduction, withheld
// monthly by the cumulative method and settled at the end of the year.
//
// Cumulative withholding in month m of the tax year:
//   taxable_m  = wages so far - (deduction / 12) x (months with wages so far)
//   withhold_m = max(0, annual_tax(taxable_m) - withheld so far)
// Year-end settlement: annual_tax(annual wages - deduction) - withheld; a
// negative amount is refunded (a worker with months without wages had a
// smaller deduction applied during the year than the law allows).
// Amounts are integer fen; each bracket's tax is exact in basis points and the
// total is floored to the fen, the fraction staying with the taxpayer.
#include <cstdint>
#include <vector>

namespace cpsim::models::economy {

class TaxSchedule {
 public:
  /// upper bounds and rates as in the scenario (RMB per year, fractions).
  TaxSchedule(const std::vector<double>& brackets_upper, const std::vector<double>& rates,
              double standard_deduction_year);
  TaxSchedule() = default;

  /// Tax on annual taxable income (after the deduction), fen.
  [[nodiscard]] std::int64_t annual_tax(std::int64_t taxable_fen) const;
  /// This month's withholding by the cumulative method.
  [[nodiscard]] std::int64_t withholding(std::int64_t wages_so_far, int months_with_wages,
                                         std::int64_t withheld_so_far) const;
  /// Positive: the worker pays; negative: the government refunds.
  [[nodiscard]] std::int64_t year_end_settlement(std::int64_t annual_wages,
                                                 std::int64_t withheld) const;
  [[nodiscard]] std::int64_t annual_deduction() const { return annual_deduction_; }

 private:
  std::vector<std::int64_t> upper_fen_;
  std::vector<std::int64_t> rate_basis_points_;
  std::int64_t annual_deduction_ = 0;
};

}  // namespace cpsim::models::economy

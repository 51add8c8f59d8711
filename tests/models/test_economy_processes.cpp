// Each process rule on hand-computed cases: the PIT schedule at bracket edges,
// cumulative withholding and the year-end settlement, dibao and pensions.
#include <gtest/gtest.h>

#include "economy/income_tax.hpp"
#include "economy/transfers.hpp"

namespace cpsim::models::economy {
namespace {

constexpr std::int64_t rmb = 100;  // fen

TaxSchedule china_2019() {
  return TaxSchedule({36000, 144000, 300000, 420000, 660000, 960000},
                     {0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45}, 60000);
}

TEST(IncomeTax, AnnualScheduleAtBracketEdges) {
  const TaxSchedule tax = china_2019();
  EXPECT_EQ(tax.annual_tax(0), 0);
  EXPECT_EQ(tax.annual_tax(-5000 * rmb), 0);
  EXPECT_EQ(tax.annual_tax(36000 * rmb), 1080 * rmb);
  EXPECT_EQ(tax.annual_tax(36001 * rmb), 1080 * rmb + 10);  // 1 RMB at 10 % = 10 fen
  EXPECT_EQ(tax.annual_tax(144000 * rmb), 11880 * rmb);     // 1,080 + 10,800
  EXPECT_EQ(tax.annual_tax(300000 * rmb), 43080 * rmb);     // + 31,200
  EXPECT_EQ(tax.annual_tax(420000 * rmb), 73080 * rmb);     // + 30,000
  EXPECT_EQ(tax.annual_tax(660000 * rmb), 145080 * rmb);    // + 72,000
  EXPECT_EQ(tax.annual_tax(960000 * rmb), 250080 * rmb);    // + 105,000
  EXPECT_EQ(tax.annual_tax(1000000 * rmb), 268080 * rmb);   // + 40,000 at 45 %
  // The quick-deduction form of the law: taxable x rate - deduction.
  EXPECT_EQ(tax.annual_tax(200000 * rmb), (200000 * 20 / 100 - 16920) * rmb);
}

TEST(IncomeTax, FractionOfAFenStaysWithTheTaxpayer) {
  const TaxSchedule tax = china_2019();
  EXPECT_EQ(tax.annual_tax(33), 0);  // 0.99 fen
  EXPECT_EQ(tax.annual_tax(34), 1);  // 1.02 fen
}

TEST(IncomeTax, CumulativeMonthlyWithholding) {
  const TaxSchedule tax = china_2019();
  // 20,000 RMB a month: cumulative taxable 15,000, 30,000, 45,000, ...
  std::int64_t wages = 0, withheld = 0;
  const std::int64_t expected[] = {450, 450, 1080, 1500};
  // month 1: 15,000 x 3 % = 450; month 2: 30,000 x 3 % = 900 -> 450;
  // month 3: 36,000 x 3 % + 9,000 x 10 % = 1,980 -> 1,080; month 4: 60,000 ->
  // 1,080 + 2,400 = 3,480 -> 1,500.
  for (int month = 1; month <= 4; ++month) {
    wages += 20000 * rmb;
    const std::int64_t w = tax.withholding(wages, month, withheld);
    EXPECT_EQ(w, expected[month - 1] * rmb) << "month " << month;
    withheld += w;
  }
  EXPECT_EQ(withheld, 3480 * rmb);
}

TEST(IncomeTax, YearEndSettlementRefundsTheUnusedDeduction) {
  const TaxSchedule tax = china_2019();
  // Six months at 20,000: withholding used 6 x 5,000 of deduction, the year
  // allows 60,000.
  std::int64_t wages = 0, withheld = 0;
  for (int month = 1; month <= 6; ++month) {
    wages += 20000 * rmb;
    withheld += tax.withholding(wages, month, withheld);
  }
  EXPECT_EQ(withheld, 6480 * rmb);  // tax on 90,000 = 1,080 + 5,400
  EXPECT_EQ(tax.year_end_settlement(wages, withheld), (3480 - 6480) * rmb);
  // A full year: withholding is already exact.
  wages = withheld = 0;
  for (int month = 1; month <= 12; ++month) {
    wages += 20000 * rmb;
    withheld += tax.withholding(wages, month, withheld);
  }
  EXPECT_EQ(tax.year_end_settlement(wages, withheld), 0);
  EXPECT_EQ(withheld, tax.annual_tax(240000 * rmb - 60000 * rmb));
}

TEST(Dibao, TopUpToThePerPersonStandard) {
  const std::int64_t standard = 917 * rmb;
  EXPECT_EQ(dibao_top_up(standard, 3, 1000 * rmb), (2751 - 1000) * rmb);
  EXPECT_EQ(dibao_top_up(standard, 3, 2751 * rmb), 0);
  EXPECT_EQ(dibao_top_up(standard, 3, 3000 * rmb), 0);
  EXPECT_EQ(dibao_top_up(standard, 1, 0), standard);
  EXPECT_EQ(dibao_top_up(standard, 2, -500 * rmb), (1834 + 500) * rmb);  // net losses
}

TEST(Pensions, EmployeeSchemeVersusResidentBasicPension) {
  EXPECT_EQ(monthly_pension_fen(true, 0.55, 10000.0, 300.0), 5500 * rmb);
  EXPECT_EQ(monthly_pension_fen(false, 0.55, 10000.0, 300.0), 300 * rmb);
  EXPECT_EQ(monthly_pension_fen(true, 0.55, 8123.456, 300.0), 446790);  // floored to the fen
}

}  // namespace
}  // namespace cpsim::models::economy

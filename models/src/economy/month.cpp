// The start and the end of a month: resetting this month's income columns,
// opening and closing the flow matrix, the tax year, expected income and the
// household equity used in the wealth statistics.
#include <algorithm>
#include <atomic>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

std::int64_t Economy::disposable_income(std::size_t i) const {
  const AgentTable& t = *households_;
  return t[h_.wage_income][i] + t[h_.business_income][i] + t[h_.property_income][i] +
         t[h_.collective_dividend][i] + t[h_.pension_income][i] + t[h_.transfer_income][i] -
         t[h_.taxes_paid][i];
}

void Economy::begin_month(const StepContext& context) {
  ledger_.start_step();
  month_ = MonthTotals{};
  government_deposits_at_start_ = ledger_.government();  // interest is on last month's debt
  // The tax year and the calendar year start at steps 1, 13, 25, ...
  const bool new_tax_year = (context.step - 1) % 12 == 0;
  AgentTable& t = *households_;
  auto wage = t[h_.wage_income];
  auto business = t[h_.business_income];
  auto property = t[h_.property_income];
  auto collective = t[h_.collective_dividend];
  auto pension = t[h_.pension_income];
  auto transfer = t[h_.transfer_income];
  auto taxes = t[h_.taxes_paid];
  auto consumption = t[h_.consumption];
  auto ytd_wage_0 = t[h_.ytd_wage_0];
  auto ytd_wage_1 = t[h_.ytd_wage_1];
  auto ytd_tax_0 = t[h_.ytd_tax_0];
  auto ytd_tax_1 = t[h_.ytd_tax_1];
  auto months_0 = t[h_.months_employed_0];
  auto months_1 = t[h_.months_employed_1];
  auto income_ytd = t[h_.income_ytd];
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      wage[i] = business[i] = property[i] = taxes[i] = consumption[i] = 0;
      collective[i] = pension[i] = transfer[i] = 0;
      if (new_tax_year) {
        ytd_wage_0[i] = ytd_wage_1[i] = ytd_tax_0[i] = ytd_tax_1[i] = 0;
        months_0[i] = months_1[i] = 0;
        income_ytd[i] = 0;
      }
    }
  });
  AgentTable& firms = *firms_;
  auto wage_bill = firms[f_.wage_bill];
  auto profit = firms[f_.profit];
  std::fill(wage_bill.begin(), wage_bill.end(), 0);
  std::fill(profit.begin(), profit.end(), 0);
  const auto deposits = firms[f_.deposits];
  firm_deposits_at_start_.assign(deposits.begin(), deposits.end());
  AgentTable& villages = *villages_;
  auto income = villages[v_.collective_income];
  auto dividends = villages[v_.dividends_paid];
  std::fill(income.begin(), income.end(), 0);
  std::fill(dividends.begin(), dividends.end(), 0);
}

void Economy::end_month(const StepContext& context) {
  AgentTable& t = *households_;
  auto expected = t[h_.expected_income];
  auto equity = t[h_.firm_equity];
  auto income_ytd = t[h_.income_ytd];
  const auto fund_share = t[h_.equity_fund_share];
  const AgentTable& firms = *firms_;
  const auto owner = firms[f_.owner];
  const auto deposits = firms[f_.deposits];
  const std::int64_t fund_equity =
      deterministic_sum<std::int64_t>(firms.size(), [&](std::size_t f) {
        return owner[f] == owner_corporate && deposits[f] > 0 ? equity_fund_slice(deposits[f])
                                                              : std::int64_t{0};
      });
  const double weight = p_.consumption.income_expectation_weight;
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::int64_t disposable = disposable_income(i);
      income_ytd[i] += disposable;
      const double income = static_cast<double>(disposable) / fen_per_rmb;
      const auto previous = static_cast<double>(expected[i]);
      expected[i] = static_cast<float>(previous + weight * (income - previous));
      equity[i] =
          equity_fund_payment(fund_equity, static_cast<double>(fund_share[i]), equity_fund_total_);
    }
  });
  // Book equity of household-owned firms (deposits, floored at 0).
  parallel_for(firms.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t f = b; f < e; ++f) {
      if (owner[f] >= 0 && deposits[f] > 0) {
        std::atomic_ref<std::int64_t>(equity[static_cast<std::size_t>(owner[f])])
            .fetch_add(deposits[f], std::memory_order_relaxed);
      }
    }
  });
  if (context.step % 12 == 0) average_wage_ = measure_average_wage();
  ledger_.close_step();
}

}  // namespace cpsim::models::economy

// Wages: each worker is paid its firm's wage index times its skill (floored to
// the fen) and the employer withholds PIT by the cumulative method
// (income_tax.hpp). For an insured worker (the employee social insurance,
// flag_employee_pension) the worker and the employer each pay their
// unemployment insurance contribution to the district's fund
// (unemployment_insurance.cpp). Parallel over households; each household's
// slots are written only by its own chunk, firm balances change by atomic
// integer adds.
#include <atomic>

#include "economy/economy.hpp"
#include "economy/income_tax.hpp"

namespace cpsim::models::economy {

void Economy::pay_wages(const StepContext& /*context*/) {
  AgentTable& t = *households_;
  const TaxSchedule schedule(p_.tax.brackets_upper, p_.tax.brackets_rate,
                             p_.tax.standard_deduction_year);
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto skill_0 = t[h_.skill_0];
  const auto skill_1 = t[h_.skill_1];
  auto ytd_wage_0 = t[h_.ytd_wage_0];
  auto ytd_wage_1 = t[h_.ytd_wage_1];
  auto ytd_tax_0 = t[h_.ytd_tax_0];
  auto ytd_tax_1 = t[h_.ytd_tax_1];
  auto months_0 = t[h_.months_employed_0];
  auto months_1 = t[h_.months_employed_1];
  auto wage_income = t[h_.wage_income];
  auto taxes = t[h_.taxes_paid];
  auto flags = t[h_.flags];
  auto wage_bill = (*firms_)[f_.wage_bill];
  const UnemploymentInsuranceParameters& insurance = p_.unemployment_insurance;
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    for (std::size_t i = b; i < e; ++i) {
      for (int k = 0; k < 2; ++k) {
        const std::int32_t employer = k == 0 ? employer_0[i] : employer_1[i];
        if (employer < 0) continue;
        const auto f = static_cast<std::size_t>(employer);
        const std::int64_t wage = floor_fen(
            wage_of(f, static_cast<double>(k == 0 ? skill_0[i] : skill_1[i])) * fen_per_rmb);
        ledger_.transfer(firm_account(f), household_account(i), wage, Flow::wages, tally);
        std::atomic_ref<std::int64_t>(wage_bill[f]).fetch_add(wage, std::memory_order_relaxed);
        auto& ytd_wage = k == 0 ? ytd_wage_0[i] : ytd_wage_1[i];
        auto& ytd_tax = k == 0 ? ytd_tax_0[i] : ytd_tax_1[i];
        auto& months = k == 0 ? months_0[i] : months_1[i];
        ytd_wage += wage;
        if (months < 12) ++months;
        const std::int64_t tax = schedule.withholding(ytd_wage, months, ytd_tax);
        ledger_.transfer(household_account(i), government_account, tax, Flow::income_tax_withheld,
                         tally);
        ytd_tax += tax;
        wage_income[i] += wage;
        taxes[i] += tax;
        if ((flags[i] & flag_employee_pension) == 0) continue;
        const std::int64_t own = floor_fen(insurance.employee_rate * static_cast<double>(wage));
        const std::int64_t employer_part =
            floor_fen(insurance.employer_rate * static_cast<double>(wage));
        ledger_.transfer(household_account(i), government_account, own, Flow::social_contributions,
                         tally);
        ledger_.transfer(firm_account(f), government_account, employer_part,
                         Flow::social_contributions, tally);
        taxes[i] += own;
        flags[i] = static_cast<std::uint8_t>(flags[i] | contributed_flag(k));
      }
    }
  });
}

}  // namespace cpsim::models::economy

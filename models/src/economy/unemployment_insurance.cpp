// Unemployment insurance (失业保险), monthly (docs/economy-rules.md R12a): an
// unemployed worker who has contributed (flag_contributed_k, set when an
// insured worker is paid: wages.cpp) draws the flat benefit for the first
// max_months months of a spell. The district's fund is the government
// account: contributions (wages.cpp) are its resources and benefits its
// committed spending in the fiscal rule (government.cpp). Paid before dibao,
// which counts the benefit as income.
#include <atomic>

#include "economy/economy.hpp"
#include "economy/transfers.hpp"

namespace cpsim::models::economy {

void Economy::pay_unemployment_benefits(const StepContext& /*context*/) {
  AgentTable& t = *households_;
  const auto workers = t[h_.workers];
  const auto flags = t[h_.flags];
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto unemployed_0 = t[h_.months_unemployed_0];
  const auto unemployed_1 = t[h_.months_unemployed_1];
  auto transfer_income = t[h_.transfer_income];
  const UnemploymentInsuranceParameters& insurance = p_.unemployment_insurance;
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    std::int64_t paid = 0, recipients = 0;
    for (std::size_t i = b; i < e; ++i) {
      for (int k = 0; k < workers[i]; ++k) {
        if ((k == 0 ? employer_0[i] : employer_1[i]) != no_employer) continue;
        const std::int64_t benefit = unemployment_benefit_fen(
            (flags[i] & contributed_flag(k)) != 0, k == 0 ? unemployed_0[i] : unemployed_1[i],
            insurance.max_months, insurance.benefit_month);
        if (benefit == 0) continue;
        ledger_.transfer(government_account, household_account(i), benefit,
                         Flow::unemployment_benefits, tally);
        transfer_income[i] += static_cast<std::int32_t>(benefit);
        paid += benefit;
        ++recipients;
      }
    }
    std::atomic_ref<std::int64_t>(month_.unemployment_benefits)
        .fetch_add(paid, std::memory_order_relaxed);
    std::atomic_ref<std::int64_t>(month_.benefit_recipients)
        .fetch_add(recipients, std::memory_order_relaxed);
  });
}

}  // namespace cpsim::models::economy

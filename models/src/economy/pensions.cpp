// Pensions, monthly: each elderly member of a household in the urban employee
// scheme draws replacement x the average wage (updated yearly); everyone else
// draws the flat urban-rural resident basic pension. The district pays; the
// provincial pool (an upper level, through the rest-of-world account) refunds
// a share of the month's pension spending.
#include <atomic>

#include "economy/economy.hpp"
#include "economy/transfers.hpp"

namespace cpsim::models::economy {

void Economy::pay_pensions(const StepContext& /*context*/) {
  AgentTable& t = *households_;
  const auto elderly = t[h_.elderly];
  const auto flags = t[h_.flags];
  auto pension = t[h_.pension_income];
  const std::int64_t employee = monthly_pension_fen(true, p_.pension.urban_employee_replacement,
                                                    average_wage_, p_.pension.rural_basic_month);
  const std::int64_t basic = monthly_pension_fen(false, p_.pension.urban_employee_replacement,
                                                 average_wage_, p_.pension.rural_basic_month);
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    std::int64_t local = 0;
    for (std::size_t i = b; i < e; ++i) {
      if (elderly[i] == 0) continue;
      const std::int64_t amount =
          elderly[i] * ((flags[i] & flag_employee_pension) != 0 ? employee : basic);
      ledger_.transfer(government_account, household_account(i), amount, Flow::pensions, tally);
      pension[i] += static_cast<std::int32_t>(amount);
      local += amount;
    }
    std::atomic_ref<std::int64_t>(month_.pensions).fetch_add(local, std::memory_order_relaxed);
  });
  ledger_.transfer_now(
      rest_of_world_account, government_account,
      floor_fen(p_.pension.upper_funded_share * static_cast<double>(month_.pensions)),
      Flow::transfers_upper);
}

}  // namespace cpsim::models::economy

// Dibao (最低生活保障, minimum living guarantee), monthly: a household whose
// income this month (all components, net of taxes, before dibao) is below
// standard x members receives the difference, if it claims. Whether a
// household claims is drawn once a year (take-up below 100 %, a policy lever:
// digital inclusion raises it).
#include <atomic>

#include "economy/economy.hpp"
#include "economy/transfers.hpp"

namespace cpsim::models::economy {

void Economy::pay_dibao(const StepContext& context) {
  AgentTable& t = *households_;
  auto transfer_income = t[h_.transfer_income];
  const auto ids = t.ids();
  const RandomStream stream = context.stream("dibao.take_up");
  const auto year = static_cast<std::uint64_t>((context.step - 1) / 12);
  const auto standard = static_cast<std::int64_t>(p_.dibao.standard_per_person_month * fen_per_rmb);
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    std::int64_t local = 0, count = 0;
    for (std::size_t i = b; i < e; ++i) {
      const std::int64_t income = disposable_income(i) - transfer_income[i];
      const std::int64_t top_up = dibao_top_up(standard, members(i), income);
      if (top_up == 0 || stream.uniform(ids[i], year) >= p_.dibao.take_up) continue;
      ledger_.transfer(government_account, household_account(i), top_up, Flow::dibao, tally);
      transfer_income[i] += static_cast<std::int32_t>(top_up);
      local += top_up;
      ++count;
    }
    std::atomic_ref<std::int64_t>(month_.dibao).fetch_add(local, std::memory_order_relaxed);
    std::atomic_ref<std::int64_t>(month_.dibao_households)
        .fetch_add(count, std::memory_order_relaxed);
  });
}

}  // namespace cpsim::models::economy

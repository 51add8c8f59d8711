// Payment patterns several policy modules share: cash benefits to
// households, services bought by the government, public investment in
// villages.
#include <algorithm>

#include "economy/alias_table.hpp"
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {

void pay_households(PolicyAccess& economy, Policy& policy, Flow kind, Column<std::int32_t> income,
                    const std::function<std::int64_t(std::size_t)>& amount) {
  auto column = economy.households()[income];
  Ledger& ledger = economy.ledger();
  ledger.parallel_payments(
      economy.households().size(), [&](std::size_t b, std::size_t e, FlowTally& tally) {
        std::int64_t local = 0;
        for (std::size_t i = b; i < e; ++i) {
          const std::int64_t paid = amount(i);
          if (paid <= 0) continue;
          ledger.transfer(government_account, household_account(i), paid, kind, tally);
          column[i] += static_cast<std::int32_t>(paid);
          local += paid;
        }
        policy.spent.fetch_add(local, std::memory_order_relaxed);
      });
}

std::int64_t buy_services(PolicyAccess& economy, Policy& policy, const StepContext& context,
                          std::string_view purpose, std::uint64_t key, std::int64_t amount) {
  const auto& sellers = economy.sector_firms(services);
  if (amount <= 0 || sellers.empty()) return 0;
  std::vector<double> weights(sellers.size());
  for (std::size_t k = 0; k < sellers.size(); ++k) weights[k] = economy.firm_capacity(sellers[k]);
  const AliasTable table(weights);
  // No capacity anywhere: the first services firm takes the order.
  std::size_t f = sellers.front();
  if (!table.empty()) {
    const RandomBlock u =
        policy.stream(context, purpose).block(key, static_cast<std::uint64_t>(context.step));
    f = sellers[table.draw(u[0], u[1])];
  }
  economy.ledger().transfer_now(government_account, firm_account(f), amount,
                                Flow::policy_purchases);
  economy.firms()[economy.f().sales][f] += amount;
  policy.spent.fetch_add(amount, std::memory_order_relaxed);
  return amount;
}

void invest_in_villages(PolicyAccess& economy, Policy& policy, const StepContext& context,
                        double rmb_per_member_month) {
  AgentTable& villages = economy.villages();
  const auto members = villages[economy.v().members];
  const auto land = villages[economy.v().reserved_land_value];
  auto attractiveness = villages[economy.v().attractiveness];
  const double gain = economy.parameters().attractiveness_gain;
  for (std::size_t v = 0; v < villages.size(); ++v) {
    const std::int64_t amount =
        floor_fen(rmb_per_member_month * fen_per_rmb * static_cast<double>(members[v]));
    const std::int64_t paid = buy_services(economy, policy, context, "builder", v, amount);
    attractiveness[v] = static_cast<float>(
        static_cast<double>(attractiveness[v]) +
        gain * static_cast<double>(paid) / static_cast<double>(std::max<std::int64_t>(1, land[v])));
  }
}

}  // namespace cpsim::models::economy

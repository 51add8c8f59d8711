// Payment patterns several policy modules share: services bought by the
// government and public investment in villages (cash benefits to households:
// pay_households in policy.hpp).
#include <algorithm>

#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {

ServicesSellers::ServicesSellers(PolicyAccess& economy) : sellers_(economy.sector_firms(services)) {
  std::vector<double> weights(sellers_.size());
  for (std::size_t k = 0; k < sellers_.size(); ++k) weights[k] = economy.firm_capacity(sellers_[k]);
  table_.build(weights);
}

std::int64_t ServicesSellers::buy(PolicyAccess& economy, Policy& policy, const StepContext& context,
                                  std::string_view purpose, std::uint64_t key,
                                  std::int64_t amount) const {
  if (amount <= 0 || sellers_.empty()) return 0;
  // No capacity anywhere: the first services firm takes the order.
  std::size_t f = sellers_.front();
  if (!table_.empty()) {
    const RandomBlock u =
        policy.stream(context, purpose).block(key, static_cast<std::uint64_t>(context.step));
    f = sellers_[table_.draw(u[0], u[1])];
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
  const double gain = economy.parameters().village.attractiveness_gain;
  const ServicesSellers builders(economy);
  for (std::size_t v = 0; v < villages.size(); ++v) {
    const std::int64_t amount =
        floor_fen(rmb_per_member_month * fen_per_rmb * static_cast<double>(members[v]));
    const std::int64_t paid = builders.buy(economy, policy, context, "builder", v, amount);
    attractiveness[v] = static_cast<float>(
        static_cast<double>(attractiveness[v]) +
        gain * static_cast<double>(paid) / static_cast<double>(std::max<std::int64_t>(1, land[v])));
  }
}

}  // namespace cpsim::models::economy

// Productivity: each firm's value added per worker follows its sector's trend
// plus an idiosyncratic monthly shock, valued at the sector's price. The wage index follows the
// district's productivity growth (Dosi, Fagiolo & Roventini's K+S rule, where wages track average
// productivity), plus the firm's premium elasticity on its own growth relative to the district, the
// set-up rule W ~ a^epsilon in changes (docs/economy-rules.md R4). Tracking the district rather
// than the firm keeps the labour share stable and lets slow sectors' wages keep up (Baumol) so that
// they can still hire.
#include <cmath>
#include <vector>

#include "cpsim/engine/parallel.hpp"
#include "economy/economy.hpp"

namespace cpsim::models::economy {

void Economy::update_productivity(const StepContext& context) {
  AgentTable& t = *firms_;
  const RandomStream stream = context.stream("productivity.shock");
  const auto step = static_cast<std::uint64_t>(context.step);
  auto productivity = t[f_.productivity];
  auto wage_index = t[f_.wage_index];
  const auto sector = t[f_.sector];
  const auto generation = t[f_.generation];
  const auto employees = t[f_.employees];
  const auto ids = t.ids();
  std::vector<double> change(t.size());
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::uint64_t subject = ids[i] ^ (static_cast<std::uint64_t>(generation[i]) << 40);
      const double trend = p_.sectors[sector[i]].productivity_growth / 12.0;
      change[i] = trend + p_.firms.productivity_shock_sigma * stream.normal(subject, step);
      productivity[i] =
          static_cast<float>(static_cast<double>(productivity[i]) * std::exp(change[i]));
    }
  });
  // The district's productivity growth: the employment-weighted mean change.
  const double workers = deterministic_sum<double>(
      t.size(), [&](std::size_t i) { return static_cast<double>(employees[i]); });
  const double district =
      workers > 0
          ? deterministic_sum<double>(
                t.size(),
                [&](std::size_t i) { return static_cast<double>(employees[i]) * change[i]; }) /
                workers
          : 0.0;
  const double passthrough = p_.firms.wage_productivity_passthrough;
  const double premium = p_.firms.wage_premium_elasticity;
  // Prices: a sector's unit labour cost changes by the district's wage growth
  // less its own productivity trend, and its price by the passed-through
  // share of that (markup pricing, R5). Value added per worker is in money,
  // so it moves with the price.
  const double wage_growth = std::log1p(passthrough * district);
  for (std::size_t s = 0; s < sector_count; ++s) {
    price_change_[s] =
        p_.firms.price_cost_passthrough * (wage_growth - p_.sectors[s].productivity_growth / 12.0);
    price_level_[s] *= std::exp(price_change_[s]);
  }
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      productivity[i] = static_cast<float>(static_cast<double>(productivity[i]) *
                                           std::exp(price_change_[sector[i]]));
      wage_index[i] =
          static_cast<float>(static_cast<double>(wage_index[i]) *
                             (1.0 + passthrough * (district + premium * (change[i] - district))));
    }
  });
}

}  // namespace cpsim::models::economy

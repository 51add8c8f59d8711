// Productivity: each firm's value added per worker follows its sector's trend
// plus an idiosyncratic monthly shock; the wage index passes through a share
// of the change (Dosi, Fagiolo & Roventini's K+S rule, docs/economy-rules.md R4).
#include <cmath>

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
  const auto ids = t.ids();
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::uint64_t subject = ids[i] ^ (static_cast<std::uint64_t>(generation[i]) << 40);
      const double trend = p_.sectors[sector[i]].productivity_growth / 12.0;
      const double change =
          trend + p_.firms.productivity_shock_sigma * stream.normal(subject, step);
      productivity[i] = static_cast<float>(static_cast<double>(productivity[i]) * std::exp(change));
      wage_index[i] = static_cast<float>(static_cast<double>(wage_index[i]) *
                                         (1.0 + p_.firms.wage_productivity_passthrough * change));
    }
  });
}

}  // namespace cpsim::models::economy

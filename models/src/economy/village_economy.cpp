// Village collectives (村集体), monthly (docs/economy-rules.md R13):
//  - rent from developed reserved land (留用地): the tenant firm pays
//    value x yield / 12;
//  - scenic fees: a share of rural-tourism spending (collected in
//    consumption.cpp and outside_demand.cpp);
//  - a share of the month's income is paid as collective dividends to member
//    households in proportion to their members (floored to the fen; the
//    remainder stays with the collective);
//  - the rest is invested in village public goods, bought from a services
//    firm, and raises the village's tourism attractiveness, which decays slowly.
// Tea output and homestays are produced by the village cooperatives of the
// tea and rural-tourism sectors (production.cpp pays their profit to members).
#include <algorithm>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

void Economy::run_village_economy(const StepContext& context) {
  AgentTable& villages = *villages_;
  AgentTable& t = *households_;
  auto income = villages[v_.collective_income];
  auto dividends = villages[v_.dividends_paid];
  auto deposits = villages[v_.deposits];
  auto attractiveness = villages[v_.attractiveness];
  const auto village_members = villages[v_.members];
  const auto land = villages[v_.reserved_land_value];
  const auto tenant = villages[v_.tenant_firm];
  auto collective_dividend = t[h_.collective_dividend];
  auto sales = (*firms_)[f_.sales];
  const RandomStream stream = context.stream("village.investment");
  const auto step = static_cast<std::uint64_t>(context.step);
  std::vector<double> weights(sector_firms_[services].size());
  for (std::size_t k = 0; k < weights.size(); ++k)
    weights[k] = firm_capacity(sector_firms_[services][k]);
  const AliasTable builders(weights);
  FlowTally tally;
  for (std::size_t v = 0; v < villages.size(); ++v) {
    if (tenant[v] >= 0) {
      const std::int64_t rent =
          floor_fen(static_cast<double>(land[v]) * p_.village.reserved_land_yield / 12.0);
      ledger_.transfer(firm_account(static_cast<std::size_t>(tenant[v])), village_account(v), rent,
                       Flow::reserved_land_rent, tally);
      income[v] += rent;
    }
    const std::int64_t pool =
        std::min(floor_fen(p_.village.collective_payout * static_cast<double>(income[v])),
                 std::max<std::int64_t>(0, deposits[v]));
    std::int64_t paid = 0;
    if (pool > 0 && village_members[v] > 0) {
      const std::size_t r = regions_.communities + v;
      for (std::size_t i = regions_.first_household[r];
           i < regions_.first_household[r] + regions_.household_count[r]; ++i) {
        const std::int64_t share = pool * members(i) / village_members[v];
        ledger_.transfer(village_account(v), household_account(i), share,
                         Flow::collective_dividends, tally);
        collective_dividend[i] += static_cast<std::int32_t>(share);
        paid += share;
      }
    }
    dividends[v] = paid;
    const std::int64_t invest = std::min(income[v] - pool, std::max<std::int64_t>(0, deposits[v]));
    if (invest > 0 && !builders.empty()) {
      const RandomBlock u = stream.block(v, step);
      const std::size_t f = sector_firms_[services][builders.draw(u[0], u[1])];
      ledger_.transfer(village_account(v), firm_account(f), invest, Flow::village_investment,
                       tally);
      sales[f] += invest;
    }
    attractiveness[v] = static_cast<float>(
        static_cast<double>(attractiveness[v]) * (1.0 - p_.village.attractiveness_decay / 12.0) +
        p_.village.attractiveness_gain * static_cast<double>(std::max<std::int64_t>(0, invest)) /
            static_cast<double>(std::max<std::int64_t>(1, land[v])));
    month_.village_income += income[v];
    month_.village_dividends += paid;
  }
  ledger_.commit(tally);
}

}  // namespace cpsim::models::economy

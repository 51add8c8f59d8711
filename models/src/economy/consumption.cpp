// Consumption and saving (docs/economy-rules.md R6-R7). Desired spending is
//   C^d = c_y * expected disposable income + c_w * deposits,
// with c_y set apart for urban and village households; a subsistence floor
// (members x floor) is met out of deposits before spending is cut, and no
// household spends more than its deposits. Spending is split by sector shares
// (the rest is imported); for each sector the household buys from one seller
// drawn with probability proportional to the seller's capacity (value added
// per worker x workers; for rural tourism also x the village's attractiveness),
// so big firms sell more and growth compounds. A share of rural-tourism
// spending is a scenic fee to the village collective. Part of a household's
// services purchase is its children's education (education.hpp): the same
// payment, counted towards the household's education per child.
#include <algorithm>
#include <atomic>

#include "economy/economy.hpp"
#include "economy/education.hpp"

namespace cpsim::models::economy {

double Economy::firm_capacity(std::size_t f) const {
  const AgentTable& t = *firms_;
  const double capacity =
      static_cast<double>(t[f_.productivity][f]) * static_cast<double>(t[f_.employees][f]);
  if (t[f_.sector][f] != rural_tourism) return capacity;
  const std::size_t village = t[f_.region][f] - regions_.communities;
  return capacity * static_cast<double>((*villages_)[v_.attractiveness][village]);
}

void Economy::spend_consumption(const StepContext& context) {
  std::array<AliasTable, sector_count> sellers;
  for (std::size_t s = 0; s < sector_count; ++s) {
    std::vector<double> weights(sector_firms_[s].size());
    for (std::size_t k = 0; k < weights.size(); ++k)
      weights[k] = firm_capacity(sector_firms_[s][k]);
    sellers[s].build(weights);
  }
  AgentTable& t = *households_;
  const auto flags = t[h_.flags];
  const auto expected = t[h_.expected_income];
  const auto deposits = t[h_.deposits];
  const auto children = t[h_.children];
  const auto ids = t.ids();
  auto consumption = t[h_.consumption];
  auto education = t[h_.education_per_child];
  const double education_weight = education_monthly_weight(p_);
  auto sales = (*firms_)[f_.sales];
  const auto firm_region = (*firms_)[f_.region];
  auto village_income = (*villages_)[v_.collective_income];
  const RandomStream stream = context.stream("consumption.seller");
  const auto step = static_cast<std::uint64_t>(context.step);
  const auto add_to_month = [](std::int64_t& total, std::int64_t amount) {
    std::atomic_ref<std::int64_t>(total).fetch_add(amount, std::memory_order_relaxed);
  };
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    std::array<std::int64_t, sector_count> local{};
    std::int64_t local_fees = 0, local_education = 0;
    for (std::size_t i = b; i < e; ++i) {
      const bool rural = (flags[i] & flag_rural_resident) != 0;
      const double available = static_cast<double>(std::max<std::int64_t>(0, deposits[i]));
      const double propensity =
          rural ? p_.consumption.propensity_rural : p_.consumption.propensity_urban;
      const double desired = propensity * static_cast<double>(expected[i]) +
                             p_.consumption.propensity_wealth * available / fen_per_rmb;
      const double floor = p_.consumption.subsistence_per_person_month * members(i);
      const std::int64_t spend =
          std::min<std::int64_t>(floor_fen(std::max(desired, floor) * fen_per_rmb),
                                 std::max<std::int64_t>(0, deposits[i]));
      consumption[i] = spend;
      std::int64_t domestic = 0;
      const RandomBlock draws_a = stream.block(ids[i], step, 0);
      const RandomBlock draws_b = stream.block(ids[i], step, 1);
      for (std::size_t s = 0; s < sector_count; ++s) {
        const double share =
            rural ? p_.sectors[s].consumption_share_rural : p_.sectors[s].consumption_share_urban;
        const std::int64_t amount = floor_fen(static_cast<double>(spend) * share);
        if (amount == 0 || sellers[s].empty()) continue;
        // One word per sector: the alias column from its high bits, the coin
        // from its low 32 bits (two Philox blocks cover all five sectors).
        const std::uint64_t word = s < 4 ? draws_a[s] : draws_b[s - 4];
        const std::size_t f = sector_firms_[s][sellers[s].draw(word, word << 32)];
        std::int64_t to_firm = amount;
        if (s == rural_tourism) {
          const std::size_t village = firm_region[f] - regions_.communities;
          const std::int64_t fee =
              floor_fen(static_cast<double>(amount) * p_.village.tourism_collective_share);
          ledger_.transfer(household_account(i), village_account(village), fee,
                           Flow::tourism_spending, tally);
          std::atomic_ref<std::int64_t>(village_income[village])
              .fetch_add(fee, std::memory_order_relaxed);
          local_fees += fee;
          to_firm -= fee;
        }
        ledger_.transfer(household_account(i), firm_account(f), to_firm,
                         s == rural_tourism ? Flow::tourism_spending : Flow::household_consumption,
                         tally);
        std::atomic_ref<std::int64_t>(sales[f]).fetch_add(to_firm, std::memory_order_relaxed);
        local[s] += amount;
        domestic += amount;
      }
      ledger_.transfer(household_account(i), rest_of_world_account, spend - domestic, Flow::imports,
                       tally);
      if (children[i] == 0) {
        education[i] = 0;
        continue;
      }
      const double services_share = rural ? p_.sectors[services].consumption_share_rural
                                          : p_.sectors[services].consumption_share_urban;
      const double share = education_share(
          p_, static_cast<double>(expected[i]) / std::max(1, members(i)), services_share);
      const std::int64_t schooling = floor_fen(static_cast<double>(spend) * share);
      local_education += schooling;
      const double rate = 12.0 * static_cast<double>(schooling) / fen_per_rmb / children[i] +
                          public_education_per_child(p_, rural);
      education[i] = next_education_per_child(education[i], rate, education_weight);
    }
    for (std::size_t s = 0; s < sector_count; ++s)
      add_to_month(month_.household_spending[s], local[s]);
    add_to_month(month_.village_tourism_fees, local_fees);
    add_to_month(month_.education_spending, local_education);
  });
}

}  // namespace cpsim::models::economy

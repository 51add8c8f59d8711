// Demand from outside the household sector: exports and visitors (the rest of
// the world) and public purchases (the district government).
//
// Outside demand per sector follows a random walk in logs with the sector's
// export trend (docs/economy-rules.md R12, without mean reversion). Its level is
// calibrated once, in the first month, so that the initial state is a
// stationary point: outside demand = the sector's capacity minus what
// households and the government buy from it. This is how the input-output
// accounts fix exports in BeforeIT's calibration; it makes the sector shares
// of value added follow from the scenario's value_added_share targets.
//
// Each sector's outside demand is split over its firms in proportion to their
// capacity (floored to the fen; the remainder goes to the largest firm).
// Public purchases start in month 2 (the fiscal rule sets them from the
// previous month's budget); in that month they are netted out of the services
// gap once.
#include <algorithm>
#include <cmath>

#include "economy/economy.hpp"

namespace cpsim::models::economy {
namespace {

/// Splits `total` fen over `firms` in proportion to `weights`; returns the
/// amount of each firm (sums to total exactly when any weight is positive).
std::vector<std::int64_t> pro_rata(std::int64_t total, const std::vector<double>& weights) {
  std::vector<std::int64_t> amounts(weights.size(), 0);
  double sum = 0;
  for (const double w : weights) sum += w;
  if (!(sum > 0) || total <= 0) return amounts;
  std::int64_t assigned = 0;
  std::size_t largest = 0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    amounts[k] = floor_fen(static_cast<double>(total) * (weights[k] / sum));
    assigned += amounts[k];
    if (weights[k] > weights[largest]) largest = k;
  }
  amounts[largest] += total - assigned;
  return amounts;
}

}  // namespace

void Economy::buy_outside_demand(const StepContext& context) {
  auto sales = (*firms_)[f_.sales];
  const auto firm_region = (*firms_)[f_.region];
  auto village_income = (*villages_)[v_.collective_income];
  FlowTally tally;
  std::array<std::vector<double>, sector_count> weights;
  std::array<double, sector_count> capacity{};
  for (std::size_t s = 0; s < sector_count; ++s) {
    weights[s].resize(sector_firms_[s].size());
    for (std::size_t k = 0; k < weights[s].size(); ++k) {
      const std::size_t f = sector_firms_[s][k];
      weights[s][k] = firm_capacity(f);
      capacity[s] += static_cast<double>((*firms_)[f_.productivity][f]) *
                     static_cast<double>((*firms_)[f_.employees][f]);
    }
  }

  // Public purchases of services (health, education, administration), set
  // by last month's budget (the fiscal rule, government.cpp).
  const std::int64_t purchases = next_public_purchases_;
  {
    const auto amounts = pro_rata(purchases, weights[services]);
    for (std::size_t k = 0; k < amounts.size(); ++k) {
      const std::size_t f = sector_firms_[services][k];
      ledger_.transfer(government_account, firm_account(f), amounts[k], Flow::government_purchases,
                       tally);
      sales[f] += amounts[k];
    }
  }

  const RandomStream stream = context.stream("rest_of_world.demand");
  for (std::size_t s = 0; s < sector_count; ++s) {
    if (!outside_demand_calibrated_) {
      const double domestic =
          static_cast<double>(month_.household_spending[s] + (s == services ? purchases : 0)) /
          fen_per_rmb;
      outside_demand_[s] = std::max(0.0, capacity[s] - domestic);
    } else {
      const double shock = p_.rest_of_world.export_noise_sigma *
                           stream.normal(s, static_cast<std::uint64_t>(context.step));
      // The volume follows the export trend; its value moves with the price.
      outside_demand_[s] *= std::exp(p_.sectors[s].export_growth / 12.0 + shock + price_change_[s]);
      // The first public purchases come in month 2, once a month's revenue is
      // known: take them out of the services gap closed in month 1, so that
      // total demand stays at the calibrated level.
      if (s == services && !purchases_netted_ && purchases > 0) {
        outside_demand_[s] =
            std::max(0.0, outside_demand_[s] - static_cast<double>(purchases) / fen_per_rmb);
        purchases_netted_ = true;
      }
    }
    const auto amounts = pro_rata(floor_fen(outside_demand_[s] * fen_per_rmb), weights[s]);
    for (std::size_t k = 0; k < amounts.size(); ++k) {
      const std::size_t f = sector_firms_[s][k];
      std::int64_t to_firm = amounts[k];
      if (s == rural_tourism) {
        const std::size_t village = firm_region[f] - regions_.communities;
        const std::int64_t fee =
            floor_fen(static_cast<double>(to_firm) * p_.village.tourism_collective_share);
        ledger_.transfer(rest_of_world_account, village_account(village), fee,
                         Flow::tourism_spending, tally);
        village_income[village] += fee;
        month_.village_tourism_fees += fee;
        to_firm -= fee;
      }
      ledger_.transfer(rest_of_world_account, firm_account(f), to_firm, Flow::exports, tally);
      sales[f] += to_firm;
    }
  }
  outside_demand_calibrated_ = true;
  ledger_.commit(tally);
}

}  // namespace cpsim::models::economy

// The district equity fund (docs/economy-rules.md R8a): district households'
// claims on the incorporated firms, a slice (`firms.local_owner_share_large`)
// of every one. Each household holds a fixed
// share of the fund, set at set-up from its initial deposits: the richest
// `wealth.equity_top_share` of households hold `wealth.equity_top_holding_share`
// of the fund in a Pareto law by rank, the others in proportion to their
// deposits. Both rank and shares use deposits x the stock-market
// participation rate of the household's residence (urban community or
// village), the expected equity of a household with those deposits. The fund's firms pay their
// payouts (and exit proceeds) to the bank as custodian, which passes them on to the holders in the
// same month, floored to the fen, the remainder to the largest holder; dividends bear the capital
// income tax. No random draws: the shares follow the deposits.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

std::vector<double> equity_fund_holdings(std::span<const double> wealth, double top_share,
                                         double top_holding_share, double pareto_exponent) {
  const std::size_t n = wealth.size();
  std::vector<double> holding(n, 0.0);
  if (n == 0) return holding;
  std::vector<std::size_t> rank(n);
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  // Richest first; equal wealth by row, so the order is unique.
  std::sort(rank.begin(), rank.end(), [&](std::size_t a, std::size_t b) {
    return wealth[a] != wealth[b] ? wealth[a] > wealth[b] : a < b;
  });
  const auto top =
      std::min(n, static_cast<std::size_t>(std::llround(top_share * static_cast<double>(n))));
  // The top: the Pareto quantile at the middle of each holder's rank
  // stratum, x_r = ((r + 1/2) / top)^(-1/alpha), so a household stands for
  // its stratum and no single draw dominates a small population.
  double top_total = 0, rest_total = 0;
  for (std::size_t r = 0; r < top; ++r) {
    holding[rank[r]] =
        std::pow((static_cast<double>(r) + 0.5) / static_cast<double>(top), -1.0 / pareto_exponent);
    top_total += holding[rank[r]];
  }
  for (std::size_t r = top; r < n; ++r) {
    holding[rank[r]] = std::max(0.0, wealth[rank[r]]);
    rest_total += holding[rank[r]];
  }
  const double top_scale =
      top_total > 0 ? (rest_total > 0 ? top_holding_share : 1.0) / top_total : 0;
  const double rest_scale =
      rest_total > 0 ? (top_total > 0 ? 1.0 - top_holding_share : 1.0) / rest_total : 0;
  for (std::size_t r = 0; r < n; ++r) {
    holding[rank[r]] *= r < top ? top_scale : rest_scale;
  }
  return holding;
}

std::int64_t equity_fund_payment(std::int64_t amount, double holding, double total) {
  return total > 0 ? floor_fen(static_cast<double>(amount) * (holding / total)) : 0;
}

std::int64_t Economy::equity_fund_slice(std::int64_t amount) const {
  return floor_fen(p_.firms.local_owner_share_large * static_cast<double>(amount));
}

void Economy::assign_equity_fund() {
  AgentTable& t = *households_;
  const auto deposits = t[h_.deposits];
  const auto flags = t[h_.flags];
  std::vector<double> wealth(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool rural = (flags[i] & flag_rural_resident) != 0;
    wealth[i] = static_cast<double>(deposits[i]) * (rural ? p_.wealth.equity_participation_rural
                                                          : p_.wealth.equity_participation_urban);
  }
  const std::vector<double> holding =
      equity_fund_holdings(wealth, p_.wealth.equity_top_share, p_.wealth.equity_top_holding_share,
                           p_.wealth.equity_pareto_exponent);
  auto share = t[h_.equity_fund_share];
  for (std::size_t i = 0; i < holding.size(); ++i) share[i] = static_cast<float>(holding[i]);
  refresh_equity_fund_totals();
}

void Economy::refresh_equity_fund_totals() {
  const auto share = (*households_)[h_.equity_fund_share];
  equity_fund_total_ = 0;
  equity_fund_largest_ = 0;
  for (std::size_t i = 0; i < share.size(); ++i) {
    equity_fund_total_ += static_cast<double>(share[i]);
    if (share[i] > share[equity_fund_largest_]) equity_fund_largest_ = i;
  }
}

void Economy::distribute_equity_fund(std::int64_t amount, Flow kind) {
  if (amount <= 0) return;
  AgentTable& t = *households_;
  const auto share = t[h_.equity_fund_share];
  // The rounding remainder, from one pass in row order (the same on every rank).
  std::int64_t paid = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    paid += equity_fund_payment(amount, static_cast<double>(share[i]), equity_fund_total_);
  }
  const std::int64_t remainder = amount - paid;
  const bool dividends = kind == Flow::dividends;
  auto property_income = t[h_.property_income];
  auto taxes = t[h_.taxes_paid];
  for_household_block([&](std::size_t b, std::size_t e, FlowTally& tally) {
    for (std::size_t i = b; i < e; ++i) {
      const std::int64_t payment =
          equity_fund_payment(amount, static_cast<double>(share[i]), equity_fund_total_) +
          (i == equity_fund_largest_ ? remainder : 0);
      if (payment <= 0) continue;
      ledger_.transfer(bank_account, household_account(i), payment, kind, tally);
      if (!dividends) continue;
      const std::int64_t tax = floor_fen(p_.tax.capital_income_rate * static_cast<double>(payment));
      ledger_.transfer(household_account(i), government_account, tax, Flow::capital_income_tax,
                       tally);
      property_income[i] += payment;
      taxes[i] += tax;
    }
  });
}

}  // namespace cpsim::models::economy

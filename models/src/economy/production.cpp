// Firm accounts at the end of the month (docs/economy-rules.md R8-R9):
//   VAT = rate x sales; overdraft interest to the bank;
//   profit = change of deposits over the month (sales - wages - rent - VAT -
//            interest) before payouts;
//   corporate tax = 25 % (15 % high-tech) of positive profit (household
//            businesses and village cooperatives are taxed on the owner side);
//   payout = payout share x (profit - tax), never out of an overdraft.
// The payout goes to the owner: a household business's owner receives
// business income (taxed at the business rate); an incorporated firm's payout
// is split: the district equity fund's slice goes to its holders as dividends
// (equity_fund.cpp; 20 % capital income tax withheld), the rest to outside
// owners through the rest of the world, as does a small outside-owned firm's; a village
// cooperative's payout is business income of the village households in proportion to members
// (agricultural income, untaxed).
#include <algorithm>
#include <atomic>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

void Economy::settle_firm_accounts(const StepContext& /*context*/) {
  AgentTable& firms = *firms_;
  auto deposits = firms[f_.deposits];
  auto profit = firms[f_.profit];
  const auto sales = firms[f_.sales];
  const auto owner = firms[f_.owner];
  const auto high_tech = firms[f_.high_tech];
  const auto business = firms[f_.household_business];
  AgentTable& t = *households_;
  auto business_income = t[h_.business_income];
  auto property_income = t[h_.property_income];
  auto taxes = t[h_.taxes_paid];
  const auto village_members = (*villages_)[v_.members];
  const auto add = [](std::int64_t& x, std::int64_t v) {
    std::atomic_ref<std::int64_t>(x).fetch_add(v, std::memory_order_relaxed);
  };
  std::atomic<std::int64_t> fund_payouts{0};
  ledger_.parallel_payments(
      firms.size(),
      [&](std::size_t b, std::size_t e, FlowTally& tally) {
        for (std::size_t f = b; f < e; ++f) {
          ledger_.transfer(firm_account(f), government_account,
                           floor_fen(p_.tax.vat_rate * static_cast<double>(sales[f])),
                           Flow::value_added_tax, tally);
          if (deposits[f] < 0) {
            ledger_.transfer(
                firm_account(f), bank_account,
                floor_fen(static_cast<double>(-deposits[f]) * p_.bank.overdraft_rate_annual / 12.0),
                Flow::overdraft_interest, tally);
          }
          profit[f] = deposits[f] - firm_deposits_at_start_[f];
          std::int64_t after_tax = profit[f];
          if (profit[f] > 0 && business[f] == 0) {
            const double rate =
                high_tech[f] != 0 ? p_.tax.corporate_rate_high_tech : p_.tax.corporate_rate;
            const std::int64_t tax = floor_fen(rate * static_cast<double>(profit[f]));
            ledger_.transfer(firm_account(f), government_account, tax, Flow::corporate_tax, tally);
            after_tax -= tax;
          }
          const std::int64_t payout =
              std::min(floor_fen(p_.firms.dividend_payout * static_cast<double>(after_tax)),
                       std::max<std::int64_t>(0, deposits[f]));
          if (payout <= 0) continue;
          if (owner[f] >= 0) {
            const auto i = static_cast<std::size_t>(owner[f]);
            const bool own_business = business[f] != 0;
            ledger_.transfer(firm_account(f), household_account(i), payout,
                             own_business ? Flow::business_income : Flow::dividends, tally);
            const std::int64_t tax = floor_fen(
                (own_business ? p_.tax.business_income_rate : p_.tax.capital_income_rate) *
                static_cast<double>(payout));
            ledger_.transfer(household_account(i), government_account, tax,
                             own_business ? Flow::business_income_tax : Flow::capital_income_tax,
                             tally);
            add(own_business ? business_income[i] : property_income[i], payout);
            add(taxes[i], tax);
          } else if (owner[f] == owner_corporate) {
            // The fund's slice to the bank as its custodian (passed on to the
            // holders below), the rest to the outside owners.
            const std::int64_t fund = equity_fund_slice(payout);
            ledger_.transfer(firm_account(f), bank_account, fund, Flow::dividends, tally);
            ledger_.transfer(firm_account(f), rest_of_world_account, payout - fund, Flow::dividends,
                             tally);
            fund_payouts.fetch_add(fund, std::memory_order_relaxed);
          } else if (owner[f] == owner_rest_of_world) {
            ledger_.transfer(firm_account(f), rest_of_world_account, payout, Flow::dividends,
                             tally);
          } else {
            const auto v = static_cast<std::size_t>(owner_village_base - owner[f]);
            const std::size_t r = regions_.communities + v;
            if (village_members[v] <= 0) continue;
            for (std::size_t i = regions_.first_household[r];
                 i < regions_.first_household[r] + regions_.household_count[r]; ++i) {
              const std::int64_t share = payout * members(i) / village_members[v];
              ledger_.transfer(firm_account(f), household_account(i), share, Flow::business_income,
                               tally);
              add(business_income[i], share);
            }
          }
        }
      },
      64);
  distribute_equity_fund(fund_payouts.load(), Flow::dividends);
}

}  // namespace cpsim::models::economy

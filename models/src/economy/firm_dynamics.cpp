// Firm exit and entry, monthly (docs/economy-rules.md R10, simplified):
//  - a firm exits when its overdraft exceeds exit_overdraft_months of its wage
//    bill, or when it has had no workers for exit_idle_months;
//  - an exiting firm's positive deposits go to its owner; an overdraft is
//    written off by the bank; its workers become unemployed;
//  - an entrant of the same sector takes the slot at once (so the firm count
//    stays fixed and firm rows stay valid), with productivity drawn as
//    U[0.5, 1] x a lognormal draw around the sector mean, a small labour
//    demand, and start-up deposits paid by its owner (a district household if
//    it can afford them, else an outside investor through the rest of the
//    world; a village cooperative's collective, else the rest of the world).
#include <algorithm>
#include <cmath>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

void Economy::run_firm_dynamics(const StepContext& context) {
  AgentTable& firms = *firms_;
  auto deposits = firms[f_.deposits];
  auto employees = firms[f_.employees];
  auto idle = firms[f_.idle_months];
  const auto wage_bill = firms[f_.wage_bill];
  const auto wage_index = firms[f_.wage_index];
  std::size_t exits = 0;
  for (std::size_t f = 0; f < firms.size(); ++f) {
    idle[f] = employees[f] == 0 ? static_cast<std::uint8_t>(std::min(255, idle[f] + 1)) : 0;
    const double monthly_bill = std::max(static_cast<double>(wage_bill[f]),
                                         static_cast<double>(wage_index[f]) * fen_per_rmb);
    const bool insolvent =
        static_cast<double>(deposits[f]) < -p_.firms.exit_overdraft_months * monthly_bill;
    firm_exiting_[f] = (insolvent || idle[f] >= p_.firms.exit_idle_months) ? 1 : 0;
    exits += firm_exiting_[f];
  }
  month_.exits = static_cast<std::int64_t>(exits);
  if (exits == 0) return;

  // Workers of exiting firms lose their jobs.
  AgentTable& t = *households_;
  auto employer_0 = t[h_.employer_0];
  auto employer_1 = t[h_.employer_1];
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (employer_0[i] >= 0 && firm_exiting_[static_cast<std::size_t>(employer_0[i])] != 0)
        employer_0[i] = no_employer;
      if (employer_1[i] >= 0 && firm_exiting_[static_cast<std::size_t>(employer_1[i])] != 0)
        employer_1[i] = no_employer;
    }
  });

  auto owner = firms[f_.owner];
  auto sector = firms[f_.sector];
  auto productivity = firms[f_.productivity];
  auto wage = firms[f_.wage_index];
  auto demand = firms[f_.labour_demand];
  auto expected = firms[f_.expected_sales];
  auto generation = firms[f_.generation];
  auto household_deposits = t[h_.deposits];
  auto village_deposits = (*villages_)[v_.deposits];
  const auto ids = firms.ids();
  const RandomStream stream = context.stream("firms.entry");
  const auto step = static_cast<std::uint64_t>(context.step);
  FlowTally tally;
  std::int64_t fund_proceeds = 0;
  for (std::size_t f = 0; f < firms.size(); ++f) {
    if (firm_exiting_[f] == 0) continue;
    // Close the books of the exiting firm.
    if (deposits[f] > 0) {
      Account to = rest_of_world_account;
      if (owner[f] >= 0) to = household_account(static_cast<std::size_t>(owner[f]));
      if (owned_by_village(owner[f]))
        to = village_account(static_cast<std::size_t>(owner_village_base - owner[f]));
      std::int64_t to_fund = 0;
      if (owner[f] == owner_corporate) {
        to_fund = equity_fund_slice(deposits[f]);  // to the fund's custodian, paid out below
        ledger_.transfer(firm_account(f), bank_account, to_fund, Flow::firm_exit, tally);
        fund_proceeds += to_fund;
      }
      ledger_.transfer(firm_account(f), to, deposits[f] - to_fund, Flow::firm_exit, tally);
    } else if (deposits[f] < 0) {
      ledger_.transfer(bank_account, firm_account(f), -deposits[f], Flow::loan_write_off, tally);
    }
    // The entrant.
    ++generation[f];
    const std::uint64_t subject = ids[f] ^ (static_cast<std::uint64_t>(generation[f]) << 40);
    const RandomBlock u = stream.block(subject, step, 1);
    const std::size_t s = sector[f];
    const double mean = p_.sectors[s].productivity_month *
                        (s == tea_agriculture ? 1.0 + p_.village.tea_brand_premium : 1.0);
    const double sigma = p_.sectors[s].productivity_sigma;
    const double alpha =
        mean * std::exp(sigma * RandomStream::box_muller(u[0], u[1]) - 0.5 * sigma * sigma) *
        (0.5 + 0.5 * to_unit_interval(u[2]));
    productivity[f] = static_cast<float>(alpha);
    wage[f] = static_cast<float>(p_.sectors[s].wage_month *
                                 std::pow(alpha / mean, p_.firms.wage_premium_elasticity));
    demand[f] = static_cast<std::int32_t>(
        1 + to_index(u[3], static_cast<std::uint64_t>(
                               std::max<std::int64_t>(1, p_.firms.entrant_max_employees))));
    expected[f] = alpha * demand[f];
    employees[f] = 0;
    idle[f] = 0;
    draw_owner(f, stream, subject, step, true);
    const std::int64_t capital = floor_fen(p_.firms.entry_capital_months *
                                           static_cast<double>(wage[f]) * demand[f] * fen_per_rmb);
    Account payer = rest_of_world_account;
    if (owner[f] >= 0 && household_deposits[static_cast<std::size_t>(owner[f])] >= capital) {
      payer = household_account(static_cast<std::size_t>(owner[f]));
    } else if (owned_by_village(owner[f])) {
      const auto v = static_cast<std::size_t>(owner_village_base - owner[f]);
      if (village_deposits[v] >= capital) payer = village_account(v);
    }
    ledger_.transfer(payer, firm_account(f), capital, Flow::firm_entry, tally);
  }
  ledger_.commit(tally);
  distribute_equity_fund(fund_proceeds, Flow::firm_exit);
  month_.entries = static_cast<std::int64_t>(exits);
}

}  // namespace cpsim::models::economy

// The district government's budget, monthly (docs/economy-rules.md R11).
//
// Revenue: taxes collected this month (PIT withheld and settled, capital and
// business income tax, corporate tax, VAT, environmental tax); a share goes to
// upper levels (China's tax-sharing system) through the rest-of-world account.
// Interest on the debt (the government's overdraft) goes to the bank.
//
// The fiscal rule sets next month's public purchases, the only discretionary
// spending: smoothed resources (retained revenue plus upper-level transfers)
// (and unemployment insurance contributions) minus smoothed committed
// spending (pensions, dibao, unemployment benefits, policy spending,
// interest), plus a correction that closes a share of the net position a
// year (spends down deposits, pays back debt). A balanced budget is the
// target (China's Budget Law); a policy's cost is thus paid by lower public
// purchases after the smoothing lag, and by debt only while the rule adjusts.
#include <algorithm>
#include <cmath>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

std::int64_t planned_public_purchases(const FiscalRuleState& rule, std::int64_t net_position,
                                      double balance_correction_annual) {
  const double planned = rule.smoothed_resources - rule.smoothed_committed +
                         balance_correction_annual / 12.0 * static_cast<double>(net_position);
  return planned > 0 ? floor_fen(planned) : 0;
}

void update_fiscal_rule(FiscalRuleState& rule, std::int64_t resources, std::int64_t committed,
                        double smoothing) {
  if (!rule.started) {
    rule.smoothed_resources = static_cast<double>(resources);
    rule.smoothed_committed = static_cast<double>(committed);
    rule.started = true;
    return;
  }
  rule.smoothed_resources += smoothing * (static_cast<double>(resources) - rule.smoothed_resources);
  rule.smoothed_committed += smoothing * (static_cast<double>(committed) - rule.smoothed_committed);
}

void Economy::run_government_budget(const StepContext& /*context*/) {
  const GovernmentParameters& g = p_.government;
  // Interest on the debt at the start of the month (deposits earn none, as
  // households' do not).
  const std::int64_t interest =
      government_deposits_at_start_ < 0
          ? floor_fen(static_cast<double>(-government_deposits_at_start_) * g.debt_rate_annual /
                      12.0)
          : 0;
  ledger_.transfer_now(government_account, bank_account, interest, Flow::overdraft_interest);

  const FlowMatrix& flows = ledger_.step_flows();
  const auto government = static_cast<std::size_t>(Institution::government);
  const auto at = [&](Flow kind) {
    return flows[static_cast<std::size_t>(kind) * institution_count + government];
  };
  const std::int64_t revenue = at(Flow::income_tax_withheld) + at(Flow::income_tax_settlement) +
                               at(Flow::capital_income_tax) + at(Flow::business_income_tax) +
                               at(Flow::corporate_tax) + at(Flow::value_added_tax) +
                               at(Flow::environmental_tax);
  const std::int64_t shared =
      revenue > 0 ? floor_fen(g.upper_tax_share * static_cast<double>(revenue)) : 0;
  ledger_.transfer_now(government_account, rest_of_world_account, shared, Flow::tax_sharing_upper);
  month_.tax_revenue = revenue;
  month_.retained_revenue = revenue - shared;
  // Flows out of the government are negative in its column.
  const std::int64_t committed =
      -(at(Flow::pensions) + at(Flow::dibao) + at(Flow::unemployment_benefits) +
        at(Flow::policy_benefits) + at(Flow::policy_subsidies) + at(Flow::policy_purchases) +
        at(Flow::overdraft_interest));
  month_.spending = committed - interest - at(Flow::government_purchases);
  month_.government_interest = interest;
  month_.government_purchases = -at(Flow::government_purchases);

  month_.social_contributions = at(Flow::social_contributions);
  update_fiscal_rule(
      fiscal_rule_,
      month_.retained_revenue + at(Flow::transfers_upper) + month_.social_contributions, committed,
      g.revenue_smoothing);
  next_public_purchases_ =
      planned_public_purchases(fiscal_rule_, ledger_.government(), g.balance_correction_annual);
}

}  // namespace cpsim::models::economy

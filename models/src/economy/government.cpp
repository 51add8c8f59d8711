// The district government's budget, monthly: taxes collected this month (PIT
// withheld and settled, capital and business income tax, corporate tax, VAT)
// are shared with upper levels (China's tax-sharing system; the share is set
// from the article's total fiscal vs general budget revenue) through the
// rest-of-world account. The retained revenue funds next month's public
// purchases (outside_demand.cpp); pensions, dibao and policy spending
// (policies/) are paid as they fall due.
// A deficit runs down the government's deposits; debt is the overdraft.
#include "economy/economy.hpp"

namespace cpsim::models::economy {

void Economy::run_government_budget(const StepContext& /*context*/) {
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
      revenue > 0 ? floor_fen(p_.government.upper_tax_share * static_cast<double>(revenue)) : 0;
  ledger_.transfer_now(government_account, rest_of_world_account, shared, Flow::tax_sharing_upper);
  month_.tax_revenue = revenue;
  month_.retained_revenue = revenue - shared;
  month_.spending =
      -(at(Flow::pensions) + at(Flow::dibao) + at(Flow::government_purchases) +
        at(Flow::policy_benefits) + at(Flow::policy_subsidies) + at(Flow::policy_purchases));
  last_retained_revenue_ = month_.retained_revenue;
}

}  // namespace cpsim::models::economy

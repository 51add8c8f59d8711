// Taxation and the third distribution (not in the article, asked by every
// researcher):
//  - income_tax_reform: a new PIT schedule (standard deduction, bracket bounds
//    and rates) for withholding and the year-end settlement (income_tax.cpp);
//  - capital_income_tax: a new rate on dividends;
//  - charity (第三次分配): households whose expected income per person exceeds a
//    threshold donate a share of the excess each month to a village
//    collective, drawn with probability proportional to its members (own
//    stream); the collective pays dividends and invests as with any income.
#include <algorithm>
#include <atomic>
#include <string>

#include "economy/alias_table.hpp"
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct IncomeTaxReformParameters {
  double standard_deduction_year = 0;
  std::vector<double> brackets_upper;
  std::vector<double> brackets_rate;
  static void bind(BoundSchema<IncomeTaxReformParameters>& schema) {
    using P = IncomeTaxReformParameters;
    auto s = schema.root();
    s.real("standard_deduction_year", &P::standard_deduction_year, 72000,
           "PIT standard deduction (baseline 60,000; reform proposals: 72,000-96,000)", 0.0, 1e9,
           "RMB/year");
    s.real_list("brackets_upper", &P::brackets_upper,
                {36000, 144000, 300000, 420000, 660000, 960000},
                "Upper bounds of the annual brackets after the deduction (default: "
                "the 2019 law)",
                0.0, 1e12, "RMB/year");
    s.real_list("brackets_rate", &P::brackets_rate, {0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45},
                "Rate of each bracket, the last for income above the last bound "
                "(default: the 2019 law)",
                0.0, 1.0, "1");
    schema.check([](const P& q, const Parameters& where) {
      if (q.brackets_rate.size() != q.brackets_upper.size() + 1) {
        where.fail("brackets_rate", "expected one rate per bracket plus the top rate (" +
                                        std::to_string(q.brackets_upper.size() + 1) + "), got " +
                                        std::to_string(q.brackets_rate.size()));
      }
      for (std::size_t i = 1; i < q.brackets_upper.size(); ++i) {
        if (!(q.brackets_upper[i] > q.brackets_upper[i - 1])) {
          where.fail("brackets_upper", "bracket bounds must increase");
        }
      }
    });
  }
};

struct CapitalIncomeTaxParameters {
  double rate = 0;
  static void bind(BoundSchema<CapitalIncomeTaxParameters>& schema) {
    schema.root().real("rate", &CapitalIncomeTaxParameters::rate, 0.3,
                       "Tax rate on dividends (baseline 0.2)", 0.0, 1.0, "1");
  }
};

struct CharityParameters {
  double donation_rate = 0;
  double threshold_per_person_month = 0;
  static void bind(BoundSchema<CharityParameters>& schema) {
    using P = CharityParameters;
    auto s = schema.root();
    s.real("donation_rate", &P::donation_rate, 0.05,
           "Share of expected income above the threshold donated (assumption)", 0.0, 1.0, "1");
    s.real("threshold_per_person_month", &P::threshold_per_person_month, 10000,
           "Expected income per person above which a household donates "
           "(assumption: about the top decile)",
           0.0, 1e8, "RMB/person/month");
  }
};

class Charity final : public PolicyWith<CharityParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& context) override {
    AgentTable& villages = economy.villages();
    const auto village_members = villages[economy.v().members];
    std::vector<double> weights(village_members.begin(), village_members.end());
    const AliasTable recipients(weights);
    if (recipients.empty()) return;
    auto village_income = villages[economy.v().collective_income];
    const AgentTable& t = economy.households();
    const auto expected = t[economy.h().expected_income];
    const auto deposits = t[economy.h().deposits];
    const auto ids = t.ids();
    const RandomStream draws = stream(context, "recipient");
    const auto step = static_cast<std::uint64_t>(context.step);
    const double threshold = parameters().threshold_per_person_month;
    const double rate = parameters().donation_rate;
    Ledger& ledger = economy.ledger();
    ledger.parallel_payments(t.size(), [&](std::size_t b, std::size_t e, FlowTally& tally) {
      std::int64_t local = 0;
      for (std::size_t i = b; i < e; ++i) {
        const int members = std::max(1, economy.members(i));
        const double excess = static_cast<double>(expected[i]) / members - threshold;
        if (!(excess > 0)) continue;
        const std::int64_t gift = std::min(floor_fen(rate * excess * members * fen_per_rmb),
                                           std::max<std::int64_t>(0, deposits[i]));
        if (gift <= 0) continue;
        const RandomBlock u = draws.block(ids[i], step);
        const std::size_t v = recipients.draw(u[0], u[1]);
        ledger.transfer(household_account(i), village_account(v), gift, Flow::charity, tally);
        std::atomic_ref<std::int64_t>(village_income[v]).fetch_add(gift, std::memory_order_relaxed);
        local += gift;
      }
      spent.fetch_add(local, std::memory_order_relaxed);
    });
  }
};

}  // namespace

void add_taxation_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(parameter_module<IncomeTaxReformParameters>(
      {"income_tax_reform",
       "Personal income tax reform: deduction, bracket bounds and rates",
       picture_tax,
       {}},
      [](const IncomeTaxReformParameters& q, EconomyParameters& p) {
        p.tax.standard_deduction_year = q.standard_deduction_year;
        p.tax.brackets_upper = q.brackets_upper;
        p.tax.brackets_rate = q.brackets_rate;
      }));
  modules.push_back(parameter_module<CapitalIncomeTaxParameters>(
      {"capital_income_tax", "Capital income tax: a new rate on dividends", picture_tax, {}},
      [](const CapitalIncomeTaxParameters& q, EconomyParameters& p) {
        p.tax.capital_income_rate = q.rate;
      }));
  modules.push_back(policy_module<Charity>(
      {"charity",
       "Charity (third distribution): high-income households donate to villages",
       picture_tax,
       {}}));
}

}  // namespace cpsim::models::economy

#pragma once
// Policy modules of the district economy (docs/policies.md). A scenario's
// `policies:` entries (cpsim::PolicyInstance) become Policy objects; each acts
// at one or more stages of the month while its window is open:
//   parameters  right after begin_month: adjusts this month's parameters
//               (a copy of the scenario's, so a closed window restores them)
//   labour      after the labour market
//   firms       after wages (wage bills are known)
//   markets     after outside demand, before the village economy and the
//               firm accounts (sales count towards profit, village income
//               towards collective dividends)
//   benefits    after pensions, before dibao (benefits count in the dibao test)
//   dibao       after dibao
// Every payment is a Ledger transfer; a module counts what it pays in
// `spent` (fen, this month), reported as the metric policy_spending.
// Random draws come from streams named "policy.INSTANCE.PURPOSE", so the
// baseline's draws are never shifted (common random numbers).
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cpsim/engine/bound_schema.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "economy/alias_table.hpp"
#include "economy/economy.hpp"

namespace cpsim::models::economy {

enum class PolicyStage : std::uint8_t { parameters, labour, firms, markets, benefits, dibao };
inline constexpr std::size_t policy_stage_count = 6;
inline constexpr std::array<const char*, policy_stage_count> policy_stage_names{
    "policies.parameters", "policies.labour",   "policies.firms",
    "policies.markets",    "policies.benefits", "policies.dibao"};

/// Levers that several modules combine, reset every month before the
/// parameters stage.
struct PolicyShared {
  double volunteer_care_hours = 0;     ///< time bank hours this month (elderly_care uses them)
  double dibao_standard_increase = 0;  ///< RMB/person/month, summed over dibao_reform instances
  double dibao_take_up = 0;            ///< highest take-up of the dibao_reform instances
  double dibao_outreach = 0;  ///< share of eligible non-claimers found (digital_governance)
  class Policy* dibao_reform = nullptr;        ///< first active instance: pays take-up supplements
  class Policy* digital_governance = nullptr;  ///< first active instance: pays outreach supplements
};

/// Mutable access to the economy's state for policy modules (a friend of
/// Economy), so that modules live apart from the processes they act on.
class PolicyAccess {
 public:
  explicit PolicyAccess(Economy& economy) : e_(economy) {}
  AgentTable& households() { return *e_.households_; }
  AgentTable& firms() { return *e_.firms_; }
  AgentTable& villages() { return *e_.villages_; }
  const HouseholdColumns& h() const { return e_.h_; }
  const FirmColumns& f() const { return e_.f_; }
  const VillageColumns& v() const { return e_.v_; }
  const Regions& regions() const { return e_.regions_; }
  Ledger& ledger() { return e_.ledger_; }
  MonthTotals& month() { return e_.month_; }
  const EconomyParameters& parameters() const { return e_.p_; }
  void set_parameters(const EconomyParameters& p) { e_.p_ = p; }
  const std::vector<std::uint32_t>& sector_firms(std::size_t sector) const {
    return e_.sector_firms_[sector];
  }
  int members(std::size_t i) const { return e_.members(i); }
  std::int64_t disposable_income(std::size_t i) const { return e_.disposable_income(i); }
  double firm_capacity(std::size_t f) const { return e_.firm_capacity(f); }

 private:
  Economy& e_;
};

class Policy {
 public:
  explicit Policy(const PolicyInstance& instance) : instance_(instance) {}
  virtual ~Policy() = default;
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  /// Changes this month's parameters (stage `parameters`).
  virtual void adjust(EconomyParameters& /*p*/, PolicyShared& /*shared*/) {}
  /// Acts on the state at `stage`; called only for stages in stages().
  virtual void act(PolicyStage /*stage*/, PolicyAccess& /*economy*/, PolicyShared& /*shared*/,
                   const StepContext& /*context*/) {}
  /// The stages, besides `parameters`, at which act() runs.
  [[nodiscard]] virtual std::vector<PolicyStage> stages() const { return {}; }

  [[nodiscard]] const PolicyInstance& instance() const { return instance_; }
  /// This instance's own random stream "policy.NAME.purpose".
  [[nodiscard]] RandomStream stream(const StepContext& context, std::string_view purpose) const {
    return context.stream("policy." + instance_.name + "." + std::string(purpose));
  }
  /// Fen paid under this policy this month (by whoever pays).
  std::atomic<std::int64_t> spent{0};

 private:
  PolicyInstance instance_;
};

/// A policy whose module parameters are the struct P, read once from the
/// instance when it is made. P declares its parameters once, each schema
/// entry bound to its member, in `static void bind(BoundSchema<P>&)` (or a
/// module passes its own binding to bound_policy_module).
template <class P>
class PolicyWith : public Policy {
 public:
  using Parameters = P;
  PolicyWith(const PolicyInstance& instance, P parameters)
      : Policy(instance), parameters_(std::move(parameters)) {}
  /// This instance's parameters (the module's schema, resolved).
  [[nodiscard]] const P& parameters() const { return parameters_; }

 private:
  P parameters_;
};

/// A module: its description and how to make an instance.
struct PolicyModule {
  PolicyModuleInfo info;
  std::function<std::unique_ptr<Policy>(const PolicyInstance&)> create;
};

/// A module whose parameters are the struct P: `bind(BoundSchema<P>&)`
/// declares them (info.schema is what it declares); an instance is
/// make(instance, parameters) with its P read from the instance (running the
/// binding's cross-parameter checks: exit 2 before the run).
template <class P, class Bind, class Make>
PolicyModule bound_policy_module(PolicyModuleInfo info, Bind bind, Make make) {
  auto binding = std::make_shared<BoundSchema<P>>();
  bind(*binding);
  info.schema = binding->schema();
  return {std::move(info),
          [binding, make](const PolicyInstance& instance) -> std::unique_ptr<Policy> {
            return make(instance, binding->read(instance.parameters));
          }};
}

/// The module of policy class T (deriving from PolicyWith<P>), its
/// parameters declared by P::bind.
template <class T>
PolicyModule policy_module(PolicyModuleInfo info) {
  using P = typename T::Parameters;
  return bound_policy_module<P>(std::move(info), &P::bind,
                                [](const PolicyInstance& instance, P parameters) {
                                  return std::make_unique<T>(instance, std::move(parameters));
                                });
}

/// Picture labels for PolicyModuleInfo::category.
inline constexpr const char* picture_1 = "picture 1: integrated development (全域)";
inline constexpr const char* picture_2 = "picture 2: digital economy (富裕)";
inline constexpr const char* picture_3 = "picture 3: innovation (创新)";
inline constexpr const char* picture_4 = "picture 4: rural revitalisation (均衡)";
inline constexpr const char* picture_5 = "picture 5: public services (幸福)";
inline constexpr const char* picture_6 = "picture 6: culture (兴盛)";
inline constexpr const char* picture_7 = "picture 7: ecology (美丽)";
inline constexpr const char* picture_8 = "picture 8: social order (和谐)";
inline constexpr const char* picture_9 = "picture 9: digital governance (智治)";
inline constexpr const char* picture_tax = "taxation and third distribution";

// One registration function per picture (one file each), collected in
// registry.cpp.
void add_integrated_development_modules(std::vector<PolicyModule>& modules);
void add_digital_economy_modules(std::vector<PolicyModule>& modules);
void add_innovation_modules(std::vector<PolicyModule>& modules);
void add_rural_revitalisation_modules(std::vector<PolicyModule>& modules);
void add_public_services_modules(std::vector<PolicyModule>& modules);
void add_culture_modules(std::vector<PolicyModule>& modules);
void add_ecology_modules(std::vector<PolicyModule>& modules);
void add_social_order_modules(std::vector<PolicyModule>& modules);
void add_digital_governance_modules(std::vector<PolicyModule>& modules);
void add_taxation_modules(std::vector<PolicyModule>& modules);

/// Every module of the district economy, in picture order.
const std::vector<PolicyModule>& policy_modules();

// ------------------------------------------------------------ shared helpers

/// Pays amount(i) fen (>= 0) from the government to every household i, as
/// `kind`, adding it to the household's income column `income` (this month's
/// transfer or pension income); counts the total in policy.spent.
template <class Amount>
void pay_households(PolicyAccess& economy, Policy& policy, Flow kind, Column<std::int32_t> income,
                    const Amount& amount) {
  auto column = economy.households()[income];
  Ledger& ledger = economy.ledger();
  ledger.parallel_payments(
      economy.households().size(), [&](std::size_t b, std::size_t e, FlowTally& tally) {
        std::int64_t local = 0;
        for (std::size_t i = b; i < e; ++i) {
          const std::int64_t paid = amount(i);
          if (paid <= 0) continue;
          ledger.transfer(government_account, household_account(i), paid, kind, tally);
          column[i] += static_cast<std::int32_t>(paid);
          local += paid;
        }
        policy.spent.fetch_add(local, std::memory_order_relaxed);
      });
}

/// The services firms weighted by this month's capacity: the government buys
/// services under a policy from one of them. Build once per act() (the
/// capacities do not change within a stage).
class ServicesSellers {
 public:
  explicit ServicesSellers(PolicyAccess& economy);
  /// The government buys `amount` fen of services from one firm drawn by
  /// capacity with the policy's stream "purpose" (keyed by `key` and the
  /// step); returns the fen paid.
  std::int64_t buy(PolicyAccess& economy, Policy& policy, const StepContext& context,
                   std::string_view purpose, std::uint64_t key, std::int64_t amount) const;

 private:
  const std::vector<std::uint32_t>& sellers_;
  AliasTable table_;
};

/// Public investment in villages: per village member per month, bought from
/// services firms; raises each village's tourism attractiveness by the
/// village economy's rule (gain x investment / reserved-land value).
void invest_in_villages(PolicyAccess& economy, Policy& policy, const StepContext& context,
                        double rmb_per_member_month);

/// Dibao supplements of the active dibao_reform and digital_governance
/// instances (public_services.cpp), paid in the dibao stage.
void pay_dibao_supplements(PolicyAccess& economy, PolicyShared& shared, const StepContext& context);

/// A simple policy whose whole effect is a change of this month's parameters:
/// adjust(q, p) with the instance's parameters q.
template <class P>
class ParameterPolicy final : public PolicyWith<P> {
 public:
  using Adjust = std::function<void(const P&, EconomyParameters&)>;
  ParameterPolicy(const PolicyInstance& instance, P parameters, Adjust adjust)
      : PolicyWith<P>(instance, std::move(parameters)), adjust_(std::move(adjust)) {}
  void adjust(EconomyParameters& p, PolicyShared& /*shared*/) override {
    adjust_(this->parameters(), p);
  }

 private:
  Adjust adjust_;
};

/// The module of a ParameterPolicy<P>, its parameters declared by `bind`.
template <class P, class Bind>
PolicyModule parameter_module(PolicyModuleInfo info, Bind bind,
                              typename ParameterPolicy<P>::Adjust adjust) {
  return bound_policy_module<P>(
      std::move(info), std::move(bind),
      [adjust = std::move(adjust)](const PolicyInstance& instance, P parameters) {
        return std::make_unique<ParameterPolicy<P>>(instance, std::move(parameters), adjust);
      });
}
/// The module of a ParameterPolicy<P>, its parameters declared by P::bind.
template <class P>
PolicyModule parameter_module(PolicyModuleInfo info, typename ParameterPolicy<P>::Adjust adjust) {
  return parameter_module<P>(std::move(info), &P::bind, std::move(adjust));
}

}  // namespace cpsim::models::economy

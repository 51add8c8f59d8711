// The registration point of the district economy's policy modules and the
// PolicySet that runs a scenario's instances of them. A new module is a
// parameters struct with its binding, a class deriving from PolicyWith (or a
// parameter_module) and an entry in its picture's add_* function
// (docs/policies.md, "Adding a module"); nothing else changes.
#include <algorithm>
#include <stdexcept>

#include "economy/metrics.hpp"
#include "economy/policies/policy_set.hpp"

namespace cpsim::models::economy {

const std::vector<PolicyModule>& policy_modules() {
  static const std::vector<PolicyModule> modules = [] {
    std::vector<PolicyModule> all;
    add_integrated_development_modules(all);
    add_digital_economy_modules(all);
    add_innovation_modules(all);
    add_rural_revitalisation_modules(all);
    add_public_services_modules(all);
    add_culture_modules(all);
    add_ecology_modules(all);
    add_social_order_modules(all);
    add_digital_governance_modules(all);
    add_taxation_modules(all);
    return all;
  }();
  return modules;
}

PolicySet::PolicySet(const std::vector<PolicyInstance>& instances, const EconomyParameters& base)
    : base_(base) {
  for (const PolicyInstance& instance : instances) {
    const auto& modules = policy_modules();
    const auto it = std::find_if(modules.begin(), modules.end(), [&](const PolicyModule& m) {
      return m.info.name == instance.module;
    });
    if (it == modules.end()) {
      throw std::logic_error("policy module '" + instance.module + "' is not registered");
    }
    policies_.push_back(it->create(instance));
  }
}

void PolicySet::add_phase(Simulation& simulation, Economy& economy, PolicyStage stage) {
  const bool used = stage == PolicyStage::parameters
                        ? !policies_.empty()
                        : std::any_of(policies_.begin(), policies_.end(), [&](const auto& policy) {
                            const auto stages = policy->stages();
                            return std::find(stages.begin(), stages.end(), stage) != stages.end();
                          });
  if (!used) return;
  simulation.add_phase(
      policy_stage_names[static_cast<std::size_t>(stage)],
      [this, &economy, stage](const StepContext& context) { run_stage(stage, economy, context); });
}

void PolicySet::run_stage(PolicyStage stage, Economy& economy, const StepContext& context) {
  PolicyAccess access(economy);
  if (stage == PolicyStage::parameters) {
    shared_ = PolicyShared{};
    EconomyParameters p = base_;
    for (const auto& policy : policies_) {
      policy->spent = 0;
      if (policy->instance().active_at(context.step)) policy->adjust(p, shared_);
    }
    access.set_parameters(p);
    return;
  }
  for (const auto& policy : policies_) {
    if (!policy->instance().active_at(context.step)) continue;
    const auto stages = policy->stages();
    if (std::find(stages.begin(), stages.end(), stage) != stages.end()) {
      policy->act(stage, access, shared_, context);
    }
  }
  if (stage == PolicyStage::dibao) pay_dibao_supplements(access, shared_, context);
}

void PolicySet::declare_metrics(MetricSet& metrics) {
  if (policies_.empty()) return;
  std::vector<std::string> names;
  for (const auto& policy : policies_) names.push_back(policy->instance().name);
  const std::size_t dimension = metrics.add_dimension("policy", names);
  spending_ = metrics.add_real(
      "policy_spending", "RMB/month",
      "Money paid under each policy instance this month (by the government, firms, households "
      "or the rest of the world; docs/policies.md says who pays)",
      {dimension});
  metrics.declare_undefined_at_step0(spending_, month_not_lived);
}

void PolicySet::measure(MetricRow& row) const {
  for (std::size_t k = 0; k < policies_.size(); ++k) {
    row.set(spending_, k, static_cast<double>(policies_[k]->spent.load()) / fen_per_rmb);
  }
}

}  // namespace cpsim::models::economy

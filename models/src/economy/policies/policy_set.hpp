#pragma once
// The policy instances of one run: made from the scenario's `policies:`
// entries, scheduled as phases between the economy's processes, measured as
// the metric policy_spending (RMB/month by instance).
#include <memory>
#include <vector>

#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/simulation.hpp"
#include "economy/economy.hpp"
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {

class PolicySet {
 public:
  /// `base`: the scenario's parameters, restored every month before the
  /// active policies adjust them.
  PolicySet(const std::vector<PolicyInstance>& instances, const EconomyParameters& base);

  /// Adds the phase of `stage` to the schedule, if any instance acts then
  /// (the parameters stage whenever there are policies). Call at the
  /// stage's place in the schedule.
  void add_phase(Simulation& simulation, Economy& economy, PolicyStage stage);

  /// Declares policy_spending (only when the scenario has policies).
  void declare_metrics(MetricSet& metrics);
  void measure(MetricRow& row) const;

 private:
  void run_stage(PolicyStage stage, Economy& economy, const StepContext& context);

  EconomyParameters base_;
  std::vector<std::unique_ptr<Policy>> policies_;
  PolicyShared shared_;
  Metric<double> spending_;
};

}  // namespace cpsim::models::economy

// Picture 9, digital governance (智治): proactive benefit matching. Data
// sharing finds households that are eligible for dibao but did not claim
// (each year with the outreach probability, its own stream, for every
// eligible non-claimer) and pays them; this raises take-up where the
// baseline's targeting misses. The supplement is paid with the dibao reform's
// (public_services.cpp, pay_dibao_supplements) at the month's standard.
#include <algorithm>

#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct DigitalGovernanceParameters {
  double outreach_rate = 0;
  static void bind(BoundSchema<DigitalGovernanceParameters>& schema) {
    schema.root().real("outreach_rate", &DigitalGovernanceParameters::outreach_rate, 0.6,
                       "Share of eligible non-claiming households found each year (assumption)",
                       0.0, 1.0, "1");
  }
};

class DigitalGovernance final : public PolicyWith<DigitalGovernanceParameters> {
 public:
  using PolicyWith::PolicyWith;
  // Acts through pay_dibao_supplements, which the dibao stage runs.
  std::vector<PolicyStage> stages() const override { return {PolicyStage::dibao}; }
  void adjust(EconomyParameters& /*p*/, PolicyShared& shared) override {
    // Two instances find a household independently of each other.
    shared.dibao_outreach =
        1.0 - (1.0 - shared.dibao_outreach) * (1.0 - parameters().outreach_rate);
    if (shared.digital_governance == nullptr) shared.digital_governance = this;
  }
};

}  // namespace

void add_digital_governance_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(policy_module<DigitalGovernance>({"digital_governance",
                                                      "Digital governance: proactive matching "
                                                      "raises dibao take-up",
                                                      picture_9,
                                                      {}}));
}

}  // namespace cpsim::models::economy

// Picture 6, culture (兴盛): the "time bank" (时间银行). Younger elderly and
// working-age members without a job volunteer care hours for the elderly and
// bank them for their own old age. Each year a household with an elderly
// member or a worker out of work joins with the participation probability
// (its own stream) and gives a fixed number of hours a month. The hours replace home-care hours the
// government would otherwise buy under elderly_care this month; the government pays the time bank's
// running cost per hour to a services firm.
#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct TimeBankParameters {
  double participation = 0;
  double hours_per_volunteer_month = 0;
  double running_cost_per_hour = 0;
  static void bind(BoundSchema<TimeBankParameters>& schema) {
    using P = TimeBankParameters;
    auto s = schema.root();
    s.real("participation", &P::participation, 0.2,
           "Yearly probability that a household with an elderly member or a worker out of "
           "work volunteers (assumption)",
           0.0, 1.0, "1");
    s.real("hours_per_volunteer_month", &P::hours_per_volunteer_month, 10,
           "Care hours a volunteering household gives (assumption)", 0.0, 744, "hours/month");
    s.real("running_cost_per_hour", &P::running_cost_per_hour, 5,
           "Government cost of running the time bank per hour given (assumption)", 0.0, 1e4,
           "RMB/hour");
  }
};

class TimeBank final : public PolicyWith<TimeBankParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::labour}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& shared,
           const StepContext& context) override {
    const AgentTable& t = economy.households();
    const auto workers = t[economy.h().workers];
    const auto employer_0 = t[economy.h().employer_0];
    const auto employer_1 = t[economy.h().employer_1];
    const auto elderly = t[economy.h().elderly];
    const auto ids = t.ids();
    const RandomStream draws = stream(context, "volunteer");
    const auto year = static_cast<std::uint64_t>((context.step - 1) / 12);
    const double participation = parameters().participation;
    const std::int64_t volunteers = deterministic_sum<std::int64_t>(t.size(), [&](std::size_t i) {
      const int idle = (workers[i] > 0 && employer_0[i] < 0 ? 1 : 0) +
                       (workers[i] > 1 && employer_1[i] < 0 ? 1 : 0);
      return idle + elderly[i] > 0 && draws.uniform(ids[i], year) < participation ? std::int64_t{1}
                                                                                  : std::int64_t{0};
    });
    const double hours = parameters().hours_per_volunteer_month * static_cast<double>(volunteers);
    shared.volunteer_care_hours += hours;
    ServicesSellers(economy).buy(
        economy, *this, context, "administration", 0,
        floor_fen(hours * parameters().running_cost_per_hour * fen_per_rmb));
  }
};

}  // namespace

void add_culture_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(policy_module<TimeBank>(
      {"time_bank", "Time bank: volunteer care hours replace paid elderly care", picture_6, {}}));
}

}  // namespace cpsim::models::economy

// Skill and education metrics by residence (urban community, village): the
// workers' mean skill every step, the latest year's labour-market entrants
// (demography.cpp) and the education per child that shapes them
// (education.hpp). Sums are in a fixed order (deterministic_sum).
#include <array>
#include <limits>

#include "cpsim/engine/parallel.hpp"
#include "economy/metrics.hpp"

namespace cpsim::models::economy {

void EconomyMetrics::declare_skill_metrics(MetricSet& m) {
  const std::size_t residence = m.add_dimension("residence", {"urban", "rural"});
  worker_skill_ = m.add_real("mean_worker_skill", "1",
                             "Mean skill factor of the workers (employed or seeking) living in "
                             "urban communities and in villages",
                             {residence});
  skill_ratio_ = m.add_real("rural_urban_skill_ratio", "1",
                            "Mean skill of village workers over that of urban workers");
  entrant_skill_ = m.add_real("entrant_skill", "1",
                              "Mean skill of the latest year's labour-market entrants by "
                              "residence (yearly, held until the next year)",
                              {residence});
  entrants_ = m.add_integer("entrants", "persons",
                            "Labour-market entrants of the latest year by residence (yearly, held)",
                            {residence});
  entrant_parent_correlation_ = m.add_real(
      "entrant_parent_skill_correlation", "1",
      "Correlation of the log skill of the latest year's entrants with their working parent's "
      "(yearly, held; entrants with a working parent)");
  education_per_child_ =
      m.add_real("education_per_child", "RMB/child/year",
                 "Children-weighted mean of the households' education per child (moving "
                 "average of private and public education spending) by residence",
                 {residence});
  education_spending_ =
      m.add_real("household_education_spending", "RMB/month",
                 "Households' spending on their children's education (part of their services "
                 "spending)");
  // Both start from the first month's spending: nothing is spent before it.
  m.declare_undefined_at_step0(education_per_child_, month_not_lived);
  m.declare_undefined_at_step0(education_spending_, month_not_lived);
  // Means over a group that can be empty: no value, not a 0.
  m.declare_undefined_where(worker_skill_, "the group has no worker");
  m.declare_undefined_where(skill_ratio_, "either group has no worker");
  m.declare_undefined_where(entrant_skill_,
                            "the group had no entrant in the latest year (and before the first "
                            "year's entry)");
  m.declare_undefined_where(entrant_parent_correlation_,
                            "fewer than two of the latest year's entrants have a working parent, "
                            "or their skills do not vary (and before the first year's entry)");
  m.declare_undefined_where(education_per_child_, "the group has no children");
}

void EconomyMetrics::measure_skills(MetricRow& row) const {
  constexpr double undefined = std::numeric_limits<double>::quiet_NaN();
  const Economy& e = economy_;
  const AgentTable& t = e.households();
  const HouseholdColumns& h = e.household_columns();
  const auto flags = t[h.flags];
  const auto workers = t[h.workers];
  const auto children = t[h.children];
  const auto skill_0 = t[h.skill_0];
  const auto skill_1 = t[h.skill_1];
  const auto education = t[h.education_per_child];
  const std::size_t n = t.size();
  std::array<double, 2> mean_skill{};
  for (std::size_t g = 0; g < 2; ++g) {
    const auto in_group = [&](std::size_t i) {
      return ((flags[i] & flag_rural_resident) != 0) == (g == 1);
    };
    const std::int64_t count = deterministic_sum<std::int64_t>(
        n, [&](std::size_t i) { return in_group(i) ? static_cast<std::int64_t>(workers[i]) : 0; });
    const double skill = deterministic_sum<double>(n, [&](std::size_t i) {
      if (!in_group(i)) return 0.0;
      return (workers[i] > 0 ? static_cast<double>(skill_0[i]) : 0.0) +
             (workers[i] > 1 ? static_cast<double>(skill_1[i]) : 0.0);
    });
    mean_skill[g] = count > 0 ? skill / static_cast<double>(count) : undefined;
    row.set(worker_skill_, g, mean_skill[g]);
    const std::int64_t kids = deterministic_sum<std::int64_t>(
        n, [&](std::size_t i) { return in_group(i) ? static_cast<std::int64_t>(children[i]) : 0; });
    const double stock = deterministic_sum<double>(n, [&](std::size_t i) {
      return in_group(i) ? static_cast<double>(children[i]) * static_cast<double>(education[i])
                         : 0.0;
    });
    row.set(education_per_child_, g, kids > 0 ? stock / static_cast<double>(kids) : undefined);
    row.set(entrant_skill_, g,
            e.entrant_skills().count[g] > 0 ? e.entrant_skills().mean_skill[g] : undefined);
    row.set(entrants_, g, e.entrant_skills().count[g]);
  }
  row.set(skill_ratio_, mean_skill[0] > 0 ? mean_skill[1] / mean_skill[0] : undefined);
  row.set(entrant_parent_correlation_, e.entrant_skills().parent_correlation);
  row.set(education_spending_, static_cast<double>(e.month().education_spending) / fen_per_rmb);
}

}  // namespace cpsim::models::economy

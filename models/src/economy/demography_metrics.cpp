// Metrics of the demography (docs/economy-rules.md R15): residents by age
// group, the old-age dependency ratio, mean age, and the year's events
// (reported at steps 12, 24, ...; 0 in other steps).
#include <array>
#include <atomic>

#include "cpsim/engine/parallel.hpp"
#include "economy/metrics.hpp"

namespace cpsim::models::economy {
namespace {

/// Age groups of the published population structure (NBS, Hangzhou bulletins).
constexpr std::array<int, 4> group_from{0, 15, 60, 65};

std::size_t age_group(int age) {
  std::size_t g = 0;
  while (g + 1 < group_from.size() && age >= group_from[g + 1]) ++g;
  return g;
}

}  // namespace

void EconomyMetrics::declare_demography_metrics(MetricSet& m) {
  const std::size_t groups =
      m.add_dimension("age_group", {"age_0_14", "age_15_59", "age_60_64", "age_65_plus"});
  population_by_age_ =
      m.add_integer("population_by_age", "persons", "Residents by age group", {groups});
  old_age_dependency_ = m.add_real("old_age_dependency_ratio", "1",
                                   "Residents aged 65 and over / residents aged 15-64");
  mean_age_ = m.add_real("mean_age", "years", "Mean age of residents");
  births_ = m.add_integer("births", "persons", "Births (yearly: steps 12, 24, ...)");
  deaths_ = m.add_integer("deaths", "persons", "Deaths (yearly)");
  retirements_ = m.add_integer("retirements", "persons", "Workers reaching retirement (yearly)");
  households_formed_ = m.add_integer("households_formed", "households",
                                     "Households formed by children leaving home (yearly)");
  households_dissolved_ =
      m.add_integer("households_dissolved", "households",
                    "Households left without members, their estate passed to an heir (yearly)");
  moved_to_care_ = m.add_integer(
      "moved_to_care", "persons",
      "Retired members moving into care outside the district (a third retired member, yearly)");
}

void EconomyMetrics::measure_demography(MetricRow& row) const {
  const Economy& e = economy_;
  const AgentTable& t = e.households();
  const HouseholdColumns& h = e.household_columns();
  const auto flags = t[h.flags];
  const auto workers = t[h.workers];
  const auto children = t[h.children];
  const auto elderly = t[h.elderly];
  const auto age_0 = t[h.age_0], age_1 = t[h.age_1];
  const auto child_0 = t[h.child_age_0], child_1 = t[h.child_age_1];
  const auto elder_0 = t[h.elder_age_0], elder_1 = t[h.elder_age_1];
  // Visits the ages of household i's members.
  const auto each_member = [&](std::size_t i, auto&& visit) {
    if ((flags[i] & flag_vacant) != 0) return;
    if (workers[i] > 0) visit(age_0[i]);
    if (workers[i] > 1) visit(age_1[i]);
    if (children[i] > 0) visit(child_0[i]);
    if (children[i] > 1) visit(child_1[i]);
    if (elderly[i] > 0) visit(elder_0[i]);
    if (elderly[i] > 1) visit(elder_1[i]);
  };
  // One pass: persons by age group and the sum of ages (integers, so the
  // chunks' order does not matter).
  std::array<std::int64_t, group_from.size() + 1> sums{};  // groups, then ages
  parallel_for(t.size(), [&](std::size_t begin, std::size_t end) {
    std::array<std::int64_t, group_from.size() + 1> local{};
    for (std::size_t i = begin; i < end; ++i) {
      each_member(i, [&](int age) {
        ++local[age_group(age)];
        local.back() += age;
      });
    }
    for (std::size_t k = 0; k < local.size(); ++k) {
      std::atomic_ref<std::int64_t>(sums[k]).fetch_add(local[k], std::memory_order_relaxed);
    }
  });
  std::array<std::int64_t, group_from.size()> by_group{};
  for (std::size_t g = 0; g < by_group.size(); ++g) {
    by_group[g] = sums[g];
    row.set(population_by_age_, g, by_group[g]);
  }
  const std::int64_t age_total = sums.back();
  const std::int64_t persons = by_group[0] + by_group[1] + by_group[2] + by_group[3];
  const std::int64_t working_age = by_group[1] + by_group[2];  // 15-64
  row.set(
      old_age_dependency_,
      working_age > 0 ? static_cast<double>(by_group[3]) / static_cast<double>(working_age) : 0.0);
  row.set(mean_age_,
          persons > 0 ? static_cast<double>(age_total) / static_cast<double>(persons) : 0.0);
  const MonthTotals& month = e.month();
  row.set(births_, month.births);
  row.set(deaths_, month.deaths);
  row.set(retirements_, month.retirements);
  row.set(households_formed_, month.households_formed);
  row.set(households_dissolved_, month.households_dissolved);
  row.set(moved_to_care_, month.moved_to_care);
}

}  // namespace cpsim::models::economy

// Yearly demography and skills, in a deliberately simple form (a later issue
// deepens them). Each year:
//  - a worker retires with the retirement probability (the last worker slot
//    retires; its job ends and the household gains an elderly member);
//  - an elderly member leaves the household (death or moving into care) with
//    the elderly exit probability, unless it is the last member;
//  - a child enters the labour force with the labour entry probability if
//    there is a free worker slot, with a skill drawn from its group's mean,
//    its working parent's skill and the household's education per child
//    (education.hpp);
//  - a working household with fewer than two children has a child with the
//    birth probability.
// The defaults roughly balance the flows in and out of the labour force.
// Skills: an employed worker's skill grows by the training gain (log); a
// worker unemployed for more than six months loses the same amount.
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "cpsim/engine/parallel.hpp"
#include "economy/economy.hpp"
#include "economy/education.hpp"

namespace cpsim::models::economy {
namespace {

/// Statistics of one year's entrants from their log skills (NaN where a
/// household had no entrant) and their parents' (NaN without a working
/// parent), summed in a fixed order.
EntrantSkills summarise_entrants(const std::vector<double>& child,
                                 const std::vector<double>& parent,
                                 std::span<const std::uint8_t> flags) {
  EntrantSkills out;
  const std::size_t n = child.size();
  for (std::size_t g = 0; g < 2; ++g) {
    const auto in_group = [&](std::size_t i) {
      return !std::isnan(child[i]) && ((flags[i] & flag_rural_resident) != 0) == (g == 1);
    };
    out.count[g] = deterministic_sum<std::int64_t>(
        n, [&](std::size_t i) -> std::int64_t { return in_group(i) ? 1 : 0; });
    const double total = deterministic_sum<double>(
        n, [&](std::size_t i) { return in_group(i) ? std::exp(child[i]) : 0.0; });
    out.mean_skill[g] = out.count[g] > 0 ? total / static_cast<double>(out.count[g]) : 0.0;
  }
  const auto pair = [&](std::size_t i) { return !std::isnan(child[i]) && !std::isnan(parent[i]); };
  const auto sum = [&](auto term) {
    return deterministic_sum<double>(n, [&](std::size_t i) { return pair(i) ? term(i) : 0.0; });
  };
  const double pairs = sum([](std::size_t) { return 1.0; });
  if (pairs < 2) return out;
  const double mx = sum([&](std::size_t i) { return child[i]; }) / pairs;
  const double my = sum([&](std::size_t i) { return parent[i]; }) / pairs;
  const double sxy = sum([&](std::size_t i) { return (child[i] - mx) * (parent[i] - my); });
  const double sxx = sum([&](std::size_t i) { return (child[i] - mx) * (child[i] - mx); });
  const double syy = sum([&](std::size_t i) { return (parent[i] - my) * (parent[i] - my); });
  if (sxx > 0 && syy > 0) out.parent_correlation = sxy / std::sqrt(sxx * syy);
  return out;
}

}  // namespace

void Economy::age_population(const StepContext& context) {
  AgentTable& t = *households_;
  auto workers = t[h_.workers];
  auto children = t[h_.children];
  auto elderly = t[h_.elderly];
  auto employer_0 = t[h_.employer_0];
  auto employer_1 = t[h_.employer_1];
  auto skill_0 = t[h_.skill_0];
  auto skill_1 = t[h_.skill_1];
  auto unemployed_0 = t[h_.months_unemployed_0];
  auto unemployed_1 = t[h_.months_unemployed_1];
  auto education = t[h_.education_per_child];
  const auto flags = t[h_.flags];
  const auto ids = t.ids();
  const RandomStream stream = context.stream("demography.ageing");
  const auto step = static_cast<std::uint64_t>(context.step);
  constexpr double none = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> entrant_log_skill(t.size(), none), parent_log_skill(t.size(), none);
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const RandomBlock u = stream.block(ids[i], step, 0);
      const RandomBlock n = stream.block(ids[i], step, 1);
      if (workers[i] > 0 && to_unit_interval(u[0]) < p_.demography.retirement_probability) {
        if (workers[i] == 2) {
          employer_1[i] = no_employer;
        } else {
          employer_0[i] = no_employer;
        }
        --workers[i];
        ++elderly[i];
      }
      if (elderly[i] > 0 && workers[i] + children[i] + elderly[i] > 1 &&
          to_unit_interval(u[1]) < p_.demography.elderly_exit_probability) {
        --elderly[i];
      }
      if (children[i] > 0 && workers[i] < 2 &&
          to_unit_interval(u[2]) < p_.demography.labour_entry_probability) {
        --children[i];
        const double mean = (flags[i] & flag_rural_resident) != 0 ? p_.skills.mean_rural
                            : (flags[i] & flag_migrant) != 0      ? p_.skills.mean_migrant
                                                                  : p_.skills.mean_urban;
        // The working parent: the worker in slot 0 when the child takes slot 1.
        const double parent = workers[i] == 1 ? static_cast<double>(skill_0[i]) : 0.0;
        const float skill =
            entrant_skill(p_, mean, (flags[i] & flag_rural_resident) != 0, parent,
                          static_cast<double>(education[i]), RandomStream::box_muller(n[0], n[1]));
        entrant_log_skill[i] = std::log(static_cast<double>(skill));
        if (parent > 0) parent_log_skill[i] = std::log(parent);
        if (children[i] == 0) education[i] = 0;
        if (workers[i] == 0) {
          skill_0[i] = skill;
          employer_0[i] = no_employer;
          unemployed_0[i] = 0;
        } else {
          skill_1[i] = skill;
          employer_1[i] = no_employer;
          unemployed_1[i] = 0;
        }
        ++workers[i];
      }
      if (workers[i] > 0 && children[i] < 2 &&
          to_unit_interval(u[3]) < p_.demography.birth_probability) {
        ++children[i];
      }
    }
  });
  entrant_skills_ = summarise_entrants(entrant_log_skill, parent_log_skill, flags);
  count_employees();
  // Collective membership: the persons of the village's registered households,
  // movers to a community included (migration.cpp).
  auto village_members = (*villages_)[v_.members];
  for (std::size_t v = 0; v < regions_.villages; ++v) {
    const std::size_t r = regions_.communities + v;
    std::int32_t total = 0;
    for (std::size_t i = regions_.first_household[r];
         i < regions_.first_household[r] + regions_.household_count[r]; ++i) {
      total += members(i);
    }
    village_members[v] = total;
  }
}

void Economy::update_skills(const StepContext& /*context*/) {
  AgentTable& t = *households_;
  auto skill_0 = t[h_.skill_0];
  auto skill_1 = t[h_.skill_1];
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto unemployed_0 = t[h_.months_unemployed_0];
  const auto unemployed_1 = t[h_.months_unemployed_1];
  const auto workers = t[h_.workers];
  const float gain = static_cast<float>(std::exp(p_.demography.training_gain));
  const float loss = static_cast<float>(std::exp(-p_.demography.training_gain));
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (workers[i] > 0) {
        if (employer_0[i] >= 0)
          skill_0[i] *= gain;
        else if (unemployed_0[i] > 6)
          skill_0[i] *= loss;
      }
      if (workers[i] > 1) {
        if (employer_1[i] >= 0)
          skill_1[i] *= gain;
        else if (unemployed_1[i] > 6)
          skill_1[i] *= loss;
      }
    }
  });
}

}  // namespace cpsim::models::economy

// Yearly demography and skills, in a deliberately simple form (a later issue
// deepens them). Each year:
//  - a worker retires with the retirement probability (the last worker slot
//    retires; its job ends and the household gains an elderly member);
//  - an elderly member leaves the household (death or moving into care) with
//    the elderly exit probability, unless it is the last member;
//  - a child enters the labour force with the labour entry probability if
//    there is a free worker slot, with a skill drawn like the household's
//    adults';
//  - a working household with fewer than two children has a child with the
//    birth probability.
// The defaults roughly balance the flows in and out of the labour force.
// Skills: an employed worker's skill grows by the training gain (log); a
// worker unemployed for more than six months loses the same amount.
#include <algorithm>
#include <cmath>

#include "economy/economy.hpp"

namespace cpsim::models::economy {

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
  const auto flags = t[h_.flags];
  const auto ids = t.ids();
  const RandomStream stream = context.stream("demography.ageing");
  const auto step = static_cast<std::uint64_t>(context.step);
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const RandomBlock u = stream.block(ids[i], step, 0);
      const RandomBlock n = stream.block(ids[i], step, 1);
      if (workers[i] > 0 && to_unit_interval(u[0]) < p_.retirement_probability) {
        if (workers[i] == 2) {
          employer_1[i] = no_employer;
        } else {
          employer_0[i] = no_employer;
        }
        --workers[i];
        ++elderly[i];
      }
      if (elderly[i] > 0 && workers[i] + children[i] + elderly[i] > 1 &&
          to_unit_interval(u[1]) < p_.elderly_exit_probability) {
        --elderly[i];
      }
      if (children[i] > 0 && workers[i] < 2 &&
          to_unit_interval(u[2]) < p_.labour_entry_probability) {
        --children[i];
        const double mean = (flags[i] & flag_rural_resident) != 0 ? p_.skill_mean_rural
                            : (flags[i] & flag_migrant) != 0      ? p_.skill_mean_migrant
                                                                  : p_.skill_mean_urban;
        const double sigma = p_.skill_sigma;
        const auto skill = static_cast<float>(std::clamp(
            mean * std::exp(sigma * RandomStream::box_muller(n[0], n[1]) - 0.5 * sigma * sigma),
            0.05, 20.0));
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
      if (workers[i] > 0 && children[i] < 2 && to_unit_interval(u[3]) < p_.birth_probability) {
        ++children[i];
      }
    }
  });
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
  const float gain = static_cast<float>(std::exp(p_.training_gain));
  const float loss = static_cast<float>(std::exp(-p_.training_gain));
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

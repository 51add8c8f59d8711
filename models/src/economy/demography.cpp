// Yearly demography (docs/economy-rules.md R15) and skills. Each year, for
// every household, from its own draws (`demography.ageing`, household id and
// step), in this order:
//  - deaths: each member dies with the life table's probability at its age;
//    a worker's job ends with him;
//  - the survivors age one year;
//  - retirement: a worker at or past the legal age of his or her sex, type
//    and birth cohort joins the retired (a third retired member, rare, moves
//    into care outside the district);
//  - labour entry: a child at the entry age (urban or village) becomes a
//    worker if a worker place is free, with a skill drawn from its group's
//    mean, its working parent's skill and its education (education.hpp);
//    otherwise it leaves to form a household of its own
//    (household_formation.cpp);
//  - births: a working woman with fewer than two children gives birth with
//    the fertility of her age (times the single factor without a partner);
//  - a household left without members is dissolved: its estate goes to its
//    heir (household_formation.cpp).
// Skills: an employed worker's skill grows by the training gain (log); a
// worker unemployed for more than six months loses the same amount.
#include <algorithm>
#include <atomic>
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

/// Counts of the year's events, added per chunk (integers: any order).
struct DemographyTally {
  std::int64_t births = 0, deaths = 0, retirements = 0, to_care = 0;
  void add_to(MonthTotals& month) const {
    std::atomic_ref<std::int64_t>(month.births).fetch_add(births);
    std::atomic_ref<std::int64_t>(month.deaths).fetch_add(deaths);
    std::atomic_ref<std::int64_t>(month.retirements).fetch_add(retirements);
    std::atomic_ref<std::int64_t>(month.moved_to_care).fetch_add(to_care);
  }
};

bool dies(double probability, std::uint64_t word) { return to_unit_interval(word) < probability; }

}  // namespace

void Economy::set_member_ages(std::size_t i, const MemberAges& m) {
  AgentTable& t = *households_;
  t[h_.age_0][i] = m.worker[0];
  t[h_.age_1][i] = m.worker[1];
  t[h_.child_age_0][i] = m.child[0];
  t[h_.child_age_1][i] = m.child[1];
  t[h_.elder_age_0][i] = m.elder[0];
  t[h_.elder_age_1][i] = m.elder[1];
  t[h_.person_bits][i] = m.bits;
}

void Economy::remove_worker(std::size_t i, int slot) {
  AgentTable& t = *households_;
  auto& bits = t[h_.person_bits][i];
  auto& flags = t[h_.flags][i];
  if (slot == 0 && t[h_.workers][i] == 2) {  // the second worker takes the first slot
    t[h_.skill_0][i] = t[h_.skill_1][i];
    t[h_.employer_0][i] = t[h_.employer_1][i];
    t[h_.months_unemployed_0][i] = t[h_.months_unemployed_1][i];
    t[h_.months_employed_0][i] = t[h_.months_employed_1][i];
    t[h_.ytd_wage_0][i] = t[h_.ytd_wage_1][i];
    t[h_.ytd_tax_0][i] = t[h_.ytd_tax_1][i];
    t[h_.age_0][i] = t[h_.age_1][i];
    const auto moved = [&](std::uint8_t from, std::uint8_t to) {
      return static_cast<std::uint8_t>((bits & from) != 0 ? to : 0);
    };
    bits = static_cast<std::uint8_t>(
        (bits & ~(female_worker(0) | staff_worker(0) | female_worker(1) | staff_worker(1))) |
        moved(female_worker(1), female_worker(0)) | moved(staff_worker(1), staff_worker(0)));
    flags = static_cast<std::uint8_t>((flags & ~(flag_contributed_0 | flag_contributed_1)) |
                                      ((flags & flag_contributed_1) != 0 ? flag_contributed_0 : 0));
    slot = 1;
  }
  // The last slot is cleared.
  (slot == 0 ? t[h_.employer_0][i] : t[h_.employer_1][i]) = no_employer;
  (slot == 0 ? t[h_.months_unemployed_0][i] : t[h_.months_unemployed_1][i]) = 0;
  (slot == 0 ? t[h_.months_employed_0][i] : t[h_.months_employed_1][i]) = 0;
  (slot == 0 ? t[h_.ytd_wage_0][i] : t[h_.ytd_wage_1][i]) = 0;
  (slot == 0 ? t[h_.ytd_tax_0][i] : t[h_.ytd_tax_1][i]) = 0;
  (slot == 0 ? t[h_.age_0][i] : t[h_.age_1][i]) = 0;
  bits = static_cast<std::uint8_t>(bits & ~(female_worker(slot) | staff_worker(slot)));
  flags = static_cast<std::uint8_t>(flags & ~contributed_flag(slot));
  --t[h_.workers][i];
}

void Economy::remove_dependant(std::size_t i, bool child, int slot) {
  AgentTable& t = *households_;
  auto& count = child ? t[h_.children][i] : t[h_.elderly][i];
  auto& age_0 = child ? t[h_.child_age_0][i] : t[h_.elder_age_0][i];
  auto& age_1 = child ? t[h_.child_age_1][i] : t[h_.elder_age_1][i];
  const auto female = [child](int k) { return child ? female_child(k) : female_elder(k); };
  auto& bits = t[h_.person_bits][i];
  if (slot == 0 && count == 2) {
    age_0 = age_1;
    bits =
        static_cast<std::uint8_t>((bits & ~female(0)) | ((bits & female(1)) != 0 ? female(0) : 0));
    slot = 1;
  }
  (slot == 0 ? age_0 : age_1) = 0;
  bits = static_cast<std::uint8_t>(bits & ~female(slot));
  --count;
}

void Economy::add_dependant(std::size_t i, bool child, std::uint8_t age, bool female) {
  AgentTable& t = *households_;
  auto& count = child ? t[h_.children][i] : t[h_.elderly][i];
  const int slot = count;
  (child ? (slot == 0 ? t[h_.child_age_0][i] : t[h_.child_age_1][i])
         : (slot == 0 ? t[h_.elder_age_0][i] : t[h_.elder_age_1][i])) = age;
  if (female) {
    t[h_.person_bits][i] |= child ? female_child(slot) : female_elder(slot);
  }
  ++count;
}

void Economy::age_population(const StepContext& context) {
  AgentTable& t = *households_;
  const DemographyParameters& d = p_.demography;
  auto workers = t[h_.workers];
  auto children = t[h_.children];
  auto elderly = t[h_.elderly];
  auto skill_0 = t[h_.skill_0];
  auto skill_1 = t[h_.skill_1];
  auto employer_0 = t[h_.employer_0];
  auto employer_1 = t[h_.employer_1];
  auto unemployed_0 = t[h_.months_unemployed_0];
  auto unemployed_1 = t[h_.months_unemployed_1];
  auto age_0 = t[h_.age_0];
  auto age_1 = t[h_.age_1];
  auto child_age_0 = t[h_.child_age_0];
  auto child_age_1 = t[h_.child_age_1];
  auto elder_age_0 = t[h_.elder_age_0];
  auto elder_age_1 = t[h_.elder_age_1];
  auto bits = t[h_.person_bits];
  auto education = t[h_.education_per_child];
  const auto flags = t[h_.flags];
  const auto region = t[h_.region];
  const auto ids = t.ids();
  const RandomStream stream = context.stream("demography.ageing");
  const auto step = static_cast<std::uint64_t>(context.step);
  // The calendar year that begins after this step (birth cohorts of the reform).
  const int year = d.start_year + static_cast<int>(context.step / 12);
  const double female_birth = 1.0 / (1.0 + d.male_births_per_female);
  constexpr double none = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = t.size();
  std::vector<double> entrant_log_skill(n, none), parent_log_skill(n, none);
  leavers_.assign(n, {});
  std::vector<std::uint8_t> dissolved(n, 0);
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    DemographyTally tally;
    for (std::size_t i = b; i < e; ++i) {
      if ((flags[i] & flag_vacant) != 0) continue;
      const RandomBlock death = stream.block(ids[i], step, 0);
      const RandomBlock other = stream.block(ids[i], step, 1);
      // Deaths, decided on the ages at the start of the year; slots removed last first.
      for (int k = elderly[i] - 1; k >= 0; --k) {
        if (dies(life_.death_probability(k == 0 ? elder_age_0[i] : elder_age_1[i]),
                 death[static_cast<std::size_t>(k)])) {
          remove_dependant(i, false, k);
          ++tally.deaths;
        }
      }
      for (int k = workers[i] - 1; k >= 0; --k) {
        if (dies(life_.death_probability(k == 0 ? age_0[i] : age_1[i]),
                 death[static_cast<std::size_t>(2 + k)])) {
          remove_worker(i, k);
          ++tally.deaths;
        }
      }
      for (int k = children[i] - 1; k >= 0; --k) {
        if (dies(life_.death_probability(k == 0 ? child_age_0[i] : child_age_1[i]),
                 other[static_cast<std::size_t>(k)])) {
          remove_dependant(i, true, k);
          ++tally.deaths;
        }
      }
      if (workers[i] + children[i] + elderly[i] == 0) {
        dissolved[i] = 1;
        continue;
      }
      // Ageing of the occupied slots.
      const auto older = [](std::uint8_t& age) {
        age = static_cast<std::uint8_t>(std::min(age + 1, max_age));
      };
      if (workers[i] > 0) older(age_0[i]);
      if (workers[i] > 1) older(age_1[i]);
      if (children[i] > 0) older(child_age_0[i]);
      if (children[i] > 1) older(child_age_1[i]);
      if (elderly[i] > 0) older(elder_age_0[i]);
      if (elderly[i] > 1) older(elder_age_1[i]);
      // Retirement, the second slot first.
      for (int k = workers[i] - 1; k >= 0; --k) {
        const int age = k == 0 ? age_0[i] : age_1[i];
        const bool female = (bits[i] & female_worker(k)) != 0;
        if (age < retirement_age(d, female, (bits[i] & staff_worker(k)) != 0, year - age)) continue;
        remove_worker(i, k);
        if (elderly[i] == 2) {  // the oldest retired member moves into care
          remove_dependant(i, false, elder_age_0[i] >= elder_age_1[i] ? 0 : 1);
          ++tally.to_care;
        }
        add_dependant(i, false, static_cast<std::uint8_t>(age), female);
        ++tally.retirements;
      }
      // Labour entry, the older child first.
      const bool rural = (flags[i] & flag_rural_resident) != 0;
      const int entry_age =
          static_cast<int>(std::ceil(rural ? d.labour_entry_age_rural : d.labour_entry_age_urban));
      for (int draw = 0; draw < 2 && children[i] > 0; ++draw) {
        const int k = children[i] == 2 && child_age_1[i] > child_age_0[i] ? 1 : 0;
        const int age = k == 0 ? child_age_0[i] : child_age_1[i];
        if (age < entry_age) break;
        const bool female = (bits[i] & female_child(k)) != 0;
        remove_dependant(i, true, k);
        const double mean = mean_skill(flags[i], region[i]);
        const double parent = workers[i] >= 1 ? static_cast<double>(skill_0[i]) : 0.0;
        const RandomBlock z = stream.block(ids[i], step, 2 + static_cast<std::uint64_t>(draw));
        const float skill =
            entrant_skill(p_, mean, rural, parent, static_cast<double>(education[i]),
                          RandomStream::box_muller(z[0], z[1]));
        entrant_log_skill[i] = std::log(static_cast<double>(skill));
        if (parent > 0) parent_log_skill[i] = std::log(parent);
        const bool staff = female && to_unit_interval(z[2]) < d.women_staff_share;
        if (workers[i] == 2) {  // leaves to form a household (household_formation.cpp)
          leavers_[i][static_cast<std::size_t>(draw)] = {skill, static_cast<std::uint8_t>(age),
                                                         female, staff, true};
          continue;
        }
        const int slot = workers[i];
        (slot == 0 ? skill_0[i] : skill_1[i]) = skill;
        (slot == 0 ? employer_0[i] : employer_1[i]) = no_employer;
        (slot == 0 ? unemployed_0[i] : unemployed_1[i]) = 0;
        (slot == 0 ? age_0[i] : age_1[i]) = static_cast<std::uint8_t>(age);
        if (female) bits[i] |= female_worker(slot);
        if (staff) bits[i] |= staff_worker(slot);
        ++workers[i];
      }
      if (children[i] == 0) education[i] = 0;
      // Births.
      if (children[i] < 2) {
        for (int k = 0; k < workers[i]; ++k) {
          if ((bits[i] & female_worker(k)) == 0) continue;
          const double rate = life_.fertility(k == 0 ? age_0[i] : age_1[i]) *
                              (workers[i] == 2 ? 1.0 : d.single_fertility_factor);
          if (to_unit_interval(other[2]) < rate) {
            add_dependant(i, true, 0, to_unit_interval(other[3]) < female_birth);
            ++tally.births;
          }
          break;  // one woman of working age per household
        }
      }
    }
    tally.add_to(month_);
  });
  entrant_skills_ = summarise_entrants(entrant_log_skill, parent_log_skill, flags);
  settle_estates(context, dissolved);
  form_households(context);
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

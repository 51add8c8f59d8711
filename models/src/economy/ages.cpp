// Age-specific rates and age draws (ages.hpp, docs/economy-rules.md R15).
#include "economy/ages.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "economy/state.hpp"

namespace cpsim::models::economy {
namespace {

/// One of the two 32-bit halves of a random word, uniform on [0, 1).
double half(std::uint64_t word, int k) {
  return static_cast<double>((word >> (32 * k)) & 0xffffffffULL) * 0x1.0p-32;
}

/// Months by which the reform delays retirement for a birth in `birth_year`
/// (counted as July): one month per `every` months of birth since January
/// of `first_year`, at most `most`.
double reform_delay_years(int birth_year, int first_year, int every, int most) {
  const int months = (birth_year - first_year) * 12 + 6;
  if (months < 0) return 0.0;
  return std::min(most, months / every + 1) / 12.0;
}

}  // namespace

LifeTable::LifeTable(const DemographyParameters& d) {
  double alive = 1.0, cumulative = 0.0, fertility_total = 0.0;
  for (int age = 0; age <= max_age; ++age) {
    const auto a = static_cast<std::size_t>(age);
    death_[a] =
        age == max_age
            ? 1.0
            : std::min(1.0, d.mortality_background +
                                d.mortality_at_65 * std::exp(d.mortality_growth * (age - 65)));
    survivors_[a] = alive;
    // Later cohorts are larger: the retired at set-up weigh survivors by them.
    cumulative += alive * std::exp(-d.setup_cohort_decline * (age - 60));
    cumulative_survivors_[a] = cumulative;
    alive *= 1.0 - death_[a];
    // A mother of completed age a is a + 0.5 years old on average.
    const double z = (age + 0.5 - d.fertility_peak_age) / d.fertility_spread;
    fertility_[a] = age >= 15 && age < 50 ? std::exp(-0.5 * z * z) : 0.0;
    fertility_total += fertility_[a];
  }
  for (double& f : fertility_)
    f = fertility_total > 0 ? f * d.total_fertility / fertility_total : 0;
}

double LifeTable::life_expectancy() const {
  double years = 0;
  for (std::size_t a = 0; a <= max_age; ++a) years += survivors_[a] * (1.0 - 0.5 * death_[a]);
  return years;
}

int LifeTable::draw_age_from(int from, double u) const {
  const std::size_t start = clamp(from);
  const double below = start == 0 ? 0.0 : cumulative_survivors_[start - 1];
  const double target = below + u * (cumulative_survivors_[max_age] - below);
  const auto* const at =
      std::lower_bound(cumulative_survivors_.begin() + static_cast<std::ptrdiff_t>(start),
                       cumulative_survivors_.end(), target);
  return at == cumulative_survivors_.end() ? max_age
                                           : static_cast<int>(at - cumulative_survivors_.begin());
}

double retirement_age(const DemographyParameters& d, bool female, bool staff, int birth_year) {
  if (!female) {
    return d.retirement_age_men +
           (d.retirement_reform ? reform_delay_years(birth_year, 1965, 4, 36) : 0.0);
  }
  if (staff) {
    return d.retirement_age_women_staff +
           (d.retirement_reform ? reform_delay_years(birth_year, 1970, 4, 36) : 0.0);
  }
  return d.retirement_age_women +
         (d.retirement_reform ? reform_delay_years(birth_year, 1975, 2, 60) : 0.0);
}

MemberAges draw_member_ages(const DemographyParameters& d, const LifeTable& life, int workers,
                            int children, int elderly, bool rural, double oldest_worker,
                            const RandomBlock& a, const RandomBlock& b) {
  MemberAges m;
  const double entry = rural ? d.labour_entry_age_rural : d.labour_entry_age_urban;
  const double female_birth = 1.0 / (1.0 + d.male_births_per_female);
  // The ages at set-up are those before any reform (it starts with later cohorts).
  const auto base_retirement = [&](bool female, bool staff) {
    return female ? (staff ? d.retirement_age_women_staff : d.retirement_age_women)
                  : d.retirement_age_men;
  };
  const auto working_age = [&](int slot, double u) {
    const bool female = (m.bits & female_worker(slot)) != 0;
    const double upper =
        std::min(oldest_worker, base_retirement(female, (m.bits & staff_worker(slot)) != 0));
    const double span = std::max(0.0, std::ceil(upper) - std::ceil(entry));
    return std::ceil(entry) + std::floor(u * span);
  };
  int oldest_parent = 0;
  if (workers > 0) {
    // A couple: the woman's age from her working ages, the man's two years
    // older on average (-2 to +6); a single worker's from his or her own.
    const bool first_female = to_unit_interval(a[0]) < 0.5;
    if (workers > 1 || first_female) m.bits |= female_worker(workers > 1 ? 1 : 0);
    for (int slot = 0; slot < workers; ++slot) {
      if (half(a[3], slot) < d.women_staff_share) m.bits |= staff_worker(slot);
    }
    const int woman = workers > 1 ? 1 : 0;
    const double age = working_age(woman, to_unit_interval(a[1]));
    m.worker[static_cast<std::size_t>(woman)] = static_cast<std::uint8_t>(age);
    if (workers > 1) {
      const double upper = std::min(oldest_worker, d.retirement_age_men);
      const double partner = age + std::floor(to_unit_interval(a[2]) * 9.0) - 2.0;
      m.worker[0] = static_cast<std::uint8_t>(
          std::clamp(partner, std::ceil(entry), std::max(std::ceil(entry), std::ceil(upper) - 1)));
    }
    oldest_parent = workers > 1 ? std::max(m.worker[0], m.worker[1]) : m.worker[0];
  }
  for (int slot = 0; slot < 2; ++slot) {  // the staff type is a working woman's only
    if ((m.bits & female_worker(slot)) == 0)
      m.bits &= static_cast<std::uint8_t>(~staff_worker(slot));
  }
  // Children: uniform over the ages their older parent allows (at least 18
  // years younger). Recent cohorts are no larger than older ones in
  // Hangzhou (births fell from 11.3 per 1,000 in 2018 to 7.6 in 2021).
  const int oldest_child = std::max(0, std::min(static_cast<int>(std::ceil(entry)) - 1,
                                                workers > 0 ? oldest_parent - 18 : max_age));
  for (int k = 0; k < children; ++k) {
    const std::uint64_t word = b[static_cast<std::size_t>(k)];
    m.child[static_cast<std::size_t>(k)] =
        static_cast<std::uint8_t>(std::floor(half(word, 1) * (oldest_child + 1)));
    if (half(word, 0) < female_birth) m.bits |= female_child(k);
  }
  for (int k = 0; k < elderly; ++k) {
    const std::uint64_t word = b[static_cast<std::size_t>(2 + k)];
    const bool female = half(word, 0) < 0.5;
    if (female) m.bits |= female_elder(k);
    const double from = base_retirement(female, half(word, 0) < 0.5 * d.women_staff_share);
    m.elder[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(
        life.draw_age_from(static_cast<int>(std::ceil(from)), half(word, 1)));
  }
  return m;
}

}  // namespace cpsim::models::economy

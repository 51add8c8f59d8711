#pragma once
// Age-specific rates of the demography (docs/economy-rules.md R15) and the
// draws of members' ages at set-up and arrival. Ages are whole years, 0 to
// max_age; everyone alive at max_age dies in the next yearly step.
#include <array>
#include <cstdint>

#include "cpsim/engine/random.hpp"
#include "economy/parameters.hpp"

namespace cpsim::models::economy {

inline constexpr int max_age = 110;

/// Death probabilities (Gompertz-Makeham), fertility by the mother's age and
/// the stationary age distribution of the retired, computed once.
class LifeTable {
 public:
  explicit LifeTable(const DemographyParameters& d);
  /// Probability of dying within the year at completed age `age`.
  [[nodiscard]] double death_probability(int age) const { return death_[clamp(age)]; }
  /// Births per woman and year at completed age `age`.
  [[nodiscard]] double fertility(int age) const { return fertility_[clamp(age)]; }
  /// Period life expectancy at birth, years.
  [[nodiscard]] double life_expectancy() const;
  /// An age of at least `from`, weighted by survivors to each age and by
  /// cohort size (demography.setup_cohort_decline), from u uniform on [0, 1).
  [[nodiscard]] int draw_age_from(int from, double u) const;

 private:
  static std::size_t clamp(int age) {
    return static_cast<std::size_t>(age < 0 ? 0 : age > max_age ? max_age : age);
  }
  std::array<double, max_age + 1> death_{}, fertility_{}, survivors_{}, cumulative_survivors_{};
};

/// Legal retirement age, fractional years, of a person born in `birth_year`
/// (ignored without the reform): men 60 (63 with the reform), women workers
/// 50 (55), women staff 55 (58). The 2025 reform (NPC Standing Committee,
/// 13 Sept 2024) raises them by one month every four months of birth from
/// men born 1965 and women staff born 1970, and every two months from women
/// workers born 1975; a birth year counts as born in its middle (July).
double retirement_age(const DemographyParameters& d, bool female, bool staff, int birth_year);

/// Ages, sexes and retirement types of a new household's members.
struct MemberAges {
  std::array<std::uint8_t, 2> worker{}, child{}, elder{};
  std::uint8_t bits = 0;  ///< person_bits (state.hpp)
};
/// Draws them from two random blocks: workers' ages uniform from the labour
/// entry age to below their retirement age (to below `oldest_worker` when it
/// is lower, as for arrivals), in a couple the man (slot 0) -2 to +6 years
/// older than the woman (slot 1); children uniform over the ages below the
/// entry age that leave their older parent at least 18 years older; the retired above their
/// retirement age, weighted by survivors and cohort size (demography.setup_cohort_decline).
MemberAges draw_member_ages(const DemographyParameters& d, const LifeTable& life, int workers,
                            int children, int elderly, bool rural, double oldest_worker,
                            const RandomBlock& a, const RandomBlock& b);

}  // namespace cpsim::models::economy

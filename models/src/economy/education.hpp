#pragma once
// Children's human capital and the skill of labour-market entrants
// (docs/economy-model.md "Education and skills"). A household's
// `education_per_child` column is a moving average of the education spent per
// child and year (its own spending plus public schooling); consumption.cpp
// updates it every month, demography.cpp draws an entrant's skill from it and
// from the working parent's skill, and the education_investment policy adds
// public spending to it.
#include <algorithm>
#include <cmath>

#include "economy/state.hpp"

namespace cpsim::models::economy {

/// Monthly weight of the moving average whose yearly weight is `yearly`
/// (twelve monthly updates forget as much as one yearly update).
inline double education_monthly_weight(const EconomyParameters& p) {
  return 1.0 - std::pow(1.0 - p.education.averaging_weight, 1.0 / 12.0);
}

/// Share of a household's spending that buys education for its children:
/// rises with expected income per person with the given elasticity, at most
/// the maximum share and the services share it is part of.
inline double education_share(const EconomyParameters& p, double expected_income_per_person,
                              double services_share) {
  if (p.education.private_share <= 0 || expected_income_per_person <= 0) return 0.0;
  const double share =
      p.education.private_share *
      std::pow(expected_income_per_person / p.education.reference_income_per_person_month,
               p.education.share_income_elasticity);
  return std::min({share, p.education.max_share, services_share});
}

/// Public schooling per child and year where the household lives, RMB.
inline double public_education_per_child(const EconomyParameters& p, bool rural_resident) {
  return rural_resident ? p.education.public_per_child_rural : p.education.public_per_child_urban;
}

/// The moving average after a month whose education rate (RMB per child and
/// year, private and public) is `rate`; a household whose average is 0 (no
/// children until now) starts at the rate.
inline float next_education_per_child(float current, double rate, double monthly_weight) {
  if (current <= 0.0F) return static_cast<float>(rate);
  return static_cast<float>(static_cast<double>(current) +
                            monthly_weight * (rate - static_cast<double>(current)));
}

/// Skill of a labour-market entrant:
///   log s = log m_g - sigma^2/2 + rho (log s_parent - log m_g + sigma^2/2)
///           + beta log(E / E_ref) + sigma sqrt(1 - rho^2) z,
/// m_g the mean skill of the household's group (urban local, migrant,
/// village), s_parent the working parent's skill (no parent term without one),
/// E the household's education per child, E_ref the reference education where
/// it lives, z standard normal. With rho and beta 0 this is the lognormal with
/// mean m_g of the population's set-up; the sqrt(1 - rho^2) keeps the
/// log-variance at sigma^2 from one generation to the next.
inline float entrant_skill(const EconomyParameters& p, double group_mean, bool rural_resident,
                           double parent_skill, double education_per_child,
                           double standard_normal) {
  const double sigma = p.skills.sigma;
  const double rho = p.skills.intergenerational_elasticity;
  const double sigma_child = rho > 0 ? sigma * std::sqrt(1.0 - rho * rho) : sigma;
  const double parent_term =
      parent_skill > 0 ? rho * (std::log(parent_skill / group_mean) + 0.5 * sigma * sigma) : 0.0;
  const double education_term =
      p.education.skill_elasticity > 0
          ? p.education.skill_elasticity *
                std::log(std::max(education_per_child, 1.0) /
                         (rural_resident ? p.education.reference_per_child_rural
                                         : p.education.reference_per_child_urban))
          : 0.0;
  return static_cast<float>(
      std::clamp(group_mean * std::exp(sigma_child * standard_normal - 0.5 * sigma * sigma +
                                       parent_term + education_term),
                 0.05, 20.0));
}

}  // namespace cpsim::models::economy

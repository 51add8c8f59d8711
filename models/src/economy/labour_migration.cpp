// Monthly migration across the district's boundary (docs/economy-rules.md
// R14a), before the labour market so that arrivals search this month:
//
// Expected income (Todaro 1969): a newcomer expects the job-finding
// probability pi (last months' hires per seeker, smoothed) times the
// district's mean wage per unit of skill w_d, less rent, against an outside
// wage per unit of skill w_o (a share of the district's at set-up, growing at
// its own trend). Rent takes the share r of income at set-up and rises with
// residents per unit of housing, x = residents / capacity, as x^e; the
// capacity grows at its own trend (Brueckner and Zenou 1999: a land market
// limits Harris-Todaro migration). The relative gap is
//   g = pi w_d k / w_o - 1,  k = max(0, 1 - r x^e) / (1 - r),
// so k = 1 while residents grow with housing.
//  - Departures first: each migrant household (hukou outside the district)
//    leaves with the monthly probability
//      return_rate/12 + return_unemployed/12 x unemployed share of its
//      workers x max(0, -g),
//    drawn from `migration.return` (household id, step). It takes its
//    deposits out of the district (to the rest of the world), its household
//    businesses pass to outside owners, its equity fund units to the other
//    holders, and its row is left vacant (flag_vacant, no members).
//  - Arrivals: rate/12 x labour force x max(0, g) workers a month, in
//    households of one or two workers (the count stochastically rounded from
//    `migration.arrivals` at the step). Arrival k (counted over the run) draws
//    its composition, skills (skills.mean_migrant), hukou, insurance and
//    deposits and members' ages (workers below in_migration.oldest_arrival_age)
//    from `migration.arrivals` keyed by k alone, so a reform and its
//    baseline get the same newcomers in the same order. It settles in an
//    urban community drawn by residents, unemployed, renting (no housing
//    wealth, no equity fund units); its deposits come from the rest of the
//    world. Arrivals take vacant rows first, in row order, then new rows at
//    the table's end.
// Everything is decided from the start-of-process state in household order,
// identically on every rank (the state is replicated).
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpsim/engine/parallel.hpp"
#include "economy/economy.hpp"

namespace cpsim::models::economy {
namespace {

/// Origin of arrivals' ids in IdAllocator: no region has this index.
constexpr std::uint32_t arrivals_origin = 0x7ffffffeU;
/// Subject of the month's arrival count in `migration.arrivals` (arrivals'
/// own draws are keyed by their serial, far below it).
constexpr std::uint64_t count_subject = ~0ULL;

}  // namespace

std::int64_t Economy::resident_count() const {
  const auto flags = (*households_)[h_.flags];
  return deterministic_sum<std::int64_t>(flags.size(), [&](std::size_t i) {
    return (flags[i] & flag_vacant) != 0 ? std::int64_t{0} : std::int64_t{members(i)};
  });
}

double Economy::housing_crowding(std::int64_t residents) const {
  return outlook_.housing_capacity > 0 ? static_cast<double>(residents) / outlook_.housing_capacity
                                       : 1.0;
}

double Economy::expected_income_gap(double crowding) const {
  const InMigrationParameters& in = p_.in_migration;
  if (outlook_.outside_wage_per_skill <= 0) return 0.0;
  double after_rent = 1.0;
  if (in.rent_share > 0) {
    const double rent = in.rent_share * std::pow(crowding, in.rent_elasticity);
    after_rent = std::max(0.0, 1.0 - rent) / (1.0 - in.rent_share);
  }
  return outlook_.job_finding * market_wage_per_skill() * after_rent /
             outlook_.outside_wage_per_skill -
         1.0;
}

void Economy::vacate_household(std::size_t i, FlowTally& tally) {
  AgentTable& t = *households_;
  const std::int64_t balance = t[h_.deposits][i];
  if (balance > 0) {
    ledger_.transfer(household_account(i), rest_of_world_account, balance, Flow::migration, tally);
  } else if (balance < 0) {  // an overdraft is settled from outside
    ledger_.transfer(rest_of_world_account, household_account(i), -balance, Flow::migration, tally);
  }
  const std::uint16_t region = t[h_.region][i];
  t.reuse_row(i, t.ids()[i]);
  t[h_.region][i] = region;
  t[h_.flags][i] = flag_vacant;
  t[h_.employer_0][i] = no_employer;
  t[h_.employer_1][i] = no_employer;
}

void Economy::settle_arrival(std::size_t i, std::uint64_t serial, std::size_t community,
                             double market_wage, const RandomStream& stream, FlowTally& tally) {
  AgentTable& t = *households_;
  const InMigrationParameters& in = p_.in_migration;
  t.reuse_row(i, IdAllocator::make(arrivals_origin, static_cast<std::uint32_t>(serial)));
  const RandomBlock a = stream.block(serial, 0, 0);
  const RandomBlock n = stream.block(serial, 0, 1);
  const auto workers = static_cast<std::uint8_t>(
      1 + (to_unit_interval(a[0]) < in.second_worker_probability ? 1 : 0));
  t[h_.region][i] = static_cast<std::uint16_t>(community);
  t[h_.workers][i] = workers;
  t[h_.children][i] =
      static_cast<std::uint8_t>((to_unit_interval(a[1]) < in.child_probability ? 1 : 0) +
                                (to_unit_interval(a[2]) < in.child_probability ? 1 : 0));
  std::uint8_t flags = flag_migrant;
  if (to_unit_interval(a[3]) < in.rural_hukou_share) flags |= flag_rural_hukou;
  const RandomBlock c = stream.block(serial, 0, 2);
  if (to_unit_interval(c[0]) < in.insured_share) flags |= flag_employee_pension;
  t[h_.flags][i] = flags;
  set_member_ages(i, draw_member_ages(p_.demography, life_, workers, t[h_.children][i], 0, false,
                                      in.oldest_arrival_age, stream.block(serial, 0, 4),
                                      stream.block(serial, 0, 5)));
  t[h_.skill_0][i] =
      draw_skill(p_.skills.mean_migrant, p_.skills.sigma, RandomStream::box_muller(n[0], n[1]));
  t[h_.skill_1][i] =
      draw_skill(p_.skills.mean_migrant, p_.skills.sigma, RandomStream::box_muller(n[2], n[3]));
  t[h_.employer_0][i] = no_employer;
  t[h_.employer_1][i] = no_employer;
  // Expected income: the market wage for its workers' skills.
  const double skills = static_cast<double>(t[h_.skill_0][i]) +
                        (workers > 1 ? static_cast<double>(t[h_.skill_1][i]) : 0.0);
  const double income = market_wage * skills;
  t[h_.expected_income][i] = static_cast<float>(income);
  const double deposits = lognormal(in.deposits_months * income, p_.wealth.deposits_sigma,
                                    RandomStream::box_muller(c[1], c[2]));
  ledger_.transfer(rest_of_world_account, household_account(i),
                   static_cast<std::int64_t>(deposits * fen_per_rmb), Flow::migration, tally);
}

void Economy::move_migrants(const StepContext& context) {
  const InMigrationParameters& in = p_.in_migration;
  AgentTable& t = *households_;
  const std::size_t n = t.size();
  const auto step = static_cast<std::uint64_t>(context.step);
  outlook_.outside_wage_per_skill *= std::exp(in.outside_wage_growth / 12.0);
  outlook_.housing_capacity *= std::exp(in.housing_growth_annual / 12.0);
  const double district_wage = market_wage_per_skill();
  // Residents are counted only when rent enters the decision.
  const double gap =
      expected_income_gap(in.rent_share > 0 ? housing_crowding(resident_count()) : 1.0);

  // Departures, decided in parallel from the start-of-process state.
  const auto flags = t[h_.flags];
  const auto workers = t[h_.workers];
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto ids = t.ids();
  std::vector<std::uint8_t> leaving(n, 0);
  const RandomStream returns = context.stream("migration.return");
  parallel_for(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if ((flags[i] & flag_migrant) == 0 || (flags[i] & flag_vacant) != 0) continue;
      double unemployed_share = 0;
      if (workers[i] > 0) {
        const int unemployed = (employer_0[i] < 0 ? 1 : 0) + (workers[i] > 1 && employer_1[i] < 0);
        unemployed_share = static_cast<double>(unemployed) / workers[i];
      }
      const double hazard = in.return_rate_annual / 12.0 + in.return_unemployed_annual / 12.0 *
                                                               unemployed_share *
                                                               std::max(0.0, -gap);
      if (to_unit_interval(returns.block(ids[i], step)[0]) < hazard) leaving[i] = 1;
    }
  });
  std::int64_t departing = 0, departing_persons = 0;
  bool fund_units_left = false;
  FlowTally tally;
  const auto fund_share = t[h_.equity_fund_share];
  for (std::size_t i = 0; i < n; ++i) {
    if (leaving[i] == 0) continue;
    ++departing;
    departing_persons += members(i);
    fund_units_left = fund_units_left || fund_share[i] > 0;
    vacate_household(i, tally);
  }
  if (departing > 0) {
    auto owner = (*firms_)[f_.owner];
    for (std::size_t f = 0; f < owner.size(); ++f) {
      if (owner[f] >= 0 && leaving[static_cast<std::size_t>(owner[f])] != 0) {
        owner[f] = owner_rest_of_world;
      }
    }
    if (fund_units_left) refresh_equity_fund_totals();
    count_employees();
  }

  // Arrivals: the expected number of households, stochastically rounded.
  const std::int64_t labour_force = deterministic_sum<std::int64_t>(
      n, [&](std::size_t i) { return static_cast<std::int64_t>(workers[i]); });
  const double expected_workers =
      in.rate_annual / 12.0 * static_cast<double>(labour_force) * std::max(0.0, gap);
  const double expected_households = expected_workers / (1.0 + in.second_worker_probability);
  const RandomStream arrivals = context.stream("migration.arrivals");
  const double whole = std::floor(expected_households);
  const auto count = static_cast<std::size_t>(
      whole +
      (to_unit_interval(arrivals.block(count_subject, step)[0]) < expected_households - whole ? 1
                                                                                              : 0));
  std::int64_t arriving_persons = 0;
  if (count > 0) {
    // Communities by residents at the start of the process; then the rows
    // (vacant ones, those left this month included, in row order).
    std::vector<double> residents(regions_.communities, 0.0);
    const auto region = t[h_.region];
    for (std::size_t i = 0; i < n; ++i) {
      if ((flags[i] & (flag_vacant | flag_rural_resident)) == 0) {
        residents[region[i]] += members(i);
      }
    }
    const AliasTable communities(residents);
    const std::vector<std::size_t> rows = free_household_rows(count);
    for (const std::size_t i : rows) {
      const std::uint64_t serial = outlook_.arrivals++;
      const RandomBlock u = arrivals.block(serial, 0, 3);
      const std::size_t community = communities.empty() ? 0 : communities.draw(u[0], u[1]);
      settle_arrival(i, serial, community, district_wage, arrivals, tally);
      arriving_persons += members(i);
    }
  }
  ledger_.commit(tally);
  month_.departing_households = departing;
  month_.departing_persons = departing_persons;
  month_.arriving_households = static_cast<std::int64_t>(count);
  month_.arriving_persons = arriving_persons;
}

}  // namespace cpsim::models::economy

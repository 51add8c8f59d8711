// Household formation and dissolution (docs/economy-rules.md R15), after the
// year's deaths, retirements, entries and births (demography.cpp). Both are
// decided in row order from the state after that pass, identically on every
// rank (the state is replicated).
//
// Dissolution: a household left without members passes its estate to its
// heir, the household its first child formed (`heir`); without one, to a
// household drawn among the living ones registered in its region with the
// same migrant status (`demography.heirs`, up to 16 tries; a stand-in for
// kin living elsewhere in the district), or else to the government. Deposits move
// through the ledger (Flow::family; an overdraft is the heir's to settle),
// housing, firm equity, equity fund units and household businesses with
// them (to the government: the deposits; the rest leaves the accounts and
// the businesses pass to outside owners). The row is left vacant.
//
// Formation: the year's leavers (children who entered the labour force in a
// household whose two worker places are taken), in row order, pair with the
// earliest unpaired leaver of the other sex; pairs and the singles left over
// form households of one or two workers in a free row (vacant rows in row
// order, then new rows), living in the first partner's parents' region with
// their hukou, insurance and migrant status. Each parent household gives
// `demography.formation_gift_share` of its deposits (Flow::family) and takes
// the first household a child forms as its heir.
#include <algorithm>
#include <deque>
#include <vector>

#include "economy/economy.hpp"

namespace cpsim::models::economy {
namespace {

/// Origin of formed households' ids in IdAllocator (arrivals use 0x7ffffffe).
constexpr std::uint32_t formed_origin = 0x7ffffffdU;
constexpr int heir_draws = 16;

}  // namespace

std::vector<std::size_t> Economy::free_household_rows(std::size_t count) {
  AgentTable& t = *households_;
  std::vector<std::size_t> rows;
  rows.reserve(count);
  const auto flags = t[h_.flags];
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n && rows.size() < count; ++i) {
    if ((flags[i] & flag_vacant) != 0) rows.push_back(i);
  }
  if (rows.size() < count) {
    std::vector<AgentId> new_ids(count - rows.size());
    for (std::size_t k = 0; k < new_ids.size(); ++k) rows.push_back(n + k);
    t.append(new_ids);  // ids are set as each row is settled
    ledger_.attach(t[h_.deposits], (*firms_)[f_.deposits], (*villages_)[v_.deposits]);
  }
  return rows;
}

void Economy::settle_estates(const StepContext& context, std::span<const std::uint8_t> dissolved) {
  AgentTable& t = *households_;
  const std::size_t n = t.size();
  const auto ids = t.ids();
  const auto flags = t[h_.flags];
  const auto region = t[h_.region];
  auto heir = t[h_.heir];
  auto housing = t[h_.housing_wealth];
  auto equity = t[h_.firm_equity];
  auto fund_share = t[h_.equity_fund_share];
  const RandomStream stream = context.stream("demography.heirs");
  const auto step = static_cast<std::uint64_t>(context.step);
  const auto living = [&](std::size_t h) {
    return h < n && (flags[h] & flag_vacant) == 0 && dissolved[h] == 0;
  };
  std::vector<std::int64_t> heir_of(n, -1);  // of the dissolved: row, or -1 (government)
  std::int64_t count = 0, to_government = 0;
  bool fund_units_moved = false;
  FlowTally tally;
  for (std::size_t i = 0; i < n; ++i) {
    if (dissolved[i] == 0) continue;
    ++count;
    std::int64_t to =
        heir[i] > 0 && living(heir[i] - 1U) ? static_cast<std::int64_t>(heir[i] - 1U) : -1;
    const std::size_t r = region[i];
    for (int k = 0; to < 0 && k < heir_draws && regions_.household_count[r] > 0; ++k) {
      const RandomBlock u = stream.block(ids[i], step, static_cast<std::uint64_t>(k));
      const std::size_t h =
          regions_.first_household[r] +
          static_cast<std::size_t>(to_unit_interval(u[0]) * regions_.household_count[r]);
      if (h != i && living(h) && ((flags[h] ^ flags[i]) & flag_migrant) == 0) {
        to = static_cast<std::int64_t>(h);
      }
    }
    heir_of[i] = to;
    const std::int64_t balance = t[h_.deposits][i];
    const Account heir_account =
        to >= 0 ? household_account(static_cast<std::size_t>(to)) : government_account;
    if (balance > 0) {
      ledger_.transfer(household_account(i), heir_account, balance, Flow::family, tally);
    } else if (balance < 0) {
      ledger_.transfer(heir_account, household_account(i), -balance, Flow::family, tally);
    }
    fund_units_moved = fund_units_moved || fund_share[i] > 0;
    if (to >= 0) {
      const auto h = static_cast<std::size_t>(to);
      housing[h] += housing[i];
      equity[h] += equity[i];
      fund_share[h] += fund_share[i];
    } else {
      ++to_government;
    }
    vacate_household(i, tally);
  }
  ledger_.commit(tally);
  if (count == 0) return;
  auto owner = (*firms_)[f_.owner];
  for (std::size_t f = 0; f < owner.size(); ++f) {
    if (owner[f] >= 0 && dissolved[static_cast<std::size_t>(owner[f])] != 0) {
      const std::int64_t to = heir_of[static_cast<std::size_t>(owner[f])];
      owner[f] = to >= 0 ? static_cast<std::int32_t>(to) : owner_rest_of_world;
    }
  }
  if (fund_units_moved) refresh_equity_fund_totals();
  month_.households_dissolved = count;
  month_.estates_to_government = to_government;
}

void Economy::form_households(const StepContext& /*context*/) {
  AgentTable& t = *households_;
  struct Person {
    std::size_t parent;
    Leaver leaver;
  };
  std::vector<Person> people;
  for (std::size_t i = 0; i < leavers_.size(); ++i) {
    for (const Leaver& leaver : leavers_[i]) {
      if (leaver.leaving) people.push_back({i, leaver});
    }
  }
  leavers_ = {};  // household-sized: freed until next year
  if (people.empty()) return;
  // Pairs of the earliest unpaired leaver of the other sex, then singles.
  std::vector<std::array<std::int64_t, 2>> households;
  std::array<std::deque<std::size_t>, 2> waiting;  // by sex: 0 men, 1 women
  for (std::size_t k = 0; k < people.size(); ++k) {
    const int sex = people[k].leaver.female ? 1 : 0;
    auto& other = waiting[static_cast<std::size_t>(1 - sex)];
    if (other.empty()) {
      waiting[static_cast<std::size_t>(sex)].push_back(k);
      continue;
    }
    households.push_back({static_cast<std::int64_t>(other.front()), static_cast<std::int64_t>(k)});
    other.pop_front();
  }
  std::vector<std::size_t> singles(waiting[0].begin(), waiting[0].end());
  singles.insert(singles.end(), waiting[1].begin(), waiting[1].end());
  std::sort(singles.begin(), singles.end());
  for (const std::size_t k : singles) households.push_back({static_cast<std::int64_t>(k), -1});

  const std::vector<std::size_t> rows = free_household_rows(households.size());
  const double market_wage = market_wage_per_skill();
  const std::uint8_t inherited =
      flag_rural_resident | flag_rural_hukou | flag_migrant | flag_employee_pension;
  FlowTally tally;
  for (std::size_t g = 0; g < households.size(); ++g) {
    const std::size_t j = rows[g];
    const Person& first = people[static_cast<std::size_t>(households[g][0])];
    t.reuse_row(j,
                IdAllocator::make(formed_origin, static_cast<std::uint32_t>(households_formed_++)));
    t[h_.region][j] = t[h_.region][first.parent];
    t[h_.flags][j] = static_cast<std::uint8_t>(t[h_.flags][first.parent] & inherited);
    t[h_.employer_0][j] = no_employer;
    t[h_.employer_1][j] = no_employer;
    double skills = 0;
    for (int slot = 0; slot < 2; ++slot) {
      const std::int64_t k = households[g][static_cast<std::size_t>(slot)];
      if (k < 0) continue;
      const Person& person = people[static_cast<std::size_t>(k)];
      (slot == 0 ? t[h_.skill_0][j] : t[h_.skill_1][j]) = person.leaver.skill;
      (slot == 0 ? t[h_.age_0][j] : t[h_.age_1][j]) = person.leaver.age;
      if (person.leaver.female) t[h_.person_bits][j] |= female_worker(slot);
      if (person.leaver.staff) t[h_.person_bits][j] |= staff_worker(slot);
      ++t[h_.workers][j];
      skills += static_cast<double>(person.leaver.skill);
      const std::size_t parent = person.parent;
      const std::int64_t deposits = t[h_.deposits][parent];
      const auto gift =
          static_cast<std::int64_t>(static_cast<double>(std::max<std::int64_t>(0, deposits)) *
                                    p_.demography.formation_gift_share);
      if (gift > 0) {
        ledger_.transfer(household_account(parent), household_account(j), gift, Flow::family,
                         tally);
      }
      if (t[h_.heir][parent] == 0) t[h_.heir][parent] = static_cast<std::uint32_t>(j + 1);
    }
    t[h_.expected_income][j] = static_cast<float>(market_wage * skills);
  }
  ledger_.commit(tally);
  month_.households_formed = static_cast<std::int64_t>(households.size());
}

}  // namespace cpsim::models::economy

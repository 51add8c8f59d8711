// Generation of the district from counts and shares: regions (urban
// communities and villages grouped into subdistricts and towns, or from a
// region table: region_table.cpp), households (region-major, so ids do not
// depend on threads; drawn, or from a household table: household_table.cpp),
// village collectives, the initial matching of workers to firms and the
// initial balances. The firms: firm_setup.cpp.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "cpsim/engine/parallel.hpp"
#include "economy/economy.hpp"
#include "economy/household_table.hpp"
#include "economy/region_table.hpp"

namespace cpsim::models::economy {
namespace {

struct Composition {
  std::uint8_t workers, children, elderly;
  [[nodiscard]] int members() const { return workers + children + elderly; }
};

Composition draw_composition(const EconomyParameters& p, const RandomStream& stream,
                             std::uint64_t subject) {
  const RandomBlock a = stream.block(subject, 0, 0);
  const RandomBlock b = stream.block(subject, 0, 1);
  Composition c{};
  if (to_unit_interval(a[0]) < p.households.elderly_only_share) {
    c.elderly = static_cast<std::uint8_t>(1 + (to_unit_interval(a[1]) < 0.5 ? 1 : 0));
    return c;
  }
  c.workers = static_cast<std::uint8_t>(
      1 + (to_unit_interval(a[1]) < p.households.second_worker_probability ? 1 : 0));
  c.children =
      static_cast<std::uint8_t>((to_unit_interval(a[2]) < p.households.child_probability ? 1 : 0) +
                                (to_unit_interval(a[3]) < p.households.child_probability ? 1 : 0));
  c.elderly = static_cast<std::uint8_t>(
      (to_unit_interval(b[0]) < p.households.elderly_probability ? 1 : 0) +
      (to_unit_interval(b[1]) < p.households.elderly_probability ? 1 : 0));
  return c;
}

/// Trims the last household of a region so that the region holds exactly its
/// quota of residents: children first, then elderly, then the second worker.
void trim(Composition& c, int room) {
  while (c.members() > room) {
    if (c.children > 0) {
      --c.children;
    } else if (c.elderly > 0 && c.members() > 1) {
      --c.elderly;
    } else if (c.workers > 1) {
      --c.workers;
    } else {
      break;
    }
  }
}

std::uint64_t region_subject(std::size_t region, std::size_t serial) {
  return (static_cast<std::uint64_t>(region) << 32) | static_cast<std::uint64_t>(serial);
}

/// Generated households: the residents of each region (its quota) and the
/// households each region draws to hold them (pass 1; pass 2 in
/// create_households draws them again to fill their rows).
std::vector<std::int64_t> count_generated_households(const EconomyParameters& p,
                                                     const StepContext& context, Regions& regions) {
  const std::size_t count = regions.size();
  const auto rural_residents = static_cast<std::int64_t>(
      std::llround(static_cast<double>(p.population.residents) * p.population.rural_share));
  const std::int64_t urban_residents = p.population.residents - rural_residents;
  std::vector<std::int64_t> quota(count);
  if (p.region_table.table != nullptr) {
    quota = p.region_table.table->residents;  // apportioned by region_table.cpp
  } else {
    // Even within urban and rural; the first regions take what is left over.
    for (std::size_t r = 0; r < count; ++r) {
      const bool rural = regions.rural[r] != 0;
      const auto units = static_cast<std::int64_t>(rural ? regions.villages : regions.communities);
      const std::size_t k = rural ? r - regions.communities : r;
      const std::int64_t total = rural ? rural_residents : urban_residents;
      quota[r] = total / units + (static_cast<std::int64_t>(k) < total % units ? 1 : 0);
    }
  }
  const RandomStream stream = context.stream("population.households");
  // Households per region (each region independently, in parallel).
  regions.household_count.assign(count, 0);
  parallel_for(
      count,
      [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {
          std::int64_t left = quota[r];
          std::uint32_t serial = 0;
          while (left > 0) {
            Composition c = draw_composition(p, stream, region_subject(r, serial));
            trim(c, static_cast<int>(std::min<std::int64_t>(left, 1000)));
            left -= c.members();
            ++serial;
          }
          regions.household_count[r] = serial;
        }
      },
      1);
  regions.first_household.assign(count, 0);
  std::uint32_t total = 0;
  for (std::size_t r = 0; r < count; ++r) {
    regions.first_household[r] = total;
    total += regions.household_count[r];
  }
  return quota;
}

}  // namespace

Economy::Economy(Simulation& simulation, const EconomyParameters& parameters)
    : p_(parameters), simulation_(simulation), life_(parameters.demography) {
  const StepContext setup{0, simulation.seed()};
  create_regions();
  create_households(setup);
  create_firms(setup);
  create_villages(setup);
  ledger_.attach((*households_)[h_.deposits], (*firms_)[f_.deposits], (*villages_)[v_.deposits]);
  // Every MPI rank holds the whole state (household_blocks.cpp).
  for (AgentTable* table : {households_, firms_, villages_}) table->set_replicated(true);
  match_initial_workers(setup);
  initialise_balances(setup);
  outlook_.housing_capacity = static_cast<double>(resident_count());
}

double Economy::mean_skill(std::uint8_t flags, std::size_t region) const {
  const double group = (flags & flag_rural_resident) != 0 ? p_.skills.mean_rural
                       : (flags & flag_migrant) != 0      ? p_.skills.mean_migrant
                                                          : p_.skills.mean_urban;
  // A region table's income level scales its region's skills
  // (region_table.hpp); x 1 leaves them bit for bit.
  const RegionTable* table = p_.region_table.table.get();
  return table != nullptr && !table->skill_scale.empty() ? group * table->skill_scale[region]
                                                         : group;
}

void Economy::create_regions() {
  if (const RegionTable* table = p_.region_table.table.get()) {
    regions_.communities = table->communities;
    regions_.villages = table->villages;
    regions_.rural = table->rural;
    regions_.area = table->area;
    regions_.area_names = table->area_names;
    return;
  }
  const auto communities = static_cast<std::size_t>(p_.population.urban_communities);
  const auto village_count = static_cast<std::size_t>(p_.population.villages);
  const auto subdistricts = static_cast<std::size_t>(p_.population.subdistricts);
  const auto towns = static_cast<std::size_t>(p_.population.towns);
  regions_.communities = communities;
  regions_.villages = village_count;
  regions_.rural.assign(communities + village_count, 0);
  regions_.area.assign(communities + village_count, 0);
  for (std::size_t i = 1; i <= subdistricts; ++i) {
    regions_.area_names.push_back("subdistrict_" + std::to_string(i));
  }
  for (std::size_t i = 1; i <= towns; ++i)
    regions_.area_names.push_back("town_" + std::to_string(i));
  // Communities are dealt to subdistricts and villages to towns in turn.
  for (std::size_t c = 0; c < communities; ++c) {
    regions_.area[c] = static_cast<std::uint16_t>(c % subdistricts);
  }
  for (std::size_t v = 0; v < village_count; ++v) {
    regions_.rural[communities + v] = 1;
    regions_.area[communities + v] = static_cast<std::uint16_t>(subdistricts + v % towns);
  }
}

void Economy::create_households(const StepContext& context) {
  const HouseholdTable* from_table = p_.household_table.table.get();
  std::vector<std::int64_t> quota;         // generated: residents of each region
  std::vector<std::uint32_t> table_entry;  // from a table: the entry of each household
  if (from_table != nullptr) {
    table_entry = place_table_households(*from_table, regions_);
  } else {
    quota = count_generated_households(p_, context, regions_);
  }
  const std::uint32_t total = regions_.first_household.back() + regions_.household_count.back();

  households_ = &simulation_.add_table("households");
  AgentTable& t = *households_;
  t.create(total);
  h_.region = t.add_column<std::uint16_t>(
      {"region", "1", "Region of residence (urban communities first, then villages)"});
  h_.flags = t.add_column<std::uint8_t>(
      {"flags", "bits", "1 village resident, 2 agricultural hukou, 4 migrant, 8 employee pension"});
  h_.workers =
      t.add_column<std::uint8_t>({"workers", "persons", "Members in the labour force (0-2)"});
  h_.children = t.add_column<std::uint8_t>({"children", "persons", "Children"});
  h_.elderly = t.add_column<std::uint8_t>({"elderly", "persons", "Retired members"});
  h_.age_0 = t.add_column<std::uint8_t>({"age_0", "years", "Age of the first worker"});
  h_.age_1 = t.add_column<std::uint8_t>({"age_1", "years", "Age of the second worker"});
  h_.child_age_0 = t.add_column<std::uint8_t>({"child_age_0", "years", "Age of the first child"});
  h_.child_age_1 = t.add_column<std::uint8_t>({"child_age_1", "years", "Age of the second child"});
  h_.elder_age_0 =
      t.add_column<std::uint8_t>({"elder_age_0", "years", "Age of the first retired member"});
  h_.elder_age_1 =
      t.add_column<std::uint8_t>({"elder_age_1", "years", "Age of the second retired member"});
  h_.person_bits = t.add_column<std::uint8_t>(
      {"person_bits", "bits",
       "Women: 1, 2 workers; 4, 8 children; 16, 32 retired; 64, 128 working women retiring at "
       "the staff age"});
  h_.heir = t.add_column<std::uint32_t>(
      {"heir", "1", "1 + row of the household a child of this one formed (heir); 0 none"});
  h_.skill_0 = t.add_column<float>({"skill_0", "1", "Skill factor of the first worker"});
  h_.skill_1 = t.add_column<float>({"skill_1", "1", "Skill factor of the second worker"});
  h_.employer_0 = t.add_column<std::int32_t>(
      {"employer_0", "1", "Firm row of the first worker's employer, -1 if none"});
  h_.employer_1 = t.add_column<std::int32_t>(
      {"employer_1", "1", "Firm row of the second worker's employer, -1 if none"});
  h_.months_unemployed_0 = t.add_column<std::uint8_t>(
      {"months_unemployed_0", "months", "Current unemployment spell, first worker"});
  h_.months_unemployed_1 = t.add_column<std::uint8_t>(
      {"months_unemployed_1", "months", "Current unemployment spell, second worker"});
  h_.months_employed_0 = t.add_column<std::uint8_t>(
      {"months_employed_0", "months", "Months with wages this tax year, first worker"});
  h_.months_employed_1 = t.add_column<std::uint8_t>(
      {"months_employed_1", "months", "Months with wages this tax year, second worker"});
  h_.ytd_wage_0 =
      t.add_column<std::int64_t>({"ytd_wage_0", "fen", "Wages this tax year, first worker"});
  h_.ytd_wage_1 =
      t.add_column<std::int64_t>({"ytd_wage_1", "fen", "Wages this tax year, second worker"});
  h_.ytd_tax_0 =
      t.add_column<std::int64_t>({"ytd_tax_0", "fen", "PIT withheld this tax year, first worker"});
  h_.ytd_tax_1 =
      t.add_column<std::int64_t>({"ytd_tax_1", "fen", "PIT withheld this tax year, second worker"});
  h_.deposits = t.add_column<std::int64_t>({"deposits", "fen", "Bank deposits (money)"});
  h_.housing_wealth =
      t.add_column<std::int64_t>({"housing_wealth", "fen", "Value of owned housing"});
  h_.firm_equity = t.add_column<std::int64_t>(
      {"firm_equity", "fen",
       "Deposits of owned firms and the share of the equity fund's firms (book equity), "
       "floored at 0"});
  h_.equity_fund_share = t.add_column<float>(
      {"equity_fund_share", "1", "Share of the district equity fund (set at set-up)"});
  h_.expected_income = t.add_column<float>(
      {"expected_income", "RMB/month", "Expected disposable income (adaptive)"});
  h_.wage_income =
      t.add_column<std::int64_t>({"wage_income", "fen/month", "Gross wages this month"});
  h_.business_income = t.add_column<std::int64_t>(
      {"business_income", "fen/month", "Household-business and cooperative income this month"});
  h_.property_income =
      t.add_column<std::int64_t>({"property_income", "fen/month", "Dividends this month"});
  h_.collective_dividend = t.add_column<std::int32_t>(
      {"collective_dividend", "fen/month", "Village collective dividend this month"});
  h_.pension_income =
      t.add_column<std::int32_t>({"pension_income", "fen/month", "Pensions this month"});
  h_.transfer_income =
      t.add_column<std::int32_t>({"transfer_income", "fen/month", "Dibao top-up this month"});
  h_.taxes_paid = t.add_column<std::int64_t>(
      {"taxes_paid", "fen/month",
       "PIT, capital and business income tax and social contributions this month "
       "(negative: refund)"});
  h_.consumption =
      t.add_column<std::int64_t>({"consumption", "fen/month", "Consumption spending this month"});
  h_.income_ytd = t.add_column<std::int64_t>(
      {"income_ytd", "fen",
       "Disposable income so far this calendar year (a full year at steps 12, 24, ...)"});
  h_.education_per_child = t.add_column<float>(
      {"education_per_child", "RMB/child/year",
       "Moving average of education spent per child, private and public (0 without children)"});

  // Pass 2: each household's row; a table's household takes what its entry
  // gives and draws the rest as a generated one of its group would.
  const RandomStream stream = context.stream("population.households");
  const RandomStream skills = context.stream("population.skills");
  const RandomStream ages = context.stream("population.ages");
  auto region = t[h_.region];
  auto flags = t[h_.flags];
  auto workers = t[h_.workers];
  auto children = t[h_.children];
  auto elderly = t[h_.elderly];
  auto skill_0 = t[h_.skill_0];
  auto skill_1 = t[h_.skill_1];
  auto employer_0 = t[h_.employer_0];
  auto employer_1 = t[h_.employer_1];
  auto housing = t[h_.housing_wealth];
  auto deposits = t[h_.deposits];
  parallel_for(
      regions_.size(),
      [&](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r) {
          std::int64_t left = quota.empty() ? 0 : quota[r];
          const bool rural = regions_.rural[r] != 0;
          for (std::uint32_t serial = 0; serial < regions_.household_count[r]; ++serial) {
            const std::size_t i = regions_.first_household[r] + serial;
            const TableHousehold* row =
                from_table != nullptr ? &from_table->households[table_entry[i]] : nullptr;
            Composition c{};
            if (row != nullptr) {
              c = {row->workers, row->children, row->elderly};
            } else {
              c = draw_composition(p_, stream, region_subject(r, serial));
              trim(c, static_cast<int>(std::min<std::int64_t>(left, 1000)));
              left -= c.members();
            }
            region[i] = static_cast<std::uint16_t>(r);
            workers[i] = c.workers;
            children[i] = c.children;
            elderly[i] = c.elderly;
            employer_0[i] = no_employer;
            employer_1[i] = no_employer;
            const RandomBlock u = skills.block(i, 0, 0);
            std::uint8_t f = 0;
            if (row != nullptr) {
              f = row->flags;
            } else if (rural) {
              f = flag_rural_resident | flag_rural_hukou;
            } else if (to_unit_interval(u[0]) < p_.households.migrant_share_urban) {
              f = flag_migrant | flag_rural_hukou;
            } else if (to_unit_interval(u[0]) <
                       p_.households.migrant_share_urban + p_.households.rural_hukou_share_urban) {
              f = flag_rural_hukou;
            }
            const double mean = mean_skill(f, r);
            const bool urban_hukou = (f & flag_rural_hukou) == 0;
            if (urban_hukou || to_unit_interval(u[1]) < p_.pension.employee_share_rural_hukou) {
              f = static_cast<std::uint8_t>(f | flag_employee_pension);
            }
            flags[i] = f;
            set_member_ages(
                i, draw_member_ages(p_.demography, life_, c.workers, c.children, c.elderly, rural,
                                    max_age, ages.block(i, 0, 0), ages.block(i, 0, 1)));
            const RandomBlock n = skills.block(i, 0, 1);
            const double z0 = RandomStream::box_muller(n[0], n[1]);
            const double z1 = RandomStream::box_muller(n[2], n[3]);
            skill_0[i] = row != nullptr && row->skill[0] > 0
                             ? row->skill[0]
                             : draw_skill(mean, p_.skills.sigma, z0);
            skill_1[i] = row != nullptr && row->skill[1] > 0
                             ? row->skill[1]
                             : draw_skill(mean, p_.skills.sigma, z1);
            if (row != nullptr) {
              housing[i] = row->housing_wealth;
              deposits[i] = row->deposits;  // initialise_balances keeps them
              continue;
            }
            const RandomBlock hblock = skills.block(i, 0, 2);
            const double hz = RandomStream::box_muller(hblock[0], hblock[1]);
            const double value =
                rural ? p_.wealth.housing_value_rural : p_.wealth.housing_value_urban;
            housing[i] = static_cast<std::int64_t>(lognormal(value, p_.wealth.housing_sigma, hz) *
                                                   fen_per_rmb);
          }
        }
      },
      1);
}

void Economy::create_villages(const StepContext& context) {
  villages_ = &simulation_.add_table("villages");
  AgentTable& t = *villages_;
  t.create(regions_.villages);
  v_.region = t.add_column<std::uint16_t>({"region", "1", "Region index of the village"});
  v_.members =
      t.add_column<std::int32_t>({"members", "persons", "Residents who are collective members"});
  v_.deposits = t.add_column<std::int64_t>({"deposits", "fen", "Collective deposits"});
  v_.reserved_land_value = t.add_column<std::int64_t>(
      {"reserved_land_value", "fen", "Value of developed reserved land"});
  v_.attractiveness = t.add_column<float>(
      {"attractiveness", "1", "Tourism attractiveness (weights visitor choice)"});
  v_.tenant_firm =
      t.add_column<std::int32_t>({"tenant_firm", "1", "Firm row renting the reserved land"});
  v_.collective_income = t.add_column<std::int64_t>(
      {"collective_income", "fen/month", "Rent and tourism fees this month"});
  v_.dividends_paid = t.add_column<std::int64_t>(
      {"dividends_paid", "fen/month", "Collective dividends paid this month"});
  const RandomStream stream = context.stream("population.villages");
  const auto hh_workers = (*households_)[h_.workers];
  const auto hh_children = (*households_)[h_.children];
  const auto hh_elderly = (*households_)[h_.elderly];
  std::vector<std::uint32_t> urban_firms;
  for (const std::size_t s : {digital_economy, services, advanced_manufacturing}) {
    urban_firms.insert(urban_firms.end(), sector_firms_[s].begin(), sector_firms_[s].end());
  }
  for (std::size_t v = 0; v < regions_.villages; ++v) {
    const std::size_t r = regions_.communities + v;
    t[v_.region][v] = static_cast<std::uint16_t>(r);
    std::int32_t members = 0;
    for (std::size_t i = regions_.first_household[r];
         i < regions_.first_household[r] + regions_.household_count[r]; ++i) {
      members += hh_workers[i] + hh_children[i] + hh_elderly[i];
    }
    t[v_.members][v] = members;
    const RandomBlock n = stream.block(v, 0, 0);
    const double value = lognormal(p_.village.reserved_land_value_per_member * members, 0.5,
                                   RandomStream::box_muller(n[0], n[1]));
    t[v_.reserved_land_value][v] = static_cast<std::int64_t>(value * fen_per_rmb);
    t[v_.attractiveness][v] =
        static_cast<float>(std::exp(0.3 * RandomStream::box_muller(n[2], n[3])));
    t[v_.tenant_firm][v] =
        urban_firms.empty()
            ? -1
            : static_cast<std::int32_t>(urban_firms[stream.index(v, 0, urban_firms.size(), 8)]);
    // Three months of rent as working balance.
    t[v_.deposits][v] = static_cast<std::int64_t>(3.0 * value * p_.village.reserved_land_yield /
                                                  12.0 * fen_per_rmb);
  }
}

void Economy::match_initial_workers(const StepContext& context) {
  auto vacancies = (*firms_)[f_.vacancies];
  const auto demand = (*firms_)[f_.labour_demand];
  std::copy(demand.begin(), demand.end(), vacancies.begin());
  // Many rounds at set-up, so that the initial state starts near the frictional
  // unemployment of labour.initial_unemployment.
  match(context, "labour.initial", 20);
  count_employees();
  // What migrants expect at first: the job-finding rate of a labour market in
  // its flow steady state at the initial unemployment, s (1 - u) / u, and the
  // outside wage as a share of the district's.
  const double u = std::max(p_.labour.initial_unemployment, 1e-3);
  outlook_.job_finding = std::min(1.0, p_.labour.separation_rate * (1.0 - u) / u);
  outlook_.outside_wage_per_skill = p_.in_migration.outside_wage_ratio * market_wage_per_skill();
}

void Economy::initialise_balances(const StepContext& context) {
  AgentTable& t = *households_;
  average_wage_ = measure_average_wage();
  const RandomStream stream = context.stream("population.deposits");
  auto deposits = t[h_.deposits];
  auto expected = t[h_.expected_income];
  const auto flags = t[h_.flags];
  const auto elderly = t[h_.elderly];
  const auto employer_0 = t[h_.employer_0];
  const auto employer_1 = t[h_.employer_1];
  const auto skill_0 = t[h_.skill_0];
  const auto skill_1 = t[h_.skill_1];
  const double employee_pension = p_.pension.urban_employee_replacement * average_wage_;
  const bool from_table = p_.household_table.table != nullptr;
  parallel_for(t.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      double income = 0;
      if (employer_0[i] >= 0)
        income += wage_of(static_cast<std::size_t>(employer_0[i]), static_cast<double>(skill_0[i]));
      if (employer_1[i] >= 0)
        income += wage_of(static_cast<std::size_t>(employer_1[i]), static_cast<double>(skill_1[i]));
      income +=
          elderly[i] * ((flags[i] & flag_employee_pension) != 0 ? employee_pension
                                                                : p_.pension.rural_basic_month);
      income = std::max(income, p_.consumption.subsistence_per_person_month * members(i));
      expected[i] = static_cast<float>(income);
      if (from_table) continue;  // the table's deposits (create_households)
      const RandomBlock n = stream.block(i, 0, 0);
      const double buffer = lognormal(p_.wealth.deposits_months * income, p_.wealth.deposits_sigma,
                                      RandomStream::box_muller(n[0], n[1]));
      deposits[i] = static_cast<std::int64_t>(buffer * fen_per_rmb);
    }
  });
  assign_equity_fund();
  ledger_.set_single_balances(0, 0, 0);
  initial_money_ = ledger_.total_money();
  ledger_.start_step();
}

void Economy::refresh_sector_lists() {
  for (auto& list : sector_firms_) list.clear();
  const auto sector = (*firms_)[f_.sector];
  for (std::size_t i = 0; i < sector.size(); ++i) {
    sector_firms_[sector[i]].push_back(static_cast<std::uint32_t>(i));
  }
}

}  // namespace cpsim::models::economy

// Set-up of the firms (from population.cpp): Zipf sizes per sector summing
// to its initial employment, heavy-tailed productivity and wage indices,
// owners (households, the equity fund, villages' cooperatives or outside).
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "cpsim/engine/parallel.hpp"
#include "economy/economy.hpp"
#include "economy/region_table.hpp"

namespace cpsim::models::economy {
namespace {

/// Integer firm sizes proportional to `raw` (Pareto draws), each at most
/// max(cap_share x total, 2 x mean size) and at least 1, summing to round(total) (largest
/// remainders get the leftover workers). Firms marked `small` (household
/// businesses) are held to at most `small_cap` workers; the others absorb
/// what the cap leaves.
std::vector<std::int32_t> zipf_sizes(std::vector<double> raw, double total, double cap_share,
                                     const std::vector<std::uint8_t>& small, double small_cap) {
  const std::size_t n = raw.size();
  std::vector<std::int32_t> sizes(n, 1);
  if (n == 0) return sizes;
  // A cap below twice the mean size could not hold the sector's workers (small
  // scenarios with few firms): relax it there.
  const double large_cap = std::max({1.0, cap_share * total, 2.0 * total / static_cast<double>(n)});
  const std::size_t small_count =
      static_cast<std::size_t>(std::count(small.begin(), small.end(), std::uint8_t{1}));
  std::vector<std::uint8_t> capped(n, 0);
  for (std::size_t pass = 0; pass <= n; ++pass) {  // each pass caps at least one more firm
    double free_mass = 0, capped_mass = 0;
    for (std::size_t k = 0; k < n; ++k) (capped[k] ? capped_mass : free_mass) += raw[k];
    if (!(free_mass > 0)) break;
    const double factor = (total - capped_mass) / free_mass;
    bool changed = false;
    for (std::size_t k = 0; k < n; ++k) {
      if (capped[k]) continue;
      raw[k] *= factor;
      // Household businesses keep their cap unless no other firm could take the rest.
      const double cap = small[k] != 0 && small_count < n ? std::max(1.0, small_cap) : large_cap;
      if (raw[k] > cap) {
        raw[k] = cap;
        capped[k] = 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const auto target = static_cast<std::int64_t>(std::llround(total));
  std::int64_t assigned = 0;
  std::vector<std::pair<double, std::size_t>> remainder(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double whole = std::max(1.0, std::floor(raw[k]));
    sizes[k] = static_cast<std::int32_t>(whole);
    assigned += sizes[k];
    remainder[k] = {-(raw[k] - whole), k};
  }
  std::sort(remainder.begin(), remainder.end());
  for (std::size_t j = 0; assigned < target && j < n; ++j, ++assigned) ++sizes[remainder[j].second];
  return sizes;
}

/// Firms of one sector created together: sized as a Zipf group summing to
/// `employment`, stratified within the group (create_firms).
struct FirmGroup {
  std::size_t sector = 0;
  std::size_t count = 0;
  double employment = 0;
  std::int64_t region = -1;            ///< -1: drawn among the communities, villages in turn
  std::uint64_t permutation_step = 0;  ///< of the size ranks' permutation
  std::uint64_t block_subject = 0;     ///< added to the productivity blocks' subjects
};

/// With a region table's sector shares: one group per region and sector.
/// Region r holds the jobs of its residence (the scenario's split between
/// the communities' and the villages' sectors) in proportion to its
/// residents, split among sectors by its value-added shares over the
/// sectors' productivity (the scenario's shares where the row gives none);
/// each group keeps its sector's firms per worker, at least one firm where
/// its share is positive (region_table.hpp).
std::vector<FirmGroup> regional_groups(const EconomyParameters& p, const RegionTable& table,
                                       const std::array<double, sector_count>& productivity,
                                       const std::array<double, sector_count>& employment,
                                       const std::array<std::size_t, sector_count>& count) {
  const std::size_t regions = table.residents.size();
  std::array<double, 2> jobs{}, residents{};  // by rural
  double all_jobs = 0;
  std::size_t all_firms = 0;
  for (std::size_t s = 0; s < sector_count; ++s) {
    jobs[is_village_sector(s) ? 1 : 0] += employment[s];
    all_jobs += employment[s];
    all_firms += count[s];
  }
  for (std::size_t r = 0; r < regions; ++r) {
    residents[table.rural[r]] += static_cast<double>(table.residents[r]);
  }
  std::vector<std::array<double, sector_count>> cell(regions, std::array<double, sector_count>{});
  for (std::size_t r = 0; r < regions; ++r) {
    const bool rural = table.rural[r] != 0;
    std::array<double, sector_count> weight{};
    double total = 0;
    for (std::size_t s = 0; s < sector_count; ++s) {
      if (is_village_sector(s) != rural) continue;
      const double share =
          table.has_shares[r] != 0 ? table.sector_shares[r][s] : p.sectors[s].value_added_share;
      weight[s] = share / productivity[s];
      total += weight[s];
    }
    const double region_jobs =
        jobs[rural ? 1 : 0] * static_cast<double>(table.residents[r]) / residents[rural ? 1 : 0];
    for (std::size_t s = 0; s < sector_count; ++s) {
      cell[r][s] = total > 0 ? region_jobs * weight[s] / total : 0.0;
    }
  }
  std::vector<FirmGroup> groups;
  std::uint64_t first = 0;
  for (std::size_t s = 0; s < sector_count; ++s) {
    const double per_worker = employment[s] > 0 ? static_cast<double>(count[s]) / employment[s]
                              : all_jobs > 0    ? static_cast<double>(all_firms) / all_jobs
                                                : 0.0;
    for (std::size_t r = 0; r < regions; ++r) {
      const bool rural = table.rural[r] != 0;
      const double share =
          table.has_shares[r] != 0 ? table.sector_shares[r][s] : p.sectors[s].value_added_share;
      if (is_village_sector(s) != rural || !(share > 0)) continue;
      const auto most = std::max<std::int64_t>(1, std::llround(cell[r][s]));
      const auto n = std::clamp<std::int64_t>(std::llround(per_worker * cell[r][s]), 1, most);
      groups.push_back({s, static_cast<std::size_t>(n), cell[r][s], static_cast<std::int64_t>(r),
                        2 * sector_count + 1 + 2 * (s * regions + r), first});
      first += static_cast<std::uint64_t>(n);
    }
  }
  return groups;
}

}  // namespace

void Economy::create_firms(const StepContext& context) {
  std::int64_t labour_force = 0;
  {
    const auto workers = (*households_)[h_.workers];
    labour_force = deterministic_sum<std::int64_t>(
        workers.size(), [&](std::size_t i) { return static_cast<std::int64_t>(workers[i]); });
  }
  double share_total = 0, weight_total = 0;
  std::array<double, sector_count> effective_productivity{}, weight{};
  for (std::size_t s = 0; s < sector_count; ++s) {
    share_total += p_.sectors[s].firm_share;
    effective_productivity[s] = p_.sectors[s].productivity_month *
                                (s == tea_agriculture ? 1.0 + p_.village.tea_brand_premium : 1.0);
    weight[s] = p_.sectors[s].value_added_share / effective_productivity[s];
    weight_total += weight[s];
  }
  const double total_firms = std::max(1.0, std::round(static_cast<double>(p_.population.residents) *
                                                      p_.firms.count_per_1000_residents / 1000.0));
  std::array<std::size_t, sector_count> count{};
  std::array<double, sector_count> employment{};
  for (std::size_t s = 0; s < sector_count; ++s) {
    auto n = static_cast<std::size_t>(
        std::llround(total_firms * p_.sectors[s].firm_share / share_total));
    if (is_village_sector(s)) n = std::max(n, regions_.villages);
    if (p_.sectors[s].value_added_share > 0) n = std::max<std::size_t>(n, 1);
    count[s] = n;
    employment[s] = static_cast<double>(labour_force) * (1.0 - p_.labour.initial_unemployment) *
                    weight[s] / weight_total;
  }
  // One group a sector, or with a region table's sector shares one a region
  // and sector.
  std::vector<FirmGroup> groups;
  const RegionTable* table = p_.region_table.table.get();
  if (table != nullptr && std::any_of(table->has_shares.begin(), table->has_shares.end(),
                                      [](std::uint8_t given) { return given != 0; })) {
    groups = regional_groups(p_, *table, effective_productivity, employment, count);
  } else {
    for (std::size_t s = 0; s < sector_count; ++s) {
      groups.push_back({s, count[s], employment[s], -1, 2 * s + 1, 0});
    }
  }
  std::size_t firm_total = 0;
  for (const FirmGroup& group : groups) firm_total += group.count;

  firms_ = &simulation_.add_table("firms");
  AgentTable& t = *firms_;
  t.create(firm_total);
  f_.sector =
      t.add_column<std::uint8_t>({"sector", "1", "Sector index (see the sector dimension)"});
  f_.region = t.add_column<std::uint16_t>({"region", "1", "Region index"});
  f_.high_tech =
      t.add_column<std::uint8_t>({"high_tech", "1", "1 if taxed at the high-tech corporate rate"});
  f_.household_business = t.add_column<std::uint8_t>(
      {"household_business", "1", "1 if the profit is the owner's business income"});
  f_.idle_months = t.add_column<std::uint8_t>({"idle_months", "months", "Months without workers"});
  f_.owner = t.add_column<std::int32_t>(
      {"owner", "1", "Owner household row; -1 outside owners; -2-v village v's cooperative"});
  f_.employees = t.add_column<std::int32_t>({"employees", "workers", "Workers employed"});
  f_.labour_demand =
      t.add_column<std::int32_t>({"labour_demand", "workers", "Workers needed for expected sales"});
  f_.vacancies = t.add_column<std::int32_t>({"vacancies", "workers", "Open positions this month"});
  f_.productivity = t.add_column<float>({"productivity", "RMB/month", "Value added per worker"});
  f_.wage_index = t.add_column<float>({"wage_index", "RMB/month", "Wage per unit of skill"});
  f_.expected_sales =
      t.add_column<double>({"expected_sales", "RMB/month", "Adaptive sales expectation"});
  f_.deposits =
      t.add_column<std::int64_t>({"deposits", "fen", "Deposits (negative: overdraft at the bank)"});
  f_.sales = t.add_column<std::int64_t>({"sales", "fen/month", "Sales this month"});
  f_.wage_bill = t.add_column<std::int64_t>({"wage_bill", "fen/month", "Wages paid this month"});
  f_.profit =
      t.add_column<std::int64_t>({"profit", "fen/month", "Profit before corporate tax this month"});
  f_.generation = t.add_column<std::uint32_t>({"generation", "1", "Entrants that took this slot"});

  const RandomStream stream = context.stream("population.firms");
  const RandomStream owners = context.stream("population.owners");
  auto sector = t[f_.sector];
  auto region = t[f_.region];
  auto high_tech = t[f_.high_tech];
  auto demand = t[f_.labour_demand];
  auto productivity = t[f_.productivity];
  auto wage_index = t[f_.wage_index];
  auto expected = t[f_.expected_sales];
  auto deposits = t[f_.deposits];
  std::size_t first = 0;
  for (const FirmGroup& group : groups) {
    const std::size_t s = group.sector;
    const std::size_t firms = group.count;
    // Zipf sizes: Pareto with density ~ x^-2, truncated at a share of the
    // sector. The smallest draws (raw size below the quantile of the sector's
    // household-business share) are household businesses.
    // Sizes and productivities are stratified. Sizes are the quantiles at the
    // middles of n equal strata, (r + 1/2)/n, in random order, so the
    // sector's size distribution is the same at every seed. Productivity is
    // stratified within blocks of `block` firms of neighbouring size: the
    // firms of a block take one quantile from each of `block` equal strata
    // (a random cyclic order, a uniform draw inside the stratum). Independent
    // draws would let the luck of the few largest firms set the district's
    // first-year income ratio and sector shares; the seed now decides which
    // firm is which, not the economy's make-up.
    constexpr std::uint64_t block = 10;
    const KeyedPermutation size_rank(firms, stream, group.permutation_step);
    const auto stratum = [&](std::uint64_t rank) {
      return (static_cast<double>(rank) + 0.5) / static_cast<double>(firms);
    };
    const auto productivity_quantile = [&](std::uint64_t rank, const RandomBlock& u) {
      const std::uint64_t start = rank - rank % block;
      const std::uint64_t length = std::min<std::uint64_t>(block, firms - start);
      const std::uint64_t shift = stream.index(group.block_subject + start, 2 * s + 2, length);
      const std::uint64_t position = (rank - start + shift) % length;
      return (static_cast<double>(position) + to_unit_interval_open_zero(u[0])) /
             static_cast<double>(length);
    };
    std::vector<double> size(firms);
    std::vector<std::uint8_t> small(firms, 0);
    const double small_below =
        1.0 / (1.0 - std::min(p_.sectors[s].household_business_share, 0.999999));
    for (std::size_t k = 0; k < firms; ++k) {
      size[k] = 1.0 / stratum(size_rank(k));
      small[k] = !is_village_sector(s) && size[k] < small_below ? 1 : 0;
    }
    const std::vector<std::int32_t> sizes =
        zipf_sizes(size, group.employment, p_.firms.size_cap_share, small,
                   static_cast<double>(p_.firms.household_business_max_employees));
    for (std::size_t k = 0; k < firms; ++k) {
      const std::size_t i = first + k;
      sector[i] = static_cast<std::uint8_t>(s);
      if (group.region >= 0) {
        region[i] = static_cast<std::uint16_t>(group.region);
      } else if (is_village_sector(s)) {
        region[i] = static_cast<std::uint16_t>(regions_.communities + k % regions_.villages);
      } else {
        region[i] = static_cast<std::uint16_t>(stream.index(i, 0, regions_.communities, 1));
      }
      demand[i] = sizes[k];
      const RandomBlock n = stream.block(i, 0, 1);
      const double z = boost::math::quantile(
          boost::math::normal(), std::min(productivity_quantile(size_rank(k), n), 1.0 - 1e-12));
      const double alpha =
          lognormal(effective_productivity[s], p_.sectors[s].productivity_sigma, z);
      productivity[i] = static_cast<float>(alpha);
      wage_index[i] =
          static_cast<float>(p_.sectors[s].wage_month * std::pow(alpha / effective_productivity[s],
                                                                 p_.firms.wage_premium_elasticity));
      high_tech[i] = to_unit_interval(n[2]) < p_.sectors[s].high_tech_share ? 1 : 0;
      expected[i] = alpha * demand[i];
      t[f_.sales][i] = static_cast<std::int64_t>(expected[i] * fen_per_rmb);
      deposits[i] =
          static_cast<std::int64_t>(p_.firms.entry_capital_months *
                                    static_cast<double>(wage_index[i]) * demand[i] * fen_per_rmb);
      draw_owner(i, owners, i, 0, small[k] != 0);
    }
    first += firms;
  }
  firm_exiting_.assign(firm_total, 0);
  refresh_sector_lists();
}

void Economy::draw_owner(std::size_t firm, const RandomStream& stream, std::uint64_t subject,
                         std::uint64_t step, bool small) {
  AgentTable& t = *firms_;
  const std::size_t s = t[f_.sector][firm];
  if (is_village_sector(s)) {
    const std::size_t village = t[f_.region][firm] - regions_.communities;
    t[f_.owner][firm] = owner_village_base - static_cast<std::int32_t>(village);
    t[f_.household_business][firm] = 1;
    return;
  }
  t[f_.household_business][firm] = 0;
  // Larger firms, and any firm of a sector without household businesses, are
  // incorporated: held in part by the district equity fund (R8a).
  if (!small || p_.sectors[s].household_business_share <= 0) {
    t[f_.owner][firm] = owner_corporate;
    return;
  }
  // A household business is owned by an urban household (households of
  // communities come first) or from outside the district.
  const RandomBlock u = stream.block(subject, step, 0);
  if (to_unit_interval(u[0]) < p_.firms.local_owner_share_small) {
    const std::uint64_t urban_households = regions_.first_household[regions_.communities - 1] +
                                           regions_.household_count[regions_.communities - 1];
    t[f_.owner][firm] = static_cast<std::int32_t>(to_index(u[1], urban_households));
    t[f_.household_business][firm] = 1;
  } else {
    t[f_.owner][firm] = owner_rest_of_world;
  }
}

}  // namespace cpsim::models::economy

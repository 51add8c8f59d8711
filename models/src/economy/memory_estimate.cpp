// The district economy's memory estimate (ModelInfo::estimate_memory): the
// bytes of a run from its parameters, before anything is allocated, so that
// `residents: 2000000000` is refused with one line instead of allocating for
// a minute until the machine is at risk.
//
// Counts come from the parameters as population.cpp draws them: households
// from residents over the expected members of a household, firms from
// firms.count_per_1000_residents, villages and communities as given. Bytes
// per household, firm and village come from the element types of the column
// structs in state.hpp (a static_assert fails when a column is added without
// being counted here), plus the household-sized work arrays of the metrics
// (metrics.hpp) and of the labour market's matching (matching.hpp).
//
// Checked against the peak resident set of runs of 13 steps without output
// on 2 threads: at 435,680 and 1,089,200 residents the estimate is 126 MB and
// 290 MB against 103 MB and 236 MB measured (about 20 % above: an estimate
// must not refuse a run that fits).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "cpsim/engine/model.hpp"
#include "economy/economy.hpp"
#include "economy/household_table.hpp"
#include "economy/matching.hpp"

namespace cpsim::models::economy {
namespace {

/// Bytes of one row of a table whose columns hold these element types.
template <class... T>
constexpr std::uint64_t row_bytes(std::tuple<T...> /*columns*/) {
  return (sizeof(T) + ... + 0) + sizeof(AgentId);
}

// The element types of HouseholdColumns, FirmColumns and VillageColumns, in
// their order; each struct holds one Column<T> handle per column.
using HouseholdTypes =
    std::tuple<std::uint16_t, std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t,
               std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t,
               std::uint32_t, float, float, std::int32_t, std::int32_t, std::uint8_t, std::uint8_t,
               std::uint8_t, std::uint8_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
               std::int64_t, std::int64_t, std::int64_t, float, float, std::int64_t, std::int64_t,
               std::int64_t, std::int32_t, std::int32_t, std::int32_t, std::int64_t, std::int64_t,
               std::int64_t, float>;
using FirmTypes =
    std::tuple<std::uint8_t, std::uint16_t, std::uint8_t, std::uint8_t, std::uint8_t, std::int32_t,
               std::int32_t, std::int32_t, std::int32_t, float, float, double, std::int64_t,
               std::int64_t, std::int64_t, std::int64_t, std::uint32_t>;
using VillageTypes = std::tuple<std::uint16_t, std::int32_t, std::int64_t, std::int64_t, float,
                                std::int32_t, std::int64_t, std::int64_t>;

template <class Columns, class Types>
constexpr bool counts_every_column() {
  return sizeof(Columns) == std::tuple_size_v<Types> * sizeof(Column<std::int64_t>);
}
static_assert(counts_every_column<HouseholdColumns, HouseholdTypes>(),
              "a household column was added: count its type in HouseholdTypes");
static_assert(counts_every_column<FirmColumns, FirmTypes>(),
              "a firm column was added: count its type in FirmTypes");
static_assert(counts_every_column<VillageColumns, VillageTypes>(),
              "a village column was added: count its type in VillageTypes");

/// Per household, besides its row: the metrics' workspace (four doubles and
/// a group index) and three distributions (values, weights, two cumulative
/// sums, sort keys and buffers: 56 bytes an entry).
constexpr std::uint64_t kMetricBytesPerHousehold =
    4 * sizeof(double) + sizeof(std::uint32_t) +
    3 * (4 * sizeof(double) + 2 * sizeof(std::uint64_t) + sizeof(double));
/// Per worker slot (two a household) seeking a job: its applications, its
/// key, score, hire and offer flag.
constexpr std::uint64_t kMatchingBytesPerSeeker =
    sizeof(std::uint64_t) + sizeof(float) + sizeof(std::int32_t) + sizeof(std::uint8_t);
/// Per firm besides its row: sector lists, exit flags, start-of-month
/// deposits and the consumption's seller tables.
constexpr std::uint64_t kWorkBytesPerFirm =
    sizeof(std::uint32_t) + sizeof(std::uint8_t) + sizeof(std::int64_t) + 2 * sizeof(double);
/// The process itself: code, oneTBB's threads, the schedule and the metrics.
constexpr std::uint64_t kFixedBytes = std::uint64_t{16} << 20U;

}  // namespace

MemoryEstimate estimate_memory(const cpsim::Parameters& parameters) {
  const EconomyParameters p = read_parameters(parameters);
  const HouseholdParameters& h = p.households;
  // Expected members of a household as draw_composition draws them: an
  // elderly-only household has 1.5 members on average, any other one worker,
  // maybe a second, and up to two children and two elderly.
  const double members =
      h.elderly_only_share * 1.5 +
      (1 - h.elderly_only_share) *
          (1 + h.second_worker_probability + 2 * h.child_probability + 2 * h.elderly_probability);
  const auto residents = static_cast<double>(p.population.residents);
  const double regions =
      static_cast<double>(p.population.urban_communities + p.population.villages);
  // Each region's last household is trimmed to fit its quota: one more per region.
  // A household table fixes the count (a table of small households needs more rows).
  const double households = p.household_table.table
                                ? static_cast<double>(p.household_table.table->total_households)
                                : std::ceil(residents / std::max(members, 1.0)) + regions;
  const double firms =
      std::max(1.0, std::round(residents * p.firms.count_per_1000_residents / 1000.0));
  const double villages = static_cast<double>(p.population.villages);

  const auto applications = static_cast<double>(p.labour.applications_max);
  const double per_household =
      static_cast<double>(row_bytes(HouseholdTypes{}) + kMetricBytesPerHousehold) +
      2 * (applications * static_cast<double>(sizeof(Application)) +
           static_cast<double>(kMatchingBytesPerSeeker));
  const double per_firm = static_cast<double>(row_bytes(FirmTypes{}) + kWorkBytesPerFirm);
  const double per_village = static_cast<double>(row_bytes(VillageTypes{}));
  const double bytes = households * per_household + firms * per_firm + villages * per_village +
                       static_cast<double>(kFixedBytes);
  // Saturates far above any machine: the comparison only needs "too much".
  constexpr double kMostBytes = 1e18;
  return {static_cast<std::uint64_t>(std::min(bytes, kMostBytes)), "population.residents"};
}

}  // namespace cpsim::models::economy

// libFuzzer target: the household-table reader (household_table.cpp on the
// CSV reader of cpsim/engine/data_table.hpp). The input is a table's text,
// parsed from memory as `fuzz-households.csv`; a table that passes every
// check is expanded to a small district (1,000 residents, 2 communities, 1
// village; the other parameters Xihu's) and placed in its regions. Nothing
// may crash, hang or leak; every rejection is one ScenarioError line; a
// placement holds every household once, region-major.
//   cmake --build build-fuzz --target fuzz_household_table
//   build-fuzz/tests/fuzz/fuzz_household_table -max_len=16384 -max_total_time=30 WORK_DIR \
//       tests/fuzz/corpus-households tests/data/bad-tables/households
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "cpsim/engine/data_table.hpp"
#include "cpsim/engine/scenario.hpp"
#include "economy/economy.hpp"
#include "economy/household_table.hpp"
#include "fuzz_support.hpp"

namespace {

namespace economy = cpsim::models::economy;

/// The district every table is expanded to, read once.
economy::EconomyParameters district;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const cpsim::Scenario xihu = cpsim::load_scenario(
      std::filesystem::path(CPSIM_SOURCE_DIR) / "scenarios" / "xihu-small.yaml", {},
      cpsim::fuzz::registry());
  district = economy::read_parameters(xihu.parameters);
  district.population.residents = 1000;
  district.population.urban_communities = 2;
  district.population.villages = 1;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > cpsim::fuzz::kMaxInputBytes) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const cpsim::DataTable table = cpsim::DataTable::parse_csv(text, "fuzz-households.csv");
    const economy::HouseholdTable households = economy::expand_household_table(table, district);
    economy::Regions regions;
    regions.communities = 2;
    regions.villages = 1;
    regions.rural = {0, 0, 1};
    regions.area = {0, 0, 1};
    const auto placed = economy::place_table_households(households, regions);
    if (placed.size() != households.total_households ||
        regions.first_household.back() + regions.household_count.back() != placed.size()) {
      throw std::logic_error("placement lost or duplicated households");
    }
  } catch (const cpsim::ScenarioError& e) {
    cpsim::fuzz::expect_one_line(e);
  }
  return 0;
}

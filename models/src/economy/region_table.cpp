// Regions from a table: rows checked, regions numbered urban first,
// residents apportioned (contract in region_table.hpp).
#include "economy/region_table.hpp"

#include <algorithm>
#include <limits>

#include "cpsim/engine/data_table.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "economy/apportion.hpp"
#include "economy/household_table.hpp"

namespace cpsim::models::economy {
namespace {

constexpr double kMostResidents = 1e10;  ///< of one region (any scale)
/// Region and area indices are 16-bit in the state.
constexpr std::size_t kMostRegions = std::numeric_limits<std::uint16_t>::max();

}  // namespace

RegionTable read_region_rows(const DataTable& table, std::int64_t residents) {
  const std::vector<std::string> names = table.text("name");
  const std::vector<std::string> parents = table.text("parent");
  const std::vector<std::string> residence = table.text("residence");
  const std::vector<double> people = table.numbers("residents", true);
  const std::size_t rows = table.rows();
  if (rows > kMostRegions) {
    throw ScenarioError(table.header_location() + ": " + std::to_string(rows) +
                        " regions, more than the model holds (" + std::to_string(kMostRegions) +
                        ")");
  }
  std::vector<std::size_t> order;  // table rows by region index: urban rows, then rural rows
  for (const char* kind : {"urban", "rural"}) {
    for (std::size_t r = 0; r < rows; ++r) {
      if (residence[r] != "urban" && residence[r] != "rural") {
        throw ScenarioError(table.where(r) + ": residence: expected urban or rural, found '" +
                            yaml::shown(residence[r]) + "'");
      }
      if (residence[r] == kind) order.push_back(r);
    }
  }
  for (std::size_t r = 0; r < rows; ++r) {
    if (names[r].empty()) throw ScenarioError(table.where(r) + ": name: empty");
    if (parents[r].empty()) throw ScenarioError(table.where(r) + ": parent: empty");
    for (std::size_t q = 0; q < r; ++q) {
      if (names[q] == names[r]) {
        throw ScenarioError(table.where(r) + ": name: '" + yaml::shown(names[r]) +
                            "' is also the name of the region at " + table.where(q));
      }
    }
    if (!(people[r] > 0) || people[r] > kMostResidents) {
      throw ScenarioError(table.where(r) + ": residents: expected a number above 0 and at most " +
                          "10000000000");
    }
  }
  RegionTable out;
  out.source = table.source();
  std::vector<double> weight;
  for (const std::size_t r : order) {
    const bool rural = residence[r] == "rural";
    (rural ? out.villages : out.communities) += 1;
    const auto known = std::find(out.area_names.begin(), out.area_names.end(), parents[r]);
    if (known == out.area_names.end()) {
      out.area_names.push_back(parents[r]);
      if (!rural) out.urban_areas = out.area_names.size();
    }
    const auto area = static_cast<std::size_t>(
        std::find(out.area_names.begin(), out.area_names.end(), parents[r]) -
        out.area_names.begin());
    out.names.push_back(names[r]);
    out.rural.push_back(rural ? 1 : 0);
    out.area.push_back(static_cast<std::uint16_t>(area));
    weight.push_back(people[r]);
  }
  if (out.communities == 0 || out.villages == 0) {
    throw ScenarioError(table.header_location() + ": residence: the model needs an urban and a " +
                        "rural region (found " + std::to_string(out.communities) + " urban, " +
                        std::to_string(out.villages) + " rural)");
  }
  const std::vector<std::uint64_t> parts = apportion(weight, static_cast<double>(residents));
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (parts[k] == 0) {
      throw ScenarioError(table.where(order[k]) + ": residents: the region '" +
                          yaml::shown(names[order[k]]) + "' gets no resident of the " +
                          std::to_string(residents) +
                          " of population.residents (raise population.residents)");
    }
    out.residents.push_back(static_cast<std::int64_t>(parts[k]));
  }
  return out;
}

std::shared_ptr<const RegionTable> read_region_table(const cpsim::Parameters& parameters,
                                                     EconomyParameters& p) {
  if (p.region_table.file.empty()) return nullptr;
  auto regions = std::make_shared<const RegionTable>(read_region_rows(
      read_table_at(parameters, "region_table.file", p.region_table.file), p.population.residents));
  // The counts the rest of the model (and the memory estimate) reads.
  PopulationParameters& population = p.population;
  population.urban_communities = static_cast<std::int64_t>(regions->communities);
  population.villages = static_cast<std::int64_t>(regions->villages);
  population.subdistricts = static_cast<std::int64_t>(regions->urban_areas);
  population.towns = static_cast<std::int64_t>(regions->area_names.size() - regions->urban_areas);
  std::int64_t rural = 0;
  for (std::size_t r = 0; r < regions->residents.size(); ++r) {
    if (regions->rural[r] != 0) rural += regions->residents[r];
  }
  population.rural_share = static_cast<double>(rural) / static_cast<double>(population.residents);
  return regions;
}

}  // namespace cpsim::models::economy

// Regions from a table: rows checked, regions numbered urban first,
// residents apportioned (contract in region_table.hpp).
#include "economy/region_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

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
/// A region's income is 1/10 to 10 times the reference (skills scale with it).
constexpr double kLeastIncomeRatio = 0.1, kMostIncomeRatio = 10.0;
constexpr double kShareSumTolerance = 1e-9;

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.12g", v);
  return buffer;
}

/// An optional numeric cell: nothing when empty, else a finite number (else
/// ScenarioError at the cell).
std::optional<double> optional_number(const DataTable& table, std::size_t row,
                                      const std::string& column, const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    throw ScenarioError(table.where(row) + ": " + column +
                        ": expected a finite number or an empty cell, found '" + yaml::shown(text) +
                        "'");
  }
  return value;
}

/// The income column's skill scale of each table row (1 where empty).
std::vector<double> read_incomes(const DataTable& table, const std::vector<std::string>& residence,
                                 const RegionTableParameters& reference) {
  const std::vector<std::string> text = table.text("income");
  std::vector<double> scale(table.rows(), 1.0);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const std::optional<double> income = optional_number(table, r, "income", text[r]);
    if (!income) continue;
    if (!(*income > 0)) {
      throw ScenarioError(table.where(r) + ": income: expected a number above 0, found '" +
                          yaml::shown(text[r]) + "'");
    }
    const bool rural = residence[r] == "rural";
    const std::string key =
        std::string("region_table.reference_income_") + (rural ? "rural" : "urban");
    const double base = rural ? reference.reference_income_rural : reference.reference_income_urban;
    if (!(base > 0)) {
      throw ScenarioError(table.where(r) + ": income: a region's income is read relative to " +
                          key + ", which the scenario does not set");
    }
    scale[r] = *income / base;
    if (scale[r] < kLeastIncomeRatio || scale[r] > kMostIncomeRatio) {
      throw ScenarioError(table.where(r) + ": income: " + yaml::shown(text[r]) + " is " +
                          number_text(scale[r]) + " times " + key + " (" + number_text(base) +
                          "); expected 0.1 to 10 times");
    }
  }
  return scale;
}

/// The share_ columns' shares of each table row; `given` marks the rows
/// that give them.
std::vector<std::array<double, sector_count>> read_shares(const DataTable& table,
                                                          const std::vector<std::string>& residence,
                                                          std::vector<std::uint8_t>& given) {
  std::vector<std::pair<std::size_t, std::string>> columns;  // sector, column
  for (const std::string& column : table.column_names()) {
    if (column.rfind("share_", 0) != 0) continue;
    const std::string name = column.substr(6);
    const auto known = std::find(sector_names.begin(), sector_names.end(), name);
    if (known == sector_names.end()) {
      std::string list;
      for (const std::string_view sector : sector_names) {
        list += (list.empty() ? "" : ", ") + std::string(sector);
      }
      throw ScenarioError(table.header_location() + ": " + column + ": unknown sector '" +
                          yaml::shown(name) + "' (sectors: " + list + ")");
    }
    columns.emplace_back(static_cast<std::size_t>(known - sector_names.begin()), column);
  }
  given.assign(table.rows(), 0);
  std::vector<std::array<double, sector_count>> shares(table.rows(),
                                                       std::array<double, sector_count>{});
  if (columns.empty()) return {};
  std::vector<std::vector<std::string>> text;
  for (const auto& column : columns) text.push_back(table.text(column.second));
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const auto filled = std::count_if(text.begin(), text.end(),
                                      [&](const auto& cells) { return !cells[r].empty(); });
    if (filled == 0) continue;
    const bool rural = residence[r] == "rural";
    double sum = 0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& [sector, column] = columns[c];
      const std::optional<double> share = optional_number(table, r, column, text[c][r]);
      if (!share) {
        throw ScenarioError(table.where(r) + ": " + column +
                            ": empty (a row with sector shares gives every share_ column)");
      }
      if (*share < 0 || *share > 1) {
        throw ScenarioError(table.where(r) + ": " + column + ": expected a share from 0 to 1, " +
                            "found '" + yaml::shown(text[c][r]) + "'");
      }
      if (*share > 0 && is_village_sector(sector) != rural) {
        throw ScenarioError(table.where(r) + ": " + column + ": " +
                            (rural ? "a rural region (a village) holds only the village sectors "
                                   : "an urban region (a community) holds no village sector ") +
                            "(tea_agriculture, rural_tourism); expected 0, found '" +
                            yaml::shown(text[c][r]) + "'");
      }
      shares[r][sector] = *share;
      sum += *share;
    }
    if (std::abs(sum - 1.0) > kShareSumTolerance) {
      throw ScenarioError(table.where(r) + ": share_*: the sector shares sum to " +
                          number_text(sum) + ", expected 1 (within 1e-9)");
    }
    given[r] = 1;
  }
  return shares;
}

}  // namespace

RegionTable read_region_rows(const DataTable& table, std::int64_t residents,
                             const RegionTableParameters& reference) {
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
  const std::vector<double> scale = table.has_column("income")
                                        ? read_incomes(table, residence, reference)
                                        : std::vector<double>{};
  std::vector<std::uint8_t> given;
  const std::vector<std::array<double, sector_count>> shares = read_shares(table, residence, given);
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
    if (!scale.empty()) out.skill_scale.push_back(scale[r]);
    if (!shares.empty()) {
      out.sector_shares.push_back(shares[r]);
      out.has_shares.push_back(given[r]);
    }
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
  auto regions = std::make_shared<const RegionTable>(
      read_region_rows(read_table_at(parameters, "region_table.file", p.region_table.file),
                       p.population.residents, p.region_table));
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

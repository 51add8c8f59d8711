// Households from a table: the columns checked cell by cell, the weights
// expanded to the scenario's residents by largest remainders, and the copies
// dealt to communities and villages (contract in household_table.hpp).
#include "economy/household_table.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string_view>

#include "cpsim/engine/data_table.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "economy/apportion.hpp"
#include "economy/state.hpp"

namespace cpsim::models::economy {
namespace {

constexpr int kMostMembersPerGroup = 20;  ///< children, working-age or elderly in one row
constexpr double kMostWeight = 1e9;       ///< households one row stands for
constexpr double kMostMoney = 1e12;       ///< RMB, deposits or housing wealth of a household
constexpr double kMostWage = 1e7;         ///< RMB/month
constexpr double kLeastSkill = 0.05, kMostSkill = 20.0;  // draw_skill's clamp (R4)

/// A numeric column (numbers >= 0, checked by DataTable), its cells checked
/// against an upper bound and reported at their row.
class Cells {
 public:
  Cells(const DataTable& table, std::string column, bool required)
      : table_(table), column_(std::move(column)) {
    present_ = required || table.has_column(column_);
    if (present_) {
      numbers_ = table.numbers(column_, true);
      text_ = table.text(column_);
    }
  }
  [[nodiscard]] bool present() const { return present_; }
  [[nodiscard]] const std::string& text(std::size_t row) const { return text_[row]; }
  [[nodiscard]] double at(std::size_t row, double most, bool whole = false) const {
    const double v = numbers_[row];
    if (v > most || (whole && v != std::floor(v))) {
      const std::string what = whole ? "a whole number" : "a number";
      fail(row, "expected " + what + " from 0 to " + format(most) + ", found '" +
                    yaml::shown(text_[row]) + "'");
    }
    return v;
  }
  [[noreturn]] void fail(std::size_t row, const std::string& message) const {
    throw ScenarioError(table_.where(row) + ": " + column_ + ": " + message);
  }

 private:
  static std::string format(double v) { return std::to_string(static_cast<long long>(v)); }
  const DataTable& table_;
  std::string column_;
  bool present_ = false;
  std::vector<double> numbers_;
  std::vector<std::string> text_;
};

std::uint8_t hukou_flags(const DataTable& table, std::size_t row, const std::string& value,
                         bool rural) {
  std::uint8_t flags = 0;
  if (value == "local_urban") {
    flags = 0;
  } else if (value == "local_agricultural") {
    flags = flag_rural_hukou;
  } else if (value == "migrant") {
    flags = flag_migrant | flag_rural_hukou;
  } else {
    throw ScenarioError(table.where(row) +
                        ": hukou: expected local_urban, local_agricultural or migrant, found '" +
                        yaml::shown(value) + "'");
  }
  if (rural && flags != flag_rural_hukou) {
    // Village residents are the collectives' members (village_economy.cpp).
    throw ScenarioError(table.where(row) + ": hukou: a rural (village) household must be " +
                        "local_agricultural in this model, found '" + yaml::shown(value) + "'");
  }
  return rural ? static_cast<std::uint8_t>(flags | flag_rural_resident) : flags;
}

/// Employment-weighted mean wage per unit of skill over the sectors (value-
/// added share over productivity, as create_firms sizes the sectors).
double mean_wage_per_skill(const EconomyParameters& p) {
  double weighted = 0, total = 0;
  for (std::size_t s = 0; s < sector_count; ++s) {
    const SectorParameters& sector = p.sectors[s];
    const double productivity = sector.productivity_month *
                                (s == tea_agriculture ? 1.0 + p.village.tea_brand_premium : 1.0);
    const double employment = sector.value_added_share / productivity;
    weighted += employment * sector.wage_month;
    total += employment;
  }
  return total > 0 ? weighted / total : 1.0;
}

/// Skill factors of a row's first two working-age members: from skill_k or
/// wage_k (at most one kind), 0 where neither is given (drawn at set-up).
std::vector<std::array<float, 2>> read_skills(const DataTable& table, const EconomyParameters& p) {
  std::vector<std::array<float, 2>> skills(table.rows(), {0.0F, 0.0F});
  const double per_skill = mean_wage_per_skill(p);
  for (std::size_t k = 0; k < 2; ++k) {
    const std::string skill_name = "skill_" + std::to_string(k + 1);
    const std::string wage_name = "wage_" + std::to_string(k + 1);
    const Cells skill(table, skill_name, false);
    const Cells wage(table, wage_name, false);
    if (skill.present() && wage.present()) {
      throw ScenarioError(table.header_location() + ": " + wage_name + ": give " + skill_name +
                          " or " + wage_name + ", not both");
    }
    for (std::size_t r = 0; r < table.rows(); ++r) {
      double value = 0;
      if (skill.present()) {
        value = skill.at(r, kMostSkill);
        if (value > 0 && value < kLeastSkill) {
          skill.fail(r, "expected 0 (not given) or a skill factor from 0.05 to 20, found '" +
                            yaml::shown(skill.text(r)) + "'");
        }
      } else if (wage.present()) {
        value = std::clamp(wage.at(r, kMostWage) / per_skill, 0.0, kMostSkill);
        if (value > 0) value = std::max(value, kLeastSkill);
      }
      skills[r][k] = static_cast<float>(value);
    }
  }
  return skills;
}

/// Copies of each row: H households apportioned by weight.
std::vector<std::uint64_t> expand_weights(const std::vector<double>& weight,
                                          const std::vector<int>& members, std::int64_t residents) {
  double weights = 0, persons = 0;
  for (std::size_t r = 0; r < weight.size(); ++r) {
    weights += weight[r];
    persons += weight[r] * members[r];
  }
  return apportion(weight,
                   std::max(1.0, std::round(static_cast<double>(residents) * weights / persons)));
}

}  // namespace

HouseholdTable expand_household_table(const DataTable& table, const EconomyParameters& p) {
  // Columns first (a missing one fails before any cell), in the documented order.
  const std::vector<std::string> residence = table.text("residence");
  const std::vector<std::string> hukou = table.text("hukou");
  const Cells children(table, "children", true);
  const Cells working_age(table, "working_age", true);
  const Cells elderly(table, "elderly", true);
  const Cells deposits(table, "deposits", true);
  const Cells housing(table, "housing_wealth", true);
  const Cells weight_cells(table, "weight", true);
  const std::vector<std::array<float, 2>> skills = read_skills(table, p);

  const std::size_t rows = table.rows();
  std::vector<double> weight(rows);
  std::vector<int> members(rows);
  std::vector<TableHousehold> row_household(rows);
  std::vector<int> workers(rows);
  double weight_total = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (residence[r] != "urban" && residence[r] != "rural") {
      throw ScenarioError(table.where(r) + ": residence: expected urban or rural, found '" +
                          yaml::shown(residence[r]) + "'");
    }
    TableHousehold& h = row_household[r];
    h.row = static_cast<std::uint32_t>(r);
    h.flags = hukou_flags(table, r, hukou[r], residence[r] == "rural");
    h.children = static_cast<std::uint8_t>(children.at(r, kMostMembersPerGroup, true));
    workers[r] = static_cast<int>(working_age.at(r, kMostMembersPerGroup, true));
    h.elderly = static_cast<std::uint8_t>(elderly.at(r, kMostMembersPerGroup, true));
    if (workers[r] + h.elderly == 0) {
      working_age.fail(r, "a household needs a working-age or an elderly member");
    }
    members[r] = workers[r] + h.children + h.elderly;
    h.deposits = std::llround(deposits.at(r, kMostMoney) * fen_per_rmb);
    h.housing_wealth = std::llround(housing.at(r, kMostMoney) * fen_per_rmb);
    h.skill = skills[r];
    weight[r] = weight_cells.at(r, kMostWeight);
    weight_total += weight[r];
  }
  if (!(weight_total > 0)) {
    throw ScenarioError(table.header_location() + ": weight: the weights sum to zero");
  }

  HouseholdTable out;
  out.source = table.source();
  const std::vector<std::uint64_t> copies = expand_weights(weight, members, p.population.residents);
  std::uint64_t urban = 0, rural = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (copies[r] == 0) continue;
    // A row of more than two working-age, elderly or children: pieces of at
    // most two of each (the model's slots), the first with the money that
    // the split by members leaves; each piece with children needs an adult.
    const TableHousehold& whole = row_household[r];
    const auto pieces_for = [](int count) { return (count + 1) / 2; };
    const int pieces = std::max(
        {1, pieces_for(workers[r]), pieces_for(whole.elderly), pieces_for(whole.children)});
    std::int64_t deposits_left = whole.deposits, housing_left = whole.housing_wealth;
    const std::size_t first = out.households.size();
    for (int k = 0; k < pieces; ++k) {
      TableHousehold h = whole;
      const auto take = [k](int count) {
        return static_cast<std::uint8_t>(std::clamp(count - 2 * k, 0, 2));
      };
      h.workers = take(workers[r]);
      h.children = take(whole.children);
      h.elderly = take(whole.elderly);
      if (h.children > 0 && h.workers + h.elderly == 0) {
        children.fail(r, std::to_string(whole.children) +
                             " children need an adult for every two (a household holds at most "
                             "two children, two working-age and two elderly members)");
      }
      if (k > 0) {
        h.skill = {0.0F, 0.0F};
        const double share = static_cast<double>(h.workers + h.children + h.elderly) / members[r];
        h.deposits = static_cast<std::int64_t>(static_cast<double>(whole.deposits) * share);
        h.housing_wealth =
            static_cast<std::int64_t>(static_cast<double>(whole.housing_wealth) * share);
        deposits_left -= h.deposits;
        housing_left -= h.housing_wealth;
      }
      h.copies = static_cast<std::uint32_t>(copies[r]);
      out.households.push_back(h);
      out.total_households += copies[r];
      out.residents += static_cast<std::int64_t>(copies[r]) * (h.workers + h.children + h.elderly);
      ((h.flags & flag_rural_resident) != 0 ? rural : urban) += copies[r];
    }
    out.households[first].deposits = deposits_left;
    out.households[first].housing_wealth = housing_left;
  }
  // Household rows are 32-bit; every region needs a household (firms sit in
  // communities, cooperatives in villages).
  if (out.total_households > std::numeric_limits<std::int32_t>::max()) {
    throw ScenarioError(table.header_location() +
                        ": weight: " + std::to_string(out.total_households) +
                        " households at this scale, more than the model holds");
  }
  const auto need = [&](std::uint64_t have, std::int64_t regions, const char* what) {
    if (have < static_cast<std::uint64_t>(regions)) {
      throw ScenarioError(table.header_location() + ": residence: " + std::to_string(have) + " " +
                          what + " households at population.residents " +
                          std::to_string(p.population.residents) + ", fewer than the " +
                          std::to_string(regions) + " " + what +
                          " regions (each needs one: raise population.residents)");
    }
  };
  need(urban, p.population.urban_communities, "urban");
  need(rural, p.population.villages, "rural");
  return out;
}

DataTable read_table_at(const cpsim::Parameters& parameters, std::string_view key,
                        const std::string& file) {
  const SourceLocation at = parameters.where(key);
  std::filesystem::path path(file);
  // Written in a file: relative to that file, as `extends:` is.
  if (at.line > 0 && path.is_relative()) {
    path = std::filesystem::path(at.file).parent_path() / path;
  }
  const std::string source = path.lexically_normal().string();
  try {
    return DataTable::read(source);
  } catch (const yaml::FileRefused& e) {
    parameters.fail(key, "cannot read '" + source + "': " + e.reason());
  } catch (const OutputError& e) {
    parameters.fail(key, e.what());
  }
}

std::shared_ptr<const HouseholdTable> read_household_table(const cpsim::Parameters& parameters,
                                                           const EconomyParameters& p) {
  if (p.household_table.file.empty()) return nullptr;
  return std::make_shared<const HouseholdTable>(expand_household_table(
      read_table_at(parameters, "household_table.file", p.household_table.file), p));
}

std::vector<std::uint32_t> place_table_households(const HouseholdTable& table, Regions& regions) {
  const std::size_t communities = regions.communities;
  const std::size_t villages = regions.villages;
  // Region of each copy, dealt in turn within its residence, in table order.
  std::vector<std::uint32_t> region_of;
  std::vector<std::uint32_t> entry_of;
  region_of.reserve(table.total_households);
  entry_of.reserve(table.total_households);
  std::uint64_t urban = 0, rural = 0;
  for (std::size_t e = 0; e < table.households.size(); ++e) {
    const TableHousehold& h = table.households[e];
    const bool is_rural = (h.flags & flag_rural_resident) != 0;
    for (std::uint32_t c = 0; c < h.copies; ++c) {
      region_of.push_back(is_rural ? static_cast<std::uint32_t>(communities + rural++ % villages)
                                   : static_cast<std::uint32_t>(urban++ % communities));
      entry_of.push_back(static_cast<std::uint32_t>(e));
    }
  }
  // Region-major, table order within a region (a counting sort).
  regions.household_count.assign(regions.size(), 0);
  for (const std::uint32_t r : region_of) ++regions.household_count[r];
  regions.first_household.assign(regions.size(), 0);
  std::uint32_t total = 0;
  for (std::size_t r = 0; r < regions.size(); ++r) {
    regions.first_household[r] = total;
    total += regions.household_count[r];
  }
  std::vector<std::uint32_t> next(regions.first_household);
  std::vector<std::uint32_t> placed(entry_of.size());
  for (std::size_t i = 0; i < entry_of.size(); ++i) placed[next[region_of[i]]++] = entry_of[i];
  return placed;
}

}  // namespace cpsim::models::economy

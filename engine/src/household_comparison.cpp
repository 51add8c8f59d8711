#include "cpsim/engine/household_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/distribution.hpp"

namespace cpsim {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double ratio_or_nan(double numerator, double denominator) {
  return denominator != 0 ? numerator / denominator : nan;
}

/// A household's relative change; a zero baseline counts any change as large.
double relative_change(double baseline, double reform) {
  if (baseline == reform) return 0;
  if (baseline == 0) return reform > 0 ? 1.0 : -1.0;
  return (reform - baseline) / std::abs(baseline);
}

template <class T>
std::vector<T> column_as(const AgentTable& table, const std::string& name, bool integer) {
  const std::size_t index = table.find_column(name);
  if (index == table.column_count()) {
    throw std::invalid_argument("table '" + table.name() + "' has no column '" + name + "'");
  }
  return std::visit(
      [&](const auto& data) -> std::vector<T> {
        using V = typename std::decay_t<decltype(data)>::value_type;
        if constexpr (std::is_floating_point_v<V>) {
          if (integer) {
            throw std::invalid_argument("column '" + name + "' of table '" + table.name() +
                                        "' is not an integer column");
          }
        }
        return std::vector<T>(data.begin(), data.end());
      },
      table.column_data(index));
}

/// Per-capita income and size of each household of a panel.
struct PerCapita {
  std::vector<double> income, weight;
};

PerCapita per_capita(const HouseholdPanel& panel) {
  PerCapita out;
  out.income.assign(panel.size(), 0.0);
  out.weight.assign(panel.size(), 0.0);
  for (const auto& column : panel.persons) {
    for (std::size_t h = 0; h < panel.size(); ++h) out.weight[h] += column[h];
  }
  for (std::size_t h = 0; h < panel.size(); ++h) {
    out.income[h] = out.weight[h] > 0 ? panel.income[h] / out.weight[h] : 0.0;
  }
  return out;
}

/// Poverty rates of one panel: [line, population] in `out`.
void poverty_rates(const HouseholdPanel& panel, const PerCapita& pc, const PanelSpec& spec,
                   std::vector<double>& out) {
  Distribution all(pc.income, pc.weight);
  std::vector<double> lines = {spec.relative_poverty * all.median()};
  for (const auto& line : spec.poverty_lines) lines.push_back(line.second);
  // Populations: all, each group's labels, each age group.
  std::vector<std::vector<double>> weights = {pc.weight};
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const std::size_t labels = spec.groups[g].labels().size();
    for (std::size_t l = 0; l < labels; ++l) {
      std::vector<double> w(panel.size(), 0.0);
      for (std::size_t h = 0; h < panel.size(); ++h) {
        if (panel.group[g][h] == l) w[h] = pc.weight[h];
      }
      weights.push_back(std::move(w));
    }
  }
  for (const auto& column : panel.persons) weights.push_back(column);
  out.assign(lines.size() * weights.size(), nan);
  for (std::size_t p = 0; p < weights.size(); ++p) {
    const Distribution d(pc.income, weights[p]);
    if (d.total_weight() <= 0) continue;
    for (std::size_t l = 0; l < lines.size(); ++l) {
      out[l * weights.size() + p] = d.share_below(lines[l]);
    }
  }
}

/// Gini, Theil T (within and between the first group), Palma, top-10 %
/// share and the mean of one panel's per-capita income.
std::vector<double> inequality(const HouseholdPanel& panel, const PerCapita& pc,
                               const PanelSpec& spec) {
  const Distribution d(pc.income, pc.weight);
  std::vector<std::uint32_t> group(panel.size(), 0);
  std::size_t groups = 1;
  if (!spec.groups.empty()) {
    group = panel.group.front();
    groups = spec.groups.front().labels().size();
  }
  const TheilDecomposition t = theil(pc.income, pc.weight, group, groups);
  return {d.gini(), t.total, t.within, t.between, d.palma(), d.top_share(0.1), d.mean()};
}

std::vector<double> group_means(const HouseholdPanel& panel, const PerCapita& pc, std::size_t g,
                                std::size_t labels) {
  std::vector<double> income(labels, 0.0), weight(labels, 0.0);
  for (std::size_t h = 0; h < panel.size(); ++h) {
    income[panel.group[g][h]] += pc.income[h] * pc.weight[h];
    weight[panel.group[g][h]] += pc.weight[h];
  }
  for (std::size_t l = 0; l < labels; ++l) income[l] = ratio_or_nan(income[l], weight[l]);
  return income;
}

/// Sums of one breakdown (deciles or a group's labels) of matched households.
struct Breakdown {
  std::vector<double> weight, baseline, change, bands;  // bands: [cell, band]
  explicit Breakdown(std::size_t cells)
      : weight(cells, 0.0), baseline(cells, 0.0), change(cells, 0.0), bands(cells * 5, 0.0) {}
  void add(std::size_t cell, double w, double base, double reform) {
    weight[cell] += w;
    baseline[cell] += w * base;
    change[cell] += w * (reform - base);
    bands[cell * 5 + band_of(relative_change(base, reform))] += w;
  }
};

void store_breakdown(MeasureSet& out, const Breakdown& b, std::size_t dim, std::size_t band_dim,
                     const std::string& suffix, const std::string& of) {
  const std::size_t cells = b.weight.size();
  Measure& base = out.add("baseline_income" + suffix, "RMB/person/year",
                          "person-weighted mean per-capita income in the baseline, " + of, {dim});
  Measure& change = out.add("income_change" + suffix, "RMB/person/year",
                            "person-weighted mean change of per-capita income, reform - "
                            "baseline, " +
                                of,
                            {dim});
  Measure& relative =
      out.add("income_change_relative" + suffix, "1",
              "change of the mean per-capita income over its baseline level, " + of, {dim});
  Measure& bands = out.add("winners_losers" + suffix, "1",
                           "share of persons whose per-capita income changes by the band's "
                           "amount, " +
                               of,
                           {dim, band_dim});
  for (std::size_t c = 0; c < cells; ++c) {
    base.values[c] = ratio_or_nan(b.baseline[c], b.weight[c]);
    change.values[c] = ratio_or_nan(b.change[c], b.weight[c]);
    relative.values[c] = ratio_or_nan(b.change[c], b.baseline[c]);
    for (std::size_t k = 0; k < 5; ++k) {
      bands.values[c * 5 + k] = ratio_or_nan(b.bands[c * 5 + k], b.weight[c]);
    }
  }
}

}  // namespace

std::vector<std::string> PanelGroup::labels() const {
  std::vector<std::string> out;
  for (const auto& mask : masks) out.push_back(mask.first);
  out.push_back(other);
  return out;
}

std::vector<std::string> PanelSpec::columns() const {
  std::vector<std::string> out = {income};
  for (const auto& p : persons) out.push_back(p.second);
  for (const auto& g : groups) out.push_back(g.column);
  return out;
}

HouseholdPanel make_panel(PanelColumns columns, const PanelSpec& spec) {
  HouseholdPanel panel;
  const std::size_t n = columns.id.size();
  panel.id = std::move(columns.id);
  panel.income = std::move(columns.income);
  if (columns.income_unit == "fen") {
    for (double& x : panel.income) x /= 100.0;
  }
  panel.persons = std::move(columns.persons);
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const PanelGroup& group = spec.groups[g];
    std::vector<std::uint32_t> code(n, static_cast<std::uint32_t>(group.masks.size()));
    for (std::size_t h = 0; h < n; ++h) {
      for (std::size_t m = 0; m < group.masks.size(); ++m) {
        const std::uint64_t mask = group.masks[m].second;
        if ((columns.groups[g][h] & mask) == mask) {
          code[h] = static_cast<std::uint32_t>(m);
          break;
        }
      }
    }
    panel.group.push_back(std::move(code));
  }
  return panel;
}

HouseholdPanel capture_panel(const AgentTable& table, const PanelSpec& spec) {
  PanelColumns columns;
  columns.id.assign(table.ids().begin(), table.ids().end());
  columns.income = column_as<double>(table, spec.income, false);
  columns.income_unit = table.column_info(table.find_column(spec.income)).unit;
  for (const auto& p : spec.persons)
    columns.persons.push_back(column_as<double>(table, p.second, false));
  for (const auto& g : spec.groups) {
    columns.groups.push_back(column_as<std::uint64_t>(table, g.column, true));
  }
  return make_panel(std::move(columns), spec);
}

const std::vector<std::string>& band_labels() {
  static const std::vector<std::string> labels = {"gain_more_than_5pct", "gain_less_than_5pct",
                                                  "no_change", "lose_less_than_5pct",
                                                  "lose_more_than_5pct"};
  return labels;
}

std::size_t band_of(double relative_change) noexcept {
  if (relative_change > 0.05) return 0;
  if (relative_change > 0.001) return 1;
  if (relative_change >= -0.001) return 2;
  if (relative_change >= -0.05) return 3;
  return 4;
}

std::vector<std::uint8_t> income_deciles(std::span<const double> per_capita,
                                         std::span<const double> weight,
                                         std::span<const std::uint64_t> id) {
  std::vector<std::size_t> order(per_capita.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return per_capita[a] != per_capita[b] ? per_capita[a] < per_capita[b] : id[a] < id[b];
  });
  double total = 0;
  for (const double w : weight) total += w;
  std::vector<std::uint8_t> decile(per_capita.size(), 0);
  double before = 0;
  for (const std::size_t h : order) {
    if (total > 0) {
      const double position = (before + 0.5 * weight[h]) / total;
      decile[h] = static_cast<std::uint8_t>(std::min(9.0, std::floor(10.0 * position)));
    }
    before += weight[h];
  }
  return decile;
}

MeasureSet compare_households(const HouseholdPanel& baseline, const HouseholdPanel& reform,
                              const PanelSpec& spec) {
  const PerCapita base_pc = per_capita(baseline);
  const PerCapita reform_pc = per_capita(reform);
  // Match by id (the same row when the tables are identical in order).
  std::vector<std::size_t> match(baseline.size(), static_cast<std::size_t>(-1));
  if (baseline.id == reform.id) {
    std::iota(match.begin(), match.end(), std::size_t{0});
  } else {
    std::unordered_map<std::uint64_t, std::size_t> row;
    row.reserve(reform.size());
    for (std::size_t h = 0; h < reform.size(); ++h) row.emplace(reform.id[h], h);
    for (std::size_t h = 0; h < baseline.size(); ++h) {
      if (const auto found = row.find(baseline.id[h]); found != row.end()) match[h] = found->second;
    }
  }
  std::vector<double> weight(baseline.size(), 0.0);  // persons of matched households
  double compared = 0;
  for (std::size_t h = 0; h < baseline.size(); ++h) {
    if (match[h] != static_cast<std::size_t>(-1) && base_pc.weight[h] > 0 &&
        reform_pc.weight[match[h]] > 0) {
      weight[h] = base_pc.weight[h];
      compared += 1;
    }
  }
  const std::vector<std::uint8_t> decile = income_deciles(base_pc.income, weight, baseline.id);

  MeasureSet out;
  const std::vector<std::string> decile_names = {"d1", "d2", "d3", "d4", "d5",
                                                 "d6", "d7", "d8", "d9", "d10"};
  const std::size_t decile_dim = out.dimension("decile", decile_names);
  const std::size_t band_dim = out.dimension("band", band_labels());
  out.add("households_compared", "households",
          "households in both panels with members in each (matched by id)")
      .values[0] = compared;
  out.add("households_unmatched", "households",
          "households of the baseline panel left out (absent from the reform, or empty)")
      .values[0] = static_cast<double>(baseline.size()) - compared;

  Breakdown by_decile(10);
  Breakdown all(1);
  std::vector<Breakdown> by_group;
  for (const PanelGroup& group : spec.groups) by_group.emplace_back(group.labels().size());
  for (std::size_t h = 0; h < baseline.size(); ++h) {
    if (weight[h] <= 0) continue;
    const double b = base_pc.income[h];
    const double r = reform_pc.income[match[h]];
    by_decile.add(decile[h], weight[h], b, r);
    all.add(0, weight[h], b, r);
    for (std::size_t g = 0; g < spec.groups.size(); ++g) {
      by_group[g].add(baseline.group[g][h], weight[h], b, r);
    }
  }
  store_breakdown(out, by_decile, decile_dim, band_dim, "", "by baseline income decile");
  const std::size_t all_dim = out.dimension("all", {"all"});
  store_breakdown(out, all, all_dim, band_dim, "_all", "over all persons");
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const PanelGroup& group = spec.groups[g];
    const std::size_t dim = out.dimension(group.name, group.labels());
    store_breakdown(out, by_group[g], dim, band_dim, "_by_" + group.name,
                    "by " + group.name + " in the baseline");
    if (group.ratio.size() == 2) {
      const auto labels = group.labels();
      const auto index = [&](const std::string& label) {
        return static_cast<std::size_t>(std::find(labels.begin(), labels.end(), label) -
                                        labels.begin());
      };
      const std::size_t num = index(group.ratio[0]);
      const std::size_t den = index(group.ratio[1]);
      const auto b = group_means(baseline, base_pc, g, labels.size());
      const auto r = group_means(reform, reform_pc, g, labels.size());
      std::string what = group.ratio[0];
      what += ':';
      what += group.ratio[1];
      what += " ratio of per-capita income";
      const double rb = ratio_or_nan(b[num], b[den]);
      const double rr = ratio_or_nan(r[num], r[den]);
      out.add(group.name + "_ratio_baseline", "1", what + " in the baseline").values[0] = rb;
      out.add(group.name + "_ratio_reform", "1", what + " in the reform").values[0] = rr;
      out.add(group.name + "_ratio_change", "1", what + ", reform - baseline").values[0] = rr - rb;
    }
  }

  // Poverty: each panel on its own (the relative line from its own median).
  std::vector<std::string> lines = {"relative"};
  for (const auto& line : spec.poverty_lines) lines.push_back(line.first);
  std::vector<std::string> populations = {"all"};
  for (const PanelGroup& group : spec.groups) {
    for (const std::string& label : group.labels()) populations.push_back(group.name + ":" + label);
  }
  for (const auto& p : spec.persons) populations.push_back("age:" + p.first);
  const std::size_t line_dim = out.dimension("poverty_line", lines);
  const std::size_t population_dim = out.dimension("population", populations);
  std::vector<double> base_poverty, reform_poverty;
  poverty_rates(baseline, base_pc, spec, base_poverty);
  poverty_rates(reform, reform_pc, spec, reform_poverty);
  const std::string poverty = "share of persons with per-capita income below the line (relative: " +
                              std::to_string(spec.relative_poverty) + " x the scenario's median)";
  out.add("poverty_rate_baseline", "1", poverty + ", baseline", {line_dim, population_dim}).values =
      base_poverty;
  out.add("poverty_rate_reform", "1", poverty + ", reform", {line_dim, population_dim}).values =
      reform_poverty;
  Measure& poverty_change = out.add("poverty_rate_change", "1", poverty + ", reform - baseline",
                                    {line_dim, population_dim});
  for (std::size_t i = 0; i < base_poverty.size(); ++i) {
    poverty_change.values[i] = reform_poverty[i] - base_poverty[i];
  }

  const std::size_t index_dim = out.dimension(
      "index",
      {"gini", "theil_t", "theil_within", "theil_between", "palma", "top10_share", "mean_income"});
  const std::string inequality_text =
      "inequality of per-capita income, person-weighted (Theil T decomposed by the first group; "
      "mean_income in RMB/person/year)";
  const auto base_index = inequality(baseline, base_pc, spec);
  const auto reform_index = inequality(reform, reform_pc, spec);
  out.add("inequality_baseline", "1", inequality_text + ", baseline", {index_dim}).values =
      base_index;
  out.add("inequality_reform", "1", inequality_text + ", reform", {index_dim}).values =
      reform_index;
  Measure& index_change =
      out.add("inequality_change", "1", inequality_text + ", reform - baseline", {index_dim});
  for (std::size_t i = 0; i < base_index.size(); ++i) {
    index_change.values[i] = reform_index[i] - base_index[i];
  }
  return out;
}

}  // namespace cpsim

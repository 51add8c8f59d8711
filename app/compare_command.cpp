#include "compare_command.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "console.hpp"
#include "cpsim/engine/comparison_spec.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/run_comparison.hpp"
#include "cpsim/engine/study_output.hpp"
#include "exit_code.hpp"
#include "registry.hpp"

namespace cpsim::app {
namespace po = boost::program_options;
namespace {

using Json = nlohmann::ordered_json;

/// What is compared: the grids and how they were made.
struct Comparison {
  std::string source;  ///< the file(s)
  std::optional<MeasureGrid> households;
  std::optional<MeasureGrid> budget;
  std::int64_t replicates = 1;  ///< 1: two single runs, no intervals
  double confidence = 0.95;
  double scale = 1;
  double discount_rate = 0;
};

/// "1,234,567" for large magnitudes, four significant digits otherwise.
std::string readable(double x) {
  if (std::isnan(x)) return "n/a";
  std::ostringstream s;
  if (std::fabs(x) >= 1000) {
    const std::string digits = std::to_string(std::llround(std::fabs(x)));
    std::string text = x < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
      text += digits[i];
    }
    return text;
  }
  s << std::setprecision(4) << x;
  return s.str();
}

std::string percent(double x) {
  if (std::isnan(x)) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100 * x << " %";
  return s.str();
}

struct Estimate {
  double mean, low, high, sd;
};

/// Element `element` (flat, without the estimate axis) of a measure.
Estimate estimate(const MeasureSet& cell, const std::string& name, std::size_t element = 0) {
  const Measure* m = cell.find(name);
  if (m == nullptr) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan, nan};
  }
  const double* v = &m->values.at(element * 4);
  return {v[0], v[1], v[2], v[3]};
}

std::string interval(const Estimate& e, bool as_percent = false) {
  if (std::isnan(e.low)) return "";
  const auto f = as_percent ? percent : readable;
  std::string text = "[";
  text += f(e.low);
  text += ", ";
  text += f(e.high);
  text += ']';
  return text;
}

std::size_t label_index(const MeasureSet& cell, const std::string& dimension,
                        const std::string& label) {
  for (const MeasureDimension& d : cell.dimensions) {
    if (d.name != dimension) continue;
    for (std::size_t i = 0; i < d.labels.size(); ++i) {
      if (d.labels[i] == label) return i;
    }
  }
  return static_cast<std::size_t>(-1);
}

const MeasureDimension* find_dimension(const MeasureSet& cell, const std::string& name) {
  for (const MeasureDimension& d : cell.dimensions) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::size_t year_index(const MeasureGrid& grid, std::int64_t year) {
  for (std::size_t k = 0; k < grid.years.size(); ++k) {
    if (grid.years[k] == year) return k;
  }
  return static_cast<std::size_t>(-1);
}

void print_headline(std::ostream& out, const Comparison& c, const MeasureSet* households,
                    const MeasureSet* budget) {
  ResultTable table{"headline", "", {}};
  std::vector<std::string> what, base, reform, change, ci;
  auto add = [&](const std::string& name, const std::string& b, const std::string& r,
                 const std::string& d, const std::string& i) {
    what.push_back(name);
    base.push_back(b);
    reform.push_back(r);
    change.push_back(d);
    ci.push_back(i);
  };
  if (budget != nullptr) {
    std::ostringstream scale;
    scale << std::setprecision(6) << c.scale;
    const Estimate net = estimate(*budget, "net_cost");
    add("net budget cost, RMB/year (full scale, x" + scale.str() + ")", "", "", readable(net.mean),
        interval(net));
    const Estimate cumulative = estimate(*budget, "net_cost_cumulative");
    add("  cumulative to this year, RMB", "", "", readable(cumulative.mean), interval(cumulative));
    std::ostringstream rate;
    rate << std::setprecision(4) << 100 * c.discount_rate;
    const Estimate discounted = estimate(*budget, "net_cost_discounted");
    add("  discounted at " + rate.str() + " %/year, RMB", "", "", readable(discounted.mean),
        interval(discounted));
  }
  if (households != nullptr) {
    for (const MeasureDimension& d : households->dimensions) {
      const std::string name = d.name + "_ratio_change";
      if (households->find(name) == nullptr) continue;
      std::string label = households->find(name)->description;
      label = label.substr(0, label.find(", reform"));
      add(label, readable(estimate(*households, d.name + "_ratio_baseline").mean),
          readable(estimate(*households, d.name + "_ratio_reform").mean),
          readable(estimate(*households, name).mean), interval(estimate(*households, name)));
    }
    const std::size_t gini = label_index(*households, "index", "gini");
    if (gini != static_cast<std::size_t>(-1)) {
      add("Gini of per-capita income",
          readable(estimate(*households, "inequality_baseline", gini).mean),
          readable(estimate(*households, "inequality_reform", gini).mean),
          readable(estimate(*households, "inequality_change", gini).mean),
          interval(estimate(*households, "inequality_change", gini)));
    }
    const MeasureDimension* lines = find_dimension(*households, "poverty_line");
    const MeasureDimension* population = find_dimension(*households, "population");
    if (lines != nullptr && population != nullptr) {
      const std::size_t populations = population->labels.size();
      for (std::size_t l = 0; l < lines->labels.size(); ++l) {
        const std::size_t at = l * populations;  // population "all"
        add(lines->labels[l] + " poverty rate",
            percent(estimate(*households, "poverty_rate_baseline", at).mean),
            percent(estimate(*households, "poverty_rate_reform", at).mean),
            percent(estimate(*households, "poverty_rate_change", at).mean),
            interval(estimate(*households, "poverty_rate_change", at), true));
      }
    }
  }
  if (what.empty()) return;
  table.columns = {{"", "", what},
                   {"baseline", "", base},
                   {"reform", "", reform},
                   {"change", "", change},
                   {"interval", "", ci}};
  print_table(out, table);
}

/// Rows of a breakdown (deciles, or a group's labels) of the household cell.
void print_breakdown(std::ostream& out, const MeasureSet& cell, const std::string& dimension,
                     const std::string& suffix, const std::string& title) {
  const MeasureDimension* d = find_dimension(cell, dimension);
  if (d == nullptr) return;
  ResultTable changes{title, "per-capita disposable income, RMB/person/year", {}};
  std::vector<std::string> label, base, change, change_ci, relative, relative_ci;
  for (std::size_t i = 0; i < d->labels.size(); ++i) {
    label.push_back(d->labels[i]);
    base.push_back(readable(estimate(cell, "baseline_income" + suffix, i).mean));
    const Estimate e = estimate(cell, "income_change" + suffix, i);
    change.push_back(readable(e.mean));
    change_ci.push_back(interval(e));
    const Estimate r = estimate(cell, "income_change_relative" + suffix, i);
    relative.push_back(percent(r.mean));
    relative_ci.push_back(interval(r, true));
  }
  changes.columns = {{dimension, "", label},     {"baseline", "", base},
                     {"change", "", change},     {"interval", "", change_ci},
                     {"relative", "", relative}, {"interval", "", relative_ci}};
  print_table(out, changes);
  ResultTable bands{
      "winners and losers " + title, "share of persons by change in per-capita income", {}};
  bands.columns.push_back({dimension, "", label});
  const std::vector<std::string> names = {"gain > 5%", "gain < 5%", "no change", "lose < 5%",
                                          "lose > 5%"};
  for (std::size_t k = 0; k < 5; ++k) {
    std::vector<std::string> column;
    for (std::size_t i = 0; i < d->labels.size(); ++i) {
      const Estimate e = estimate(cell, "winners_losers" + suffix, i * 5 + k);
      std::string text = percent(e.mean);
      if (!std::isnan(e.low)) {
        text += ' ';
        text += interval(e, true);
      }
      column.push_back(std::move(text));
    }
    bands.columns.push_back({names[k], "", column});
  }
  print_table(out, bands);
}

void print_budget_years(std::ostream& out, const Comparison& c, std::size_t contrast) {
  const MeasureGrid& grid = *c.budget;
  ResultTable table{"budget by year", "reform - baseline, RMB/year at full scale", {}};
  std::vector<std::string> year, spending, revenue, net, net_ci, cumulative, discounted;
  for (std::size_t k = 0; k < grid.years.size(); ++k) {
    const MeasureSet& cell = grid.at(contrast, k);
    year.push_back(std::to_string(grid.years[k]));
    double spent = 0;
    double received = 0;
    if (const Measure* m = cell.find("spending_change")) {
      for (std::size_t i = 0; i < m->values.size(); i += 4) spent += m->values[i];
    }
    if (const Measure* m = cell.find("revenue_change")) {
      for (std::size_t i = 0; i < m->values.size(); i += 4) received += m->values[i];
    }
    spending.push_back(readable(spent));
    revenue.push_back(readable(received));
    const Estimate e = estimate(cell, "net_cost");
    net.push_back(readable(e.mean));
    net_ci.push_back(interval(e));
    cumulative.push_back(readable(estimate(cell, "net_cost_cumulative").mean));
    discounted.push_back(readable(estimate(cell, "net_cost_discounted").mean));
  }
  table.columns = {{"year", "", year},
                   {"spending", "", spending},
                   {"revenue", "", revenue},
                   {"net cost", "", net},
                   {"interval", "", net_ci},
                   {"cumulative", "", cumulative},
                   {"discounted", "", discounted}};
  print_table(out, table);
}

/// Every element of every measure of a cell: (section, measure, unit,
/// dimensions, labels, mean, ci_low, ci_high, sd).
struct Row {
  std::string section, measure, unit, dimensions, labels;
  Estimate value;
};

void collect_rows(const std::string& section, const MeasureSet& cell, std::vector<Row>& rows) {
  for (const Measure& m : cell.measures) {
    std::vector<std::size_t> dims(m.dimensions.begin(), m.dimensions.end() - 1);  // no estimate
    std::string names;
    for (const std::size_t d : dims) names += (names.empty() ? "" : "/") + cell.dimensions[d].name;
    const std::size_t elements = m.values.size() / 4;
    for (std::size_t e = 0; e < elements; ++e) {
      std::string labels;
      std::size_t rest = e;
      for (std::size_t k = dims.size(); k > 0; --k) {
        const auto& l = cell.dimensions[dims[k - 1]].labels;
        labels = l[rest % l.size()] + (labels.empty() ? "" : "/" + labels);
        rest /= l.size();
      }
      rows.push_back({section, m.name, m.unit, names, labels, estimate(cell, m.name, e)});
    }
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

std::string csv_number(double x) {
  if (std::isnan(x)) return "";
  std::ostringstream s;
  s << std::setprecision(17) << x;
  return s.str();
}

Json json_number(double x) { return std::isnan(x) ? Json(nullptr) : Json(x); }

Comparison from_study(const std::filesystem::path& file) {
  Comparison c;
  c.source = file.string();
  const StudyFileSummary summary = read_study_summary(file);
  c.replicates = summary.replicates;
  for (const FileAttribute& a : summary.attributes) {
    if (a.name == "confidence") c.confidence = std::stod(a.text);
    if (a.name == "scale") c.scale = std::stod(a.text);
  }
  if (auto stored = read_study_grid(file, "households")) c.households = std::move(stored->grid);
  if (auto stored = read_study_grid(file, "budget")) {
    c.discount_rate = std::stod(stored->attribute("discount_rate").value_or("0"));
    c.budget = std::move(stored->grid);
  }
  if (!c.households && !c.budget) {
    throw ScenarioError(file.string() +
                        ": the study has no household comparison or budget (give the study a "
                        "`households:` or `budget:` block; docs/studies.md)");
  }
  return c;
}

}  // namespace

int command_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  po::options_description options("cpsim compare options");
  options.add_options()("files", po::value<std::vector<std::string>>(),
                        "STUDY.h5, or BASE.h5 REFORM.h5")(
      "contrast,c", po::value<std::string>(),
      "the contrast (its label or reform; default: the first)")(
      "year,y", po::value<std::int64_t>(), "the simulated year (default: the last compared)")(
      "spec", po::value<std::string>(),
      "for two runs: a YAML file with `households:` and/or `budget:` blocks (a study file "
      "works); default: the model's own (the district economy has one)")(
      "format", po::value<std::string>(), "text (default), csv or json");
  options.add_options()("help,h", "show this help");
  po::positional_options_description positionals;
  positionals.add("files", 2);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positionals).run(), vm);
  if (vm.count("help") != 0U) {
    out << "usage: cpsim compare STUDY.h5 [--contrast NAME] [--year Y] [--format text|csv|json]\n"
           "       cpsim compare BASE.h5 REFORM.h5 [--spec STUDY.yaml] [--year Y] [--format ...]\n"
           "Prints a reform against its baseline: the headline (budget, income ratio, Gini, "
           "poverty), the change by baseline income decile, winners and losers, groups and the "
           "budget by year.\n\n"
        << options << '\n';
    return exit_ok;
  }
  po::notify(vm);
  if (vm.count("files") == 0U) throw po::error("expected STUDY.h5, or BASE.h5 REFORM.h5");
  const auto files = vm["files"].as<std::vector<std::string>>();
  const std::string format = vm.count("format") != 0U ? vm["format"].as<std::string>() : "text";
  if (format != "text" && format != "csv" && format != "json") {
    throw po::error("--format: expected text, csv or json, found '" + format + "'");
  }

  Comparison c;
  if (files.size() == 1) {
    if (vm.count("spec") != 0U) throw po::error("--spec is for two run files; a study has its own");
    if (!is_study_file(files[0])) {
      throw ScenarioError(files[0] +
                          ": not a cpsim study file (compare a study, or two runs: BASE.h5 "
                          "REFORM.h5 --spec SPEC.yaml)");
    }
    c = from_study(files[0]);
  } else {
    if (vm.count("contrast") != 0U) throw po::error("--contrast is for a study file");
    const RunPairInfo info = check_run_pair(files[0], files[1]);
    // Without --spec, the model's own default comparison.
    const ModelRegistry registry = make_registry();
    const ModelInfo* model = registry.find(info.model);
    if (vm.count("spec") == 0U && (model == nullptr || model->default_comparison.empty())) {
      throw po::error("two runs of model " + info.model +
                      " need --spec FILE naming what to compare (a study file's `households:` "
                      "and `budget:` blocks, e.g. scenarios/studies/rural-pension.yaml)");
    }
    const ComparisonSpec spec =
        vm.count("spec") != 0U
            ? load_comparison_spec(vm["spec"].as<std::string>(), info.steps, info.steps_per_year)
            : parse_comparison_spec(model->default_comparison,
                                    "the default comparison of " + info.model, info.steps,
                                    info.steps_per_year);
    RunPairComparison pair = compare_run_files(files[0], files[1], info, spec);
    c.source = files[0] + " and " + files[1];
    c.households = std::move(pair.households);
    c.budget = std::move(pair.budget);
    c.scale = info.scale;
    if (spec.budget) c.discount_rate = spec.budget->discount_rate;
  }

  // The contrast and the year.
  const MeasureGrid& any = c.households ? *c.households : *c.budget;
  std::size_t contrast = 0;
  if (vm.count("contrast") != 0U) {
    const std::string name = vm["contrast"].as<std::string>();
    contrast = any.contrasts.size();
    for (std::size_t i = 0; i < any.contrasts.size(); ++i) {
      if (any.contrasts[i] == name || any.contrasts[i].starts_with(name + " - ")) contrast = i;
    }
    if (contrast == any.contrasts.size()) {
      std::string known;
      for (const auto& label : any.contrasts) known += (known.empty() ? "'" : ", '") + label + "'";
      throw ScenarioError("--contrast: no contrast '" + name + "' in " + c.source + " (it has " +
                          known + ")");
    }
  }
  std::int64_t year = any.years.empty() ? 0 : any.years.back();
  if (c.households && !c.households->years.empty()) year = c.households->years.back();
  if (vm.count("year") != 0U) year = vm["year"].as<std::int64_t>();
  const MeasureSet* households = nullptr;
  const MeasureSet* budget = nullptr;
  if (c.households) {
    const std::size_t k = year_index(*c.households, year);
    if (k != static_cast<std::size_t>(-1)) households = &c.households->at(contrast, k);
  }
  if (c.budget) {
    const std::size_t k = year_index(*c.budget, year);
    if (k != static_cast<std::size_t>(-1)) budget = &c.budget->at(contrast, k);
  }
  if (households == nullptr && budget == nullptr) {
    std::string known;
    for (const std::int64_t y : any.years) known += (known.empty() ? "" : ", ") + std::to_string(y);
    throw ScenarioError("--year: year " + std::to_string(year) + " was not compared in " +
                        c.source + " (compared: " + known + ")");
  }
  const std::string intervals = c.replicates > 1
                                    ? "mean over " + std::to_string(c.replicates) +
                                          " paired replicates with its two-sided " +
                                          readable(100 * c.confidence) + " % Student-t interval"
                                    : "two single runs: one pair, so no intervals";

  if (format == "text") {
    out << "compare " << any.contrasts[contrast] << ", year " << year << " (" << c.source
        << "): " << intervals << '\n';
    if (households == nullptr && c.households) {
      out << "(no household comparison at year " << year << ")\n";
    }
    print_headline(out, c, households, budget);
    if (households != nullptr) {
      print_breakdown(out, *households, "decile", "",
                      "by baseline income decile (person-weighted)");
      print_breakdown(out, *households, "all", "_all", "over all persons");
      for (const MeasureDimension& d : households->dimensions) {
        if (households->find("income_change_by_" + d.name) != nullptr) {
          print_breakdown(out, *households, d.name, "_by_" + d.name, "by " + d.name);
        }
      }
    }
    if (c.budget) print_budget_years(out, c, contrast);
    return exit_ok;
  }
  std::vector<Row> rows;
  if (households != nullptr) collect_rows("households", *households, rows);
  if (c.budget) {
    for (std::size_t k = 0; k < c.budget->years.size(); ++k) {
      std::vector<Row> year_rows;
      collect_rows("budget", c.budget->at(contrast, k), year_rows);
      for (Row& row : year_rows) {
        row.dimensions = "year" + (row.dimensions.empty() ? "" : "/" + row.dimensions);
        row.labels =
            std::to_string(c.budget->years[k]) + (row.labels.empty() ? "" : "/" + row.labels);
        rows.push_back(std::move(row));
      }
    }
  }
  if (format == "csv") {
    out << "section,measure,unit,dimensions,labels,mean,ci_low,ci_high,sd\n";
    for (const Row& row : rows) {
      out << row.section << ',' << row.measure << ',' << csv_field(row.unit) << ','
          << row.dimensions << ',' << csv_field(row.labels) << ',' << csv_number(row.value.mean)
          << ',' << csv_number(row.value.low) << ',' << csv_number(row.value.high) << ','
          << csv_number(row.value.sd) << '\n';
    }
    return exit_ok;
  }
  Json json = {{"source", c.source},
               {"contrast", any.contrasts[contrast]},
               {"year", year},
               {"replicates", c.replicates},
               {"intervals", c.replicates > 1},
               {"confidence", c.confidence},
               {"scale", c.scale},
               {"discount_rate", c.discount_rate}};
  Json list = Json::array();
  for (const Row& row : rows) {
    list.push_back({{"section", row.section},
                    {"measure", row.measure},
                    {"unit", row.unit},
                    {"dimensions", row.dimensions},
                    {"labels", row.labels},
                    {"mean", json_number(row.value.mean)},
                    {"ci_low", json_number(row.value.low)},
                    {"ci_high", json_number(row.value.high)},
                    {"sd", json_number(row.value.sd)}});
  }
  json["rows"] = std::move(list);
  out << json.dump(2) << '\n';
  return exit_ok;
}

}  // namespace cpsim::app

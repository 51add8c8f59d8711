#include "inequality_command.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "console.hpp"
#include "cpsim/engine/data_table.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/inequality.hpp"
#include "exit_code.hpp"
#include "options.hpp"

namespace cpsim::app {
namespace po = boost::program_options;

namespace {

constexpr const char* usage =
    "usage: cpsim inequality FILE.csv|FILE.h5:/path --income COL [--weight COL] [--group COL] "
    "[--format text|csv|json]";

/// The data as measure_inequality takes it, groups numbered in label order.
struct Inputs {
  std::vector<double> income, weight;
  std::vector<std::uint32_t> group;
  std::vector<std::string> group_labels{"all"};
};

Inputs read_inputs(const DataTable& table, const po::variables_map& vm) {
  Inputs in;
  in.income = table.numbers(vm["income"].as<std::string>());
  if (vm.count("weight") != 0U) {
    const std::string column = vm["weight"].as<std::string>();
    in.weight = table.numbers(column, /*non_negative=*/true);
    double total = 0;
    for (const double w : in.weight) total += w;
    if (!(total > 0)) {
      throw ScenarioError(table.header_location() + ": " + column + ": the weights sum to zero");
    }
  } else {
    in.weight.assign(table.rows(), 1.0);
  }
  in.group.assign(table.rows(), 0);
  if (vm.count("group") != 0U) {
    const std::vector<std::string> labels = table.text(vm["group"].as<std::string>());
    std::map<std::string, std::uint32_t> index;
    for (const std::string& label : labels) index.emplace(label, 0);
    in.group_labels.clear();
    for (auto& [label, i] : index) {
      i = static_cast<std::uint32_t>(in.group_labels.size());
      in.group_labels.push_back(label);
    }
    for (std::size_t r = 0; r < labels.size(); ++r) in.group[r] = index.at(labels[r]);
  }
  return in;
}

struct Row {
  std::string metric;
  std::string group;  ///< "" for the whole population
  double value;
  std::string description;
};

std::vector<Row> rows_of(const InequalityReport& r, const Inputs& in) {
  const DistributionStatistics& d = r.distribution;
  std::vector<Row> rows{
      {"total_weight", "", d.total_weight, "population (sum of weights)"},
      {"mean", "", d.mean, "weighted mean income"},
      {"median", "", d.median, "weighted median income"},
      {"gini", "", d.gini, "Gini coefficient"},
      {"theil_t", "", r.theil.total, "Theil T (GE(1))"},
      {"theil_within", "", r.theil.within, "within-group part of Theil T"},
      {"theil_between", "", r.theil.between, "between-group part of Theil T"},
      {"mean_log_deviation", "", r.mean_log_deviation, "mean log deviation (Theil L, GE(0))"},
      {"palma", "", d.palma, "top 10 % share / bottom 40 % share"},
      {"top10_share", "", d.top10_share, "income share of the richest 10 %"},
      {"bottom40_share", "", d.bottom40_share, "income share of the poorest 40 %"}};
  const char* quintiles[] = {"q1_poorest", "q2", "q3", "q4", "q5_richest"};
  for (std::size_t q = 0; q < 5; ++q) {
    rows.push_back({std::string("quintile_share_") + quintiles[q], "", d.quintile_share[q],
                    "income share of quintile " + std::to_string(q + 1) + " (1: poorest)"});
  }
  rows.push_back({"relative_poverty_line", "", d.relative_poverty_line, "50 % of the median"});
  rows.push_back(
      {"relative_poverty_rate", "", d.relative_poverty_rate, "weight share below the line"});
  rows.push_back({"middle_income_share", "", d.middle_income_share,
                  "weight share with 33,333-166,667 a year (NBS band per person)"});
  rows.push_back({"group_mean_ratio", "", r.group_mean_ratio, "highest over lowest group mean"});
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    const GroupStatistics& s = r.groups[g];
    const std::string& label = in.group_labels[g];
    rows.push_back({"group_weight", label, s.weight, "population of the group"});
    rows.push_back({"group_weight_share", label, s.weight_share, "its share of the population"});
    rows.push_back({"group_mean", label, s.mean, "its mean income"});
    rows.push_back({"group_mean_ratio_to_mean", label, s.mean_ratio, "its mean / overall mean"});
    rows.push_back({"group_income_share", label, s.income_share, "its share of total income"});
    rows.push_back({"group_theil_t", label, s.theil, "Theil T within the group"});
  }
  return rows;
}

std::string exact(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void print_text(std::ostream& out, const DataTable& table, const po::variables_map& vm,
                const std::vector<Row>& rows) {
  out << "inequality of '" << vm["income"].as<std::string>() << "' in " << table.source() << ": "
      << table.rows() << " rows, "
      << (vm.count("weight") != 0U ? "weights '" + vm["weight"].as<std::string>() + "'"
                                   : std::string("unit weights"))
      << (vm.count("group") != 0U ? ", groups '" + vm["group"].as<std::string>() + "'" : "")
      << '\n';
  ResultTable overall{"distribution", "", {}};
  ResultTable groups{"groups", "", {}};
  for (ResultTable* t : {&overall, &groups}) {
    t->columns = {{"metric", "", std::vector<std::string>{}}};
    if (t == &groups) t->columns.push_back({"group", "", std::vector<std::string>{}});
    t->columns.push_back({"value", "", std::vector<double>{}});
    t->columns.push_back({"meaning", "", std::vector<std::string>{}});
  }
  for (const Row& row : rows) {
    ResultTable& t = row.group.empty() ? overall : groups;
    std::get<std::vector<std::string>>(t.columns[0].values).push_back(row.metric);
    std::size_t c = 1;
    if (&t == &groups)
      std::get<std::vector<std::string>>(t.columns[c++].values).push_back(row.group);
    std::get<std::vector<double>>(t.columns[c++].values).push_back(row.value);
    std::get<std::vector<std::string>>(t.columns[c].values).push_back(row.description);
  }
  print_table(out, overall);
  print_table(out, groups);
}

void print_csv(std::ostream& out, const std::vector<Row>& rows) {
  out << "metric,group,value\n";
  for (const Row& row : rows) {
    const bool quote = row.group.find_first_of(",\"\n") != std::string::npos;
    std::string group = row.group;
    if (quote) {
      std::string escaped;
      for (const char c : group) escaped += c == '"' ? std::string("\"\"") : std::string(1, c);
      group = '"' + escaped + '"';
    }
    out << row.metric << ',' << group << ',' << exact(row.value) << '\n';
  }
}

void print_json(std::ostream& out, const DataTable& table, const po::variables_map& vm,
                const std::vector<Row>& rows) {
  using Json = nlohmann::ordered_json;
  const auto number = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
  Json json = {{"source", table.source()},
               {"rows", table.rows()},
               {"income", vm["income"].as<std::string>()},
               {"weight", vm.count("weight") != 0U ? Json(vm["weight"].as<std::string>()) : Json()},
               {"group", vm.count("group") != 0U ? Json(vm["group"].as<std::string>()) : Json()}};
  Json metrics = Json::object();
  Json groups = Json::object();
  for (const Row& row : rows) {
    if (row.group.empty()) {
      metrics[row.metric] = number(row.value);
    } else {
      groups[row.group][row.metric.substr(std::string("group_").size())] = number(row.value);
    }
  }
  json["metrics"] = metrics;
  json["groups"] = groups;
  out << json.dump(2) << '\n';
}

}  // namespace

int command_inequality(const std::vector<std::string>& args, std::ostream& out,
                       std::ostream& /*err*/) {
  po::options_description options("cpsim inequality options");
  options.add_options()("file", po::value<std::string>()->required(),
                        "a CSV file (header row) or an HDF5 table FILE.h5:/path")(
      "income", po::value<std::string>()->required(), "the column of incomes (per person)")(
      "weight", po::value<std::string>(), "a column of population weights >= 0 (default: 1 each)")(
      "group", po::value<std::string>(),
      "a column of group labels (Theil decomposition and group means)")(
      "format", po::value<std::string>(), "what stdout gets: text (default), csv or json");
  po::variables_map vm;
  if (!parse(args, options, "file", vm, out, usage)) return exit_ok;
  const std::string format = vm.count("format") != 0U ? vm["format"].as<std::string>() : "text";
  if (format != "text" && format != "csv" && format != "json") {
    throw po::error("--format: expected text, csv or json, found '" + format + "'");
  }
  const DataTable table = DataTable::read(vm["file"].as<std::string>());
  const Inputs in = read_inputs(table, vm);
  const InequalityReport report =
      measure_inequality(in.income, in.weight, in.group, in.group_labels.size());
  const std::vector<Row> rows = rows_of(report, in);
  if (format == "json") {
    print_json(out, table, vm, rows);
  } else if (format == "csv") {
    print_csv(out, rows);
  } else {
    print_text(out, table, vm, rows);
  }
  return exit_ok;
}

}  // namespace cpsim::app

#include "cpsim/engine/budget_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cpsim {
namespace {

const MetricSpec& find_metric(const MetricSet& metrics, const std::string& name, const char* role) {
  const std::size_t index = metrics.find(name);
  if (index == metrics.specs().size()) {
    throw std::invalid_argument(std::string(role) + ": the model has no metric '" + name + "'");
  }
  return metrics.spec(index);
}

std::size_t label_index(const Dimension& dimension, const std::string& label, const char* role) {
  const auto found = std::find(dimension.labels.begin(), dimension.labels.end(), label);
  if (found == dimension.labels.end()) {
    throw std::invalid_argument(std::string(role) + ": dimension '" + dimension.name +
                                "' has no label '" + label + "'");
  }
  return static_cast<std::size_t>(found - dimension.labels.begin());
}

/// Elements of the revenue metric to read, and their labels.
struct Selection {
  std::vector<std::size_t> elements;
  std::vector<std::string> labels;
};

Selection spending_selection(const BudgetSpec& spec, const MetricSet& metrics) {
  const MetricSpec& m = find_metric(metrics, spec.spending, "budget.spending");
  if (m.dimensions.size() > 1) {
    throw std::invalid_argument("budget.spending: metric '" + spec.spending +
                                "' has more than one dimension");
  }
  Selection s;
  if (m.dimensions.empty()) {
    s.elements = {0};
    s.labels = {spec.spending};
    return s;
  }
  s.labels = metrics.dimensions()[m.dimensions[0]].labels;
  for (std::size_t i = 0; i < s.labels.size(); ++i) s.elements.push_back(i);
  return s;
}

Selection revenue_selection(const BudgetSpec& spec, const MetricSet& metrics) {
  const MetricSpec& m = find_metric(metrics, spec.revenue, "budget.revenue.metric");
  const std::size_t want = spec.revenue_column.empty() ? 1 : 2;
  if (m.dimensions.size() != want) {
    throw std::invalid_argument(
        "budget.revenue: metric '" + spec.revenue + "' has " + std::to_string(m.dimensions.size()) +
        " dimensions; " + (want == 1 ? "without `column` it needs 1" : "with `column` it needs 2"));
  }
  const Dimension& rows = metrics.dimensions()[m.dimensions[0]];
  std::size_t column = 0;
  std::size_t columns = 1;
  if (want == 2) {
    const Dimension& cols = metrics.dimensions()[m.dimensions[1]];
    column = label_index(cols, spec.revenue_column, "budget.revenue.column");
    columns = cols.labels.size();
  }
  Selection s;
  s.labels = spec.revenue_rows.empty() ? rows.labels : spec.revenue_rows;
  for (const std::string& label : s.labels) {
    s.elements.push_back(label_index(rows, label, "budget.revenue.rows") * columns + column);
  }
  return s;
}

/// Money per RMB of the metric's unit: fen are read in RMB.
double to_rmb(const MetricSpec& spec) { return spec.unit.starts_with("fen") ? 0.01 : 1.0; }

double value_at(const MetricSet& metrics, const MetricSpec& spec, const RunTrajectory& run,
                std::size_t row, std::size_t element) {
  if (spec.type == MetricType::Real) {
    return run.reals[row * metrics.real_count() + spec.offset + element];
  }
  return static_cast<double>(run.integers[row * metrics.integer_count() + spec.offset + element]);
}

/// Per element of `selection`: sum over the year's steps of reform - baseline.
std::vector<double> yearly_change(const MetricSet& metrics, const MetricSpec& spec,
                                  const Selection& selection, const RunTrajectory& reform,
                                  const RunTrajectory& baseline, std::int64_t first,
                                  std::int64_t last, double factor) {
  std::vector<double> out(selection.elements.size(), 0.0);
  for (std::size_t e = 0; e < selection.elements.size(); ++e) {
    double sum = 0;
    for (std::int64_t step = first; step <= last; ++step) {
      const auto row = static_cast<std::size_t>(step);
      const double r = value_at(metrics, spec, reform, row, selection.elements[e]);
      const double b = value_at(metrics, spec, baseline, row, selection.elements[e]);
      if (!std::isnan(r) && !std::isnan(b)) sum += r - b;
    }
    out[e] = sum * factor;
  }
  return out;
}

}  // namespace

void check_budget_spec(const BudgetSpec& spec, const MetricSet& metrics) {
  (void)spending_selection(spec, metrics);
  if (!spec.revenue.empty()) (void)revenue_selection(spec, metrics);
}

std::vector<MeasureSet> compare_budget(const BudgetSpec& spec, const MetricSet& metrics,
                                       std::int64_t rows, const RunTrajectory& reform,
                                       const RunTrajectory& baseline, std::int64_t steps_per_year,
                                       double scale) {
  std::vector<MeasureSet> years;
  if (steps_per_year <= 0) return years;
  const Selection spending = spending_selection(spec, metrics);
  const MetricSpec& spending_spec = metrics.spec(metrics.find(spec.spending));
  Selection revenue;
  const MetricSpec* revenue_spec = nullptr;
  if (!spec.revenue.empty()) {
    revenue = revenue_selection(spec, metrics);
    revenue_spec = &metrics.spec(metrics.find(spec.revenue));
  }
  double cumulative = 0;
  double discounted = 0;
  for (std::int64_t year = 1; year * steps_per_year <= rows - 1; ++year) {
    const std::int64_t first = (year - 1) * steps_per_year + 1;
    const std::int64_t last = year * steps_per_year;
    MeasureSet set;
    const std::size_t instance = set.dimension("instance", spending.labels);
    Measure& spent = set.add(
        "spending_change", "RMB/year",
        "spending of the year, reform - baseline, by " + spec.spending + " element, at full scale",
        {instance});
    spent.values = yearly_change(metrics, spending_spec, spending, reform, baseline, first, last,
                                 to_rmb(spending_spec) * scale);
    double net = 0;
    for (const double v : spent.values) net += v;
    if (revenue_spec != nullptr) {
      const std::size_t tax = set.dimension("tax", revenue.labels);
      Measure& received = set.add(
          "revenue_change", "RMB/year",
          "revenue of the year, reform - baseline, by " + spec.revenue + " row, at full scale",
          {tax});
      received.values = yearly_change(metrics, *revenue_spec, revenue, reform, baseline, first,
                                      last, to_rmb(*revenue_spec) * scale);
      for (const double v : received.values) net -= v;
    }
    cumulative += net;
    discounted += net * std::pow(1.0 + spec.discount_rate, -static_cast<double>(year - 1));
    set.add("net_cost", "RMB/year", "spending change minus revenue change of the year").values[0] =
        net;
    set.add("net_cost_cumulative", "RMB", "net cost summed over years 1 to this one").values[0] =
        cumulative;
    set.add("net_cost_discounted", "RMB",
            "net cost summed over years 1 to this one, year y weighted (1 + r)^-(y - 1)")
        .values[0] = discounted;
    years.push_back(std::move(set));
  }
  return years;
}

}  // namespace cpsim

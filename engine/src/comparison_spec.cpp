#include "cpsim/engine/comparison_spec.hpp"

#include <algorithm>

#include "cpsim/engine/errors.hpp"

namespace cpsim {

using yaml::Entry;
using yaml::Node;

namespace {

std::vector<std::string> string_list(const Node& node, const char* what) {
  std::vector<std::string> out;
  for (const Node& item : node.expect_list().items) out.push_back(item.as_string(what));
  return out;
}

}  // namespace

PanelSpec read_panel_spec(const Node& node, std::int64_t steps, std::int64_t steps_per_year) {
  node.expect_map();
  node.check_keys(
      {"table", "income", "persons", "groups", "relative_poverty", "poverty_lines", "years"});
  PanelSpec spec;
  spec.table = node.required("table", "missing (the agent table of the panel)").as_string("a name");
  spec.income =
      node.required("income", "missing (the column of yearly income)").as_string("a column name");
  const Node& persons = node.required("persons", "missing (age group: column counting members)");
  for (const Entry& entry : persons.expect_map().entries) {
    spec.persons.emplace_back(entry.key, entry.value.as_string("a column name"));
  }
  if (spec.persons.empty()) persons.fail("expected at least one column of members");
  if (const Node* groups = node.find("groups")) {
    for (const Entry& entry : groups->expect_map().entries) {
      const Node& body = entry.value.expect_map();
      body.check_keys({"column", "masks", "other", "ratio"});
      PanelGroup group;
      group.name = entry.key;
      group.column = body.required("column", "missing").as_string("a column name");
      if (const Node* masks = body.find("masks")) {
        for (const Entry& mask : masks->expect_map().entries) {
          group.masks.emplace_back(mask.key, mask.value.as_unsigned());
        }
      }
      group.other = body.required("other", "missing (the label of the rest)").as_string("a label");
      if (const Node* ratio = body.find("ratio")) {
        group.ratio = string_list(*ratio, "a label");
        const auto labels = group.labels();
        if (group.ratio.size() != 2) ratio->fail("expected two labels: numerator, denominator");
        for (std::size_t i = 0; i < 2; ++i) {
          if (std::find(labels.begin(), labels.end(), group.ratio[i]) == labels.end()) {
            ratio->items[i].fail("no label '" + yaml::shown(group.ratio[i]) + "' in group '" +
                                 group.name + "'" + yaml::suggestion(group.ratio[i], labels));
          }
        }
      }
      spec.groups.push_back(std::move(group));
    }
  }
  if (const Node* relative = node.find("relative_poverty")) {
    spec.relative_poverty = relative->as_real(yaml::Bounds{0.0, 1.0, true});
  }
  if (const Node* lines = node.find("poverty_lines")) {
    for (const Entry& entry : lines->expect_map().entries) {
      spec.poverty_lines.emplace_back(entry.key, entry.value.as_real(yaml::Bounds::at_least(0)));
    }
  }
  if (steps_per_year <= 0) {
    node.fail("the household comparison needs a model whose steps are calendar time (years)");
  }
  const std::int64_t full_years = steps / steps_per_year;
  if (const Node* years = node.find("years")) {
    for (const Node& item : years->expect_list().items) {
      spec.years.push_back(
          item.as_integer(yaml::Bounds{1.0, static_cast<double>(full_years), false}));
    }
  } else {
    for (std::int64_t y = 1; y <= full_years; ++y) spec.years.push_back(y);
  }
  if (spec.years.empty()) {
    node.fail("the runs have " + std::to_string(steps) + " steps: no full year to compare");
  }
  return spec;
}

BudgetSpec read_budget_spec(const Node& node) {
  node.expect_map();
  node.check_keys({"spending", "revenue", "discount_rate"});
  BudgetSpec spec;
  spec.spending = node.required("spending", "missing (a metric of money paid per step)")
                      .as_string("a metric name");
  if (const Node* revenue = node.find("revenue")) {
    revenue->expect_map();
    revenue->check_keys({"metric", "rows", "column"});
    spec.revenue = revenue->required("metric", "missing").as_string("a metric name");
    if (const Node* rows = revenue->find("rows")) spec.revenue_rows = string_list(*rows, "a label");
    if (const Node* column = revenue->find("column")) {
      spec.revenue_column = column->as_string("a label");
    }
  }
  if (const Node* rate = node.find("discount_rate")) {
    spec.discount_rate = rate->as_real(yaml::Bounds{0.0, 1.0, false});
  }
  return spec;
}

namespace {

ComparisonSpec read_comparison_spec(const Node& root, std::int64_t steps,
                                    std::int64_t steps_per_year) {
  if (!root.is_map()) root.fail("expected a map with `households:` or `budget:`");
  ComparisonSpec spec;
  if (const Node* households = root.find("households")) {
    spec.households = read_panel_spec(*households, steps, steps_per_year);
  }
  if (const Node* budget = root.find("budget")) spec.budget = read_budget_spec(*budget);
  if (!spec.households && !spec.budget) {
    root.fail("has neither `households:` nor `budget:` (docs/studies.md)");
  }
  return spec;
}

}  // namespace

ComparisonSpec load_comparison_spec(const std::filesystem::path& file, std::int64_t steps,
                                    std::int64_t steps_per_year) {
  const std::optional<Node> document = yaml::read_document(file, "comparison spec");
  if (!document) yaml::fail_unlocated(file.string() + ": cannot open the comparison spec");
  return read_comparison_spec(*document, steps, steps_per_year);
}

ComparisonSpec parse_comparison_spec(std::string_view text, const std::filesystem::path& origin,
                                     std::int64_t steps, std::int64_t steps_per_year) {
  return read_comparison_spec(yaml::parse_document(text, origin, "comparison spec"), steps,
                              steps_per_year);
}

}  // namespace cpsim

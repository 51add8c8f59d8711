#pragma once
// The `households:` and `budget:` blocks of a study file (docs/studies.md):
// what a household comparison reads from a panel and what a budget sums.
// `cpsim compare BASE.h5 REFORM.h5 --spec FILE` reads the same blocks.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "cpsim/engine/budget_comparison.hpp"
#include "cpsim/engine/household_comparison.hpp"
#include "cpsim/engine/yaml_document.hpp"

namespace cpsim {

/// A `households:` block; `steps` and `steps_per_year` bound its `years`
/// (default: every full year). Throws ScenarioError at the offending key.
PanelSpec read_panel_spec(const yaml::Node& node, std::int64_t steps, std::int64_t steps_per_year);
/// A `budget:` block. Throws ScenarioError.
BudgetSpec read_budget_spec(const yaml::Node& node);

struct ComparisonSpec {
  std::optional<PanelSpec> households;
  std::optional<BudgetSpec> budget;
};

/// The `households:` and `budget:` blocks of a YAML file, its other keys
/// ignored (a study file serves as it is). Throws ScenarioError when the
/// file cannot be read or has neither block.
ComparisonSpec load_comparison_spec(const std::filesystem::path& file, std::int64_t steps,
                                    std::int64_t steps_per_year);

/// The same from a text in memory (a model's default comparison); `origin`
/// names it in errors.
ComparisonSpec parse_comparison_spec(std::string_view text, const std::filesystem::path& origin,
                                     std::int64_t steps, std::int64_t steps_per_year);

}  // namespace cpsim

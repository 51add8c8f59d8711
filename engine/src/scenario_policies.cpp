// A scenario's policy instances (`policies:`) and calendar months
// (`start_date:`, a policy's `start:`/`end:` as YYYY-MM), which only a model
// that steps by months can place.
#include <optional>

#include "scenario_parts.hpp"
#include "yaml_scalar.hpp"

namespace cpsim::scenario_parts {
namespace {

using yaml::Bounds;
using yaml::Entry;
using yaml::fail;
using yaml::Location;
using yaml::Node;

constexpr std::int64_t kMonthsPerYear = 12;

const std::vector<std::string>& policy_schedule_keys() {
  static const std::vector<std::string> keys = {"type", "enabled", "start", "end"};
  return keys;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// A calendar month as a count of months since year 0.
std::optional<std::int64_t> parse_year_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && !is_digit(text[i])) return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t length) {
    std::int64_t value = 0;
    for (std::size_t i = from; i < from + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const std::int64_t month = number(5, 2);
  if (month < 1 || month > 12) return std::nullopt;
  return number(0, 4) * 12 + month - 1;
}

/// Refuses a month YYYY-MM for a model whose steps are not months: its
/// steps have no calendar position.
void require_monthly_steps(const ModelInfo& model, const Node& node, const std::string& path,
                           std::string_view instead) {
  if (model.steps_per_year != kMonthsPerYear) {
    fail(node.location, path,
         "a month YYYY-MM needs a model that steps by months; model '" + model.name +
             "' has steps_per_year " + std::to_string(model.steps_per_year) + " (" +
             std::string(instead) + ")");
  }
}

/// A policy's `start` or `end`: a step number (>= 1) or, with a scenario
/// `start_date`, a month YYYY-MM (step 1 is start_date's month).
std::int64_t get_policy_step(const Node& node, const std::string& path,
                             const std::string& start_date, const ModelInfo& model) {
  if (node.is_scalar() && node.plain && yaml::parse_integer(node.text)) {
    return yaml::get_integer(node, path, Bounds{1.0, std::nullopt, false});
  }
  const auto month = node.is_scalar() ? parse_year_month(node.text) : std::nullopt;
  if (!month) {
    fail(node.location, path,
         "expected a step number or a month YYYY-MM, found " + node.describe());
  }
  require_monthly_steps(model, node, path, "give a step number");
  if (start_date.empty()) {
    fail(node.location, path, "a month needs the scenario's start_date (YYYY-MM of step 1)");
  }
  const std::int64_t step = *month - *parse_year_month(start_date) + 1;
  if (step < 1) {
    fail(node.location, path,
         "month " + yaml::shown(node.text) + " is before start_date " + start_date);
  }
  return step;
}

PolicyInstance validate_policy(const Entry& entry, const ModelInfo& model,
                               const std::string& start_date) {
  const std::string path = "policies." + entry.key;
  if (entry.key.find('.') != std::string::npos) {
    fail(entry.key_location, path, "'.' in a policy name; use letters, digits, '_' or '-'");
  }
  if (!entry.value.is_map()) {
    fail(entry.value.location, path,
         "expected a map with the module's parameters (and type, start, end, enabled), found " +
             entry.value.describe());
  }
  PolicyInstance policy;
  policy.name = entry.key;
  policy.module = entry.key;
  const Node& map = entry.value;
  const Location* module_location = &entry.key_location;
  if (const Node* type = map.find("type")) {
    policy.module = yaml::get_string(*type, path + ".type", "a policy module name");
    module_location = &type->location;
  }
  const PolicyModuleInfo* module = model.find_policy(policy.module);
  if (module == nullptr) {
    const std::vector<std::string> names = model.policy_names();
    std::string message = "unknown policy module '" + yaml::shown(policy.module) + "'";
    const std::string hint = yaml::suggestion(policy.module, names);
    if (!hint.empty()) {
      message += hint;
    } else if (names.empty()) {
      message += " (model '" + model.name + "' has no policy modules)";
    } else {
      message += " (known modules: " + join_list(names, ", ") + ")";
    }
    fail(*module_location, map.find("type") != nullptr ? path + ".type" : path, message);
  }
  if (const Node* enabled = map.find("enabled")) {
    policy.enabled = yaml::get_bool(*enabled, path + ".enabled");
  }
  if (const Node* start = map.find("start")) {
    policy.start = get_policy_step(*start, path + ".start", start_date, model);
  }
  if (const Node* end = map.find("end")) {
    policy.end = get_policy_step(*end, path + ".end", start_date, model);
    policy.end_given = true;
    if (policy.end < policy.start) {
      fail(end->location, path + ".end",
           "ends at step " + std::to_string(policy.end) + ", before its start (step " +
               std::to_string(policy.start) + ")");
    }
  }
  policy.parameters.set_key_prefix(path + ".");
  validate_section(map, module->schema, "", policy.parameters, path + ".", policy_schedule_keys());
  for (const ParamSpec& spec : module->schema.specs()) {
    if (!policy.parameters.contains(spec.path)) {
      policy.parameters.set(spec.path, spec.default_value, {});
    }
  }
  return policy;
}

}  // namespace

std::string validate_start_date(const Node& node, const ModelInfo& model) {
  const std::string& text = yaml::get_string(node, "start_date", "a month YYYY-MM");
  if (!parse_year_month(text)) {
    fail(node.location, "start_date", "expected a month YYYY-MM, found " + node.describe());
  }
  require_monthly_steps(model, node, "start_date", "leave start_date out");
  return text;
}

void validate_policies(const Node& node, const ModelInfo& model, const std::string& start_date,
                       Parameters& parameters) {
  const Node* map = map_or_null(node, "policies", "a map of policy instances by name");
  if (map == nullptr) return;
  for (const Entry& entry : map->entries) {
    parameters.add_policy(validate_policy(entry, model, start_date));
  }
}

}  // namespace cpsim::scenario_parts

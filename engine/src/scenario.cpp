// Scenario loading: read the file and its `extends:` chain, apply overrides,
// then check every key strictly against the model's schema and fill in the
// defaults. Every problem becomes one ScenarioError line
// "file:line:col: key.path: message" (or "--set ARG: message"). The steps
// live in the files scenario_parts.hpp lists; this file holds the top-level
// keys.
#include "cpsim/engine/scenario.hpp"

#include <algorithm>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "scenario_parts.hpp"

namespace cpsim {
namespace scenario_parts {
namespace {

namespace fs = std::filesystem;
using yaml::Bounds;
using yaml::fail;
using yaml::Location;
using yaml::Node;

constexpr std::int64_t kDefaultSeed = 1;

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {"extends",    "name",       "description", "model",
                                                "seed",       "steps",      "scale",       "output",
                                                "parameters", "start_date", "policies"};
  return keys;
}

const ModelInfo& find_model(const Node& node, const ModelRegistry& models) {
  const std::string& name = yaml::get_string(node, "model", "a model name");
  const ModelInfo* info = models.find(name);
  if (info == nullptr) {
    const std::vector<std::string> names = models.names();
    std::string message = "unknown model '" + yaml::shown(name) + "'";
    const std::string hint = yaml::suggestion(name, names);
    if (!hint.empty()) {
      message += hint;
    } else if (!names.empty()) {
      message += " (known models: " + join_list(names, ", ") + ")";
    }
    fail(node.location, "model", message);
  }
  return *info;
}

Scenario validate(const Node& root, const Location& root_location, const fs::path& file,
                  const ModelRegistry& models) {
  root.check_keys(top_level_keys());

  Scenario scenario;
  scenario.file = file;

  const Node* model = root.find("model");
  if (model == nullptr) {
    fail(root_location, "model", "missing required key");
  }
  const ModelInfo& info = find_model(*model, models);
  scenario.model = model->text;

  scenario.name = file.stem().string();
  if (const Node* name = root.find("name")) {
    scenario.name = validate_name(*name, "name");
  }
  if (const Node* description = root.find("description");
      description != nullptr && !description->is_null()) {
    scenario.description = yaml::get_string(*description, "description", "a line of text");
  }

  scenario.seed = kDefaultSeed;
  if (const Node* seed = root.find("seed")) {
    scenario.seed = yaml::get_unsigned(*seed, "seed");
  }

  const Node* steps = root.find("steps");
  if (steps == nullptr) {
    fail(root_location, "steps", "missing required key");
  }
  scenario.steps =
      yaml::get_integer(*steps, "steps", Bounds{1.0, static_cast<double>(kMaxSteps), false});

  if (const Node* scale = root.find("scale")) {
    scenario.scale = yaml::get_real(*scale, "scale", Bounds::at_least(1.0));
  }

  if (const Node* output = root.find("output")) {
    scenario.output = validate_output(*output);
  }

  if (const Node* parameters = root.find("parameters")) {
    if (const Node* map = map_or_null(*parameters, "parameters", "a map of parameters")) {
      validate_section(*map, info.schema, "", scenario.parameters);
    }
  }
  for (const ParamSpec& spec : info.schema.specs()) {
    if (!scenario.parameters.contains(spec.path)) {
      scenario.parameters.set(spec.path, spec.default_value, {});
    }
  }

  if (const Node* start_date = root.find("start_date")) {
    scenario.start_date = validate_start_date(*start_date, info);
    scenario.parameters.set_start_date(scenario.start_date);
  }
  if (const Node* policies = root.find("policies")) {
    validate_policies(*policies, info, scenario.start_date, scenario.parameters);
  }

  scenario.resolved_yaml = emit_resolved(scenario, info);
  return scenario;
}

/// Reads the file and its extends chain, lets `apply_overrides` change the
/// merged tree, then validates it.
template <typename ApplyOverrides>
Scenario load(const fs::path& file, const ModelRegistry& models, ApplyOverrides apply_overrides,
              const std::string_view* text = nullptr) {
  Location root_location;
  Node root = load_with_extends(file, root_location, text);
  apply_overrides(root);
  return validate(root, root_location, file, models);
}

}  // namespace

ScenarioSource read_scenario_source(const fs::path& file) {
  ScenarioSource source{file, {}, {}};
  source.root = load_with_extends(file, source.root_location);
  return source;
}

Scenario load_scenario(const ScenarioSource& source, std::span<const LocatedOverride> overrides,
                       const ModelRegistry& models) {
  Node root = source.root;
  for (const LocatedOverride& override_ : overrides) apply_override(root, override_);
  return validate(root, source.root_location, source.file, models);
}

}  // namespace scenario_parts

namespace {

Scenario load_with_overrides(const std::filesystem::path& file, std::span<const Override> overrides,
                             const ModelRegistry& models, const std::string_view* text) {
  // Each argument is parsed when it is applied, in order, after the files
  // are read: the first problem in command-line order is the one reported.
  return scenario_parts::load(
      file, models,
      [&](yaml::Node& root) {
        for (const Override& override_ : overrides) {
          scenario_parts::apply_override(root, scenario_parts::from_command_line(override_));
        }
      },
      text);
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& file, std::span<const Override> overrides,
                       const ModelRegistry& models) {
  return load_with_overrides(file, overrides, models, nullptr);
}

Scenario load_scenario_text(std::string_view text, const std::filesystem::path& file,
                            std::span<const Override> overrides, const ModelRegistry& models) {
  return load_with_overrides(file, overrides, models, &text);
}

}  // namespace cpsim

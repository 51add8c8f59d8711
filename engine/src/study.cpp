// Study loading: read the study YAML (the located document every input file
// uses), check every key strictly, expand sweeps into variants and contrasts,
// and load every variant's scenario so that a bad override or file is
// refused before anything runs. Errors are one ScenarioError line
// "study.yaml:line:col: key.path: message"; an override's error points at
// the key path or the value in the study that gave it.
#include "cpsim/engine/study.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "cpsim/engine/comparison_spec.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "scenario_parts.hpp"
#include "study_designs.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;
using scenario_parts::LocatedOverride;
using yaml::Entry;
using yaml::fail;
using yaml::Node;

const std::vector<std::string>& study_keys() {
  static const std::vector<std::string> keys = {
      "name",       "description", "seed",        "replicates",
      "steps",      "confidence",  "scenario",    "scenarios",
      "sweeps",     "compare",     "metrics",     "summary_window",
      "households", "budget",      "sensitivity", "parameter_uncertainty"};
  return keys;
}

/// A scenario file named in the study, relative to the study's folder.
fs::path scenario_file(const Node& node, const fs::path& folder) {
  const std::string& text = node.as_string("a file name");
  if (text.empty()) node.fail("expected a file name, found an empty string");
  const fs::path file = fs::path(text).is_absolute() ? fs::path(text) : folder / text;
  // Only whether it exists: its type and size are checked when it is read.
  std::error_code error;
  if (!fs::exists(file, error)) {
    node.fail("cannot read scenario file " + file.string() + " (no such file)");
  }
  return file;
}

/// A `scenarios:` entry before sweeps are applied.
struct ScenarioEntry {
  const Entry* entry = nullptr;  ///< its key, for messages
  fs::path file;
  std::vector<Override> overrides;       ///< as the variant lists them
  std::vector<LocatedOverride> located;  ///< the same, as loaded
};

/// The scenario files a study names, each read once for all the variants
/// of every entry that names it (when the first is loaded).
using Sources = std::map<fs::path, scenario_parts::ScenarioSource>;

struct SweepEntry {
  const Node* parameter = nullptr;
  std::vector<const Node*> values;
  std::string path;  ///< "sweeps[i]"
};

/// A sweep label's key: "parameters.pension.rural_basic_month" ->
/// "pension.rural_basic_month", "policies.rural_pension.monthly_amount" ->
/// "rural_pension.monthly_amount"; other keys as written.
std::string short_parameter(const std::string& path) {
  for (const std::string_view prefix :
       {std::string_view("parameters."), std::string_view("policies.")}) {
    if (path.starts_with(prefix)) return path.substr(prefix.size());
  }
  return path;
}

/// Loads a variant's scenario. An error of one of the study's overrides is
/// located in the study already; any other is reported at the variant's
/// entry, quoting the scenario's own error.
Scenario load_variant(const ScenarioEntry& entry, std::span<const LocatedOverride> overrides,
                      Sources& sources, const ModelRegistry& models) {
  try {
    auto source = sources.find(entry.file);
    if (source == sources.end()) {
      source = sources.emplace(entry.file, scenario_parts::read_scenario_source(entry.file)).first;
    }
    return scenario_parts::load_scenario(source->second, overrides, models);
  } catch (const yaml::OverrideError&) {
    throw;
  } catch (const ScenarioError& e) {
    fail(entry.entry->key_location, "scenarios." + entry.entry->key, e.what());
  }
}

void emit_households(YAML::Emitter& out, const PanelSpec& spec) {
  out << YAML::Key << "households" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "table" << YAML::Value << spec.table;
  out << YAML::Key << "income" << YAML::Value << spec.income;
  out << YAML::Key << "persons" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [label, column] : spec.persons)
    out << YAML::Key << label << YAML::Value << column;
  out << YAML::EndMap;
  out << YAML::Key << "groups" << YAML::Value << YAML::BeginMap;
  for (const PanelGroup& group : spec.groups) {
    out << YAML::Key << group.name << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "column" << YAML::Value << group.column;
    out << YAML::Key << "masks" << YAML::Value << YAML::BeginMap;
    for (const auto& [label, mask] : group.masks) out << YAML::Key << label << YAML::Value << mask;
    out << YAML::EndMap;
    out << YAML::Key << "other" << YAML::Value << group.other;
    if (!group.ratio.empty()) out << YAML::Key << "ratio" << YAML::Value << group.ratio;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::Key << "relative_poverty" << YAML::Value << spec.relative_poverty;
  out << YAML::Key << "poverty_lines" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [label, line] : spec.poverty_lines)
    out << YAML::Key << label << YAML::Value << line;
  out << YAML::EndMap;
  out << YAML::Key << "years" << YAML::Value << YAML::Flow << spec.years;
  out << YAML::EndMap;
}

void emit_study(YAML::Emitter& out, const Study& study) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << study.name;
  if (!study.description.empty()) {
    out << YAML::Key << "description" << YAML::Value << study.description;
  }
  out << YAML::Key << "seed" << YAML::Value << study.seed;
  out << YAML::Key << "replicates" << YAML::Value << study.replicates;
  if (study.steps) out << YAML::Key << "steps" << YAML::Value << *study.steps;
  out << YAML::Key << "confidence" << YAML::Value << study.confidence;
  out << YAML::Key << "summary_window" << YAML::Value << study.summary_window;
  out << YAML::Key << "scenarios" << YAML::Value << YAML::BeginMap;
  // A design's points follow from its block and the seed.
  if (study.sensitivity) study_designs::emit_design_scenario(out, study);
  for (const StudyVariant& variant : study.variants) {
    if (study.sensitivity) break;
    out << YAML::Key << variant.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "file" << YAML::Value << variant.scenario.file.string();
    if (!variant.overrides.empty()) {
      out << YAML::Key << "set" << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const Override& o : variant.overrides) {
        out << YAML::Key << o.path << YAML::Value << YAML::Load(o.value);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  if (!study.contrasts.empty()) {
    out << YAML::Key << "compare" << YAML::Value << YAML::BeginSeq;
    for (const StudyContrast& contrast : study.contrasts) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "reform" << YAML::Value
          << study.variants[contrast.reform].name << YAML::Key << "baseline" << YAML::Value
          << study.variants[contrast.baseline].name << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!study.summary_metrics.empty()) {
    out << YAML::Key << "metrics" << YAML::Value << YAML::Flow << study.summary_metrics;
  }
  study_designs::emit(out, study);
  if (study.households) emit_households(out, *study.households);
  if (study.budget) {
    const BudgetSpec& b = *study.budget;
    out << YAML::Key << "budget" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "spending" << YAML::Value << b.spending;
    if (!b.revenue.empty()) {
      out << YAML::Key << "revenue" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "metric" << YAML::Value << b.revenue;
      out << YAML::Key << "rows" << YAML::Value << YAML::Flow << b.revenue_rows;
      if (!b.revenue_column.empty()) {
        out << YAML::Key << "column" << YAML::Value << b.revenue_column;
      }
      out << YAML::EndMap;
    }
    out << YAML::Key << "discount_rate" << YAML::Value << b.discount_rate;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

std::uint64_t replicate_seed(std::uint64_t study_seed, std::uint64_t replicate) noexcept {
  const auto splitmix64 = [](std::uint64_t x) {
    x ^= x >> 30U;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27U;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31U;
    return x;
  };
  return splitmix64(splitmix64(study_seed) + (replicate + 1) * 0x9e3779b97f4a7c15ULL);
}

namespace {

Study study_from_document(const Node& root, const fs::path& file, const ModelRegistry& models,
                          std::optional<std::int64_t> replicates) {
  if (!root.is_map()) root.fail("a study file must be a map of keys, found " + root.describe());
  root.check_keys(study_keys());
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");

  Study study;
  study.file = file;
  const Node* study_name = root.find("name");
  study.name = study_name != nullptr ? scenario_parts::validate_name(*study_name, "name")
                                     : file.stem().string();
  if (const Node* description = root.find("description")) {
    study.description = description->as_string("a line of text");
  }
  if (const Node* seed = root.find("seed")) study.seed = seed->as_unsigned();
  if (replicates) {
    if (*replicates < 1 || *replicates > kMaxReplicates) {
      throw ScenarioError("--replicates: expected 1 to " + std::to_string(kMaxReplicates) +
                          ", found " + std::to_string(*replicates));
    }
    study.replicates = *replicates;
  } else {
    study.replicates =
        root.required("replicates", "missing (how many replicates of each scenario to run)")
            .as_integer(yaml::Bounds{1.0, static_cast<double>(kMaxReplicates), false});
  }
  if (const Node* steps = root.find("steps"))
    study.steps = steps->as_integer(yaml::Bounds::at_least(1));
  if (const Node* confidence = root.find("confidence")) {
    study.confidence = confidence->as_real();
    if (!(study.confidence > 0 && study.confidence < 1)) {
      confidence->fail("expected a level between 0 and 1 (e.g. 0.95), found " +
                       confidence->describe());
    }
  }
  if (const Node* window = root.find("summary_window")) {
    study.summary_window = window->as_integer(yaml::Bounds::at_least(0));
  }
  std::optional<fs::path> default_file;
  if (const Node* scenario = root.find("scenario")) default_file = scenario_file(*scenario, folder);

  // --- scenarios
  const Node& scenarios =
      root.required("scenarios", "missing (the scenario variants to run)").expect_map();
  if (scenarios.entries.empty()) scenarios.fail("expected at least one scenario");
  std::vector<ScenarioEntry> entries;
  for (const Entry& item : scenarios.entries) {
    ScenarioEntry scenario{&item, {}, {}, {}};
    const Node& body = item.value.expect_map();
    body.check_keys({"file", "set"});
    if (const Node* scenario_path = body.find("file")) {
      scenario.file = scenario_file(*scenario_path, folder);
    } else if (default_file) {
      scenario.file = *default_file;
    } else {
      fail(body.location, body.path + ".file",
           "missing (name a scenario file here or in the study's `scenario:`)");
    }
    if (const Node* set = body.find("set")) {
      for (const Entry& override_ : set->expect_map().entries) {
        scenario.overrides.push_back({override_.key, yaml::to_yaml_text(override_.value)});
        scenario.located.push_back(scenario_parts::from_document(
            override_.key, override_.key_location, override_.value.path, override_.value));
      }
    }
    entries.push_back(std::move(scenario));
  }
  auto find_entry = [&](const Node& node) -> std::size_t {
    const std::string& name = node.as_string("a scenario name");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].entry->key == name) return i;
      names.push_back(entries[i].entry->key);
    }
    node.fail("no scenario named '" + yaml::shown(name) + "' in `scenarios:`" +
              yaml::suggestion(name, names));
  };

  // --- sweeps, grouped by the scenario they apply to (a grid, in order)
  std::map<std::size_t, std::vector<SweepEntry>> sweeps;
  if (const Node* list = root.find("sweeps")) {
    for (const Node& item : list->expect_list().items) {
      const Node& sweep = item.expect_map();
      sweep.check_keys({"scenario", "parameter", "values"});
      for (const char* key : {"scenario", "parameter", "values"})
        (void)sweep.required(key, "missing");
      const std::size_t target = find_entry(sweep.required("scenario"));
      SweepEntry entry{&sweep.required("parameter"), {}, sweep.path};
      const std::string& parameter = entry.parameter->as_string("a key path");
      for (const SweepEntry& other : sweeps[target]) {
        if (other.parameter->text == parameter) {
          entry.parameter->fail("'" + yaml::shown(parameter) + "' is already swept on scenario '" +
                                entries[target].entry->key + "' by " + other.path);
        }
      }
      const Node& values = sweep.required("values").expect_list();
      if (values.items.empty()) values.fail("expected at least one value");
      std::set<std::string> seen;
      for (const Node& value : values.items) {
        const std::string text = yaml::to_yaml_text(value);
        if (!seen.insert(text).second) value.fail("duplicate value '" + yaml::shown(text) + "'");
        entry.values.push_back(&value);
      }
      sweeps[target].push_back(std::move(entry));
    }
  }

  // --- how many variants and runs, before any is made
  std::int64_t variant_count = 0;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    std::int64_t grid_size = 1;
    if (const auto swept = sweeps.find(e); swept != sweeps.end()) {
      for (const SweepEntry& sweep : swept->second) {
        // Saturates: a grid above the bound is refused whatever its size.
        grid_size = std::min<std::int64_t>(
            grid_size * static_cast<std::int64_t>(sweep.values.size()), kMaxVariants + 1);
      }
    }
    variant_count = std::min<std::int64_t>(variant_count + grid_size, kMaxVariants + 1);
  }
  if (variant_count > kMaxVariants) {
    const Node& where = root.find("sweeps") != nullptr ? *root.find("sweeps") : scenarios;
    where.fail("more than " + std::to_string(kMaxVariants) +
               " scenario variants (sweep grids expanded), the most a study may have");
  }
  if (variant_count * study.replicates > kMaxRuns) {
    const std::string message =
        std::to_string(variant_count) + " scenario variants x " + std::to_string(study.replicates) +
        " replicates = " + std::to_string(variant_count * study.replicates) +
        " runs, more than the " + std::to_string(kMaxRuns) + " a study may have";
    if (replicates) throw ScenarioError("--replicates: " + message);
    root.required("replicates").fail(message);
  }

  // --- variants: every scenario, or its sweep grid (first sweep outermost)
  std::vector<std::vector<std::size_t>> variants_of(entries.size());
  std::vector<std::vector<LocatedOverride>> located;  // parallel to study.variants
  // Reserved: a variant (its scenario) is large to move, and a grid has
  // up to kMaxVariants of them.
  study.variants.reserve(static_cast<std::size_t>(variant_count));
  located.reserve(static_cast<std::size_t>(variant_count));
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const ScenarioEntry& entry = entries[e];
    const std::string& name = entry.entry->key;
    const auto swept = sweeps.find(e);
    if (swept == sweeps.end()) {
      variants_of[e].push_back(study.variants.size());
      study.variants.push_back({name, name, entry.overrides, {}});
      located.push_back(entry.located);
      continue;
    }
    const std::vector<SweepEntry>& grid = swept->second;
    // Each sweep value as an override and as text, once, not per grid point.
    std::vector<std::vector<LocatedOverride>> point_overrides(grid.size());
    std::vector<std::vector<std::string>> point_texts(grid.size());
    for (std::size_t g = 0; g < grid.size(); ++g) {
      const Node& parameter = *grid[g].parameter;
      for (const Node* value : grid[g].values) {
        point_overrides[g].push_back(scenario_parts::from_document(
            parameter.text, parameter.location, parameter.path, *value));
        point_texts[g].push_back(yaml::to_yaml_text(*value));
      }
    }
    std::vector<std::size_t> index(grid.size(), 0);
    while (true) {
      StudyVariant variant{name + "[", name, entry.overrides, {}};
      std::vector<LocatedOverride> variant_located;
      variant_located.reserve(entry.located.size() + grid.size() + 1);
      variant_located = entry.located;
      for (std::size_t g = 0; g < grid.size(); ++g) {
        const std::string& parameter = grid[g].parameter->text;
        const std::string& text = point_texts[g][index[g]];
        variant.overrides.push_back({parameter, text});
        variant_located.push_back(point_overrides[g][index[g]]);
        if (g > 0) variant.name += ',';
        variant.name += short_parameter(parameter);
        variant.name += '=';
        variant.name += text;
      }
      variant.name += "]";
      variants_of[e].push_back(study.variants.size());
      study.variants.push_back(std::move(variant));
      located.push_back(std::move(variant_located));
      std::size_t g = grid.size();
      while (g > 0 && ++index[g - 1] == grid[g - 1].values.size()) index[--g] = 0;
      if (g == 0) break;
    }
  }

  // --- load every variant now: a bad override fails before anything runs
  Sources sources;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const ScenarioEntry& entry = entries[e];
    for (const std::size_t v : variants_of[e]) {
      StudyVariant& variant = study.variants[v];
      std::vector<LocatedOverride>& overrides = located[v];
      if (study.steps) {
        const Entry& steps = *root.find_entry("steps");
        overrides.push_back(
            scenario_parts::from_document("steps", steps.key_location, "steps", steps.value));
      }
      variant.scenario = load_variant(entry, overrides, sources, models);
      const Scenario& first = study.variants.front().scenario;
      const std::string path = "scenarios." + entry.entry->key;
      if (variant.scenario.model != first.model) {
        fail(entry.entry->key_location, path,
             "model '" + variant.scenario.model + "' differs from model '" + first.model +
                 "' of scenario '" + study.variants.front().name +
                 "' (a study compares variants of one model)");
      }
      if (variant.scenario.scale != first.scale) {
        fail(entry.entry->key_location, path,
             "scale " + yaml::shown(std::to_string(variant.scenario.scale)) +
                 " differs from the scale of scenario '" + study.variants.front().name +
                 "' (variants of a study stand for the same population)");
      }
      if (variant.scenario.steps != first.steps) {
        fail(entry.entry->key_location, path,
             std::to_string(variant.scenario.steps) + " steps differ from the " +
                 std::to_string(first.steps) + " of scenario '" + study.variants.front().name +
                 "' (set the study's `steps:`)");
      }
    }
  }

  // A monthly model's summary averages its last year unless the file says.
  if (const ModelInfo* model = models.find(study.variants.front().scenario.model)) {
    study.steps_per_year = model->steps_per_year;
    if (root.find("summary_window") == nullptr) study.summary_window = study.steps_per_year;
  }

  study.scale = study.variants.front().scenario.scale;
  if (const Node* households = root.find("households")) {
    study.households =
        read_panel_spec(*households, study.variants.front().scenario.steps, study.steps_per_year);
    study.households_location = households->location.source();
  }
  if (const Node* budget = root.find("budget")) {
    study.budget = read_budget_spec(*budget);
    study.budget_location = budget->location.source();
  }

  // --- contrasts
  if (const Node* list = root.find("compare")) {
    for (const Node& listed : list->expect_list().items) {
      const Node& item = listed.expect_map();
      item.check_keys({"reform", "baseline"});
      for (const char* key : {"reform", "baseline"}) (void)item.required(key, "missing");
      const std::size_t reform = find_entry(item.required("reform"));
      const Node& baseline_node = item.required("baseline");
      const std::size_t baseline = find_entry(baseline_node);
      if (variants_of[baseline].size() != 1) {
        baseline_node.fail("scenario '" + entries[baseline].entry->key +
                           "' is swept; a baseline must be a single scenario");
      }
      const std::size_t b = variants_of[baseline].front();
      for (const std::size_t r : variants_of[reform]) {
        study.contrasts.push_back({study.variants[r].name + " - " + study.variants[b].name, r, b});
      }
    }
    if (!study.contrasts.empty() && study.replicates < 2) {
      const std::string message = "a confidence interval needs at least 2 replicates, found " +
                                  std::to_string(study.replicates);
      if (replicates) throw ScenarioError("--replicates: " + message);
      root.required("replicates").fail(message);
    }
  }

  // --- summary metrics (checked against the model's metrics when it is built)
  if (const Node* list = root.find("metrics")) {
    for (const Node& item : list->expect_list().items) {
      study.summary_metrics.push_back(item.as_string("a metric name"));
      study.summary_locations.push_back(item.location.source());
    }
  }

  study_designs::read(study, root, folder, models);

  YAML::Emitter emitter;
  emit_study(emitter, study);
  study.resolved_yaml = emitter.c_str();
  return study;
}

}  // namespace

Study load_study(const fs::path& file, const ModelRegistry& models,
                 std::optional<std::int64_t> replicates) {
  const std::optional<Node> document = yaml::read_document(file, "study file");
  if (!document) yaml::fail_unlocated(file.string() + ": cannot open study file");
  return study_from_document(*document, file, models, replicates);
}

Study load_study_text(std::string_view text, const fs::path& file, const ModelRegistry& models) {
  return study_from_document(yaml::parse_document(text, file, "study file"), file, models,
                             std::nullopt);
}

}  // namespace cpsim

// Study loading: read the study YAML, check every key strictly, expand
// sweeps into variants and contrasts, and load every variant's scenario so
// that a bad override or file is refused before anything runs. Errors are
// one ScenarioError line "study.yaml:line:col: key.path: message".
#include "cpsim/engine/study.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;

/// Makes any text safe for a one-line message.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string shown(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + one_line(node.Scalar()) + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

/// The YAML text of a node, as an override value (load_scenario parses it).
std::string yaml_text(const YAML::Node& node) {
  // A quoted scalar stays a string ("600" is not 600).
  if (node.IsScalar() && node.Tag() != "!") return node.Scalar();
  YAML::Emitter emitter;
  emitter << YAML::Flow;
  if (node.IsScalar()) emitter << YAML::DoubleQuoted;
  emitter << node;
  return emitter.c_str();
}

/// Reads one study file, remembering it for messages.
class StudyReader {
 public:
  explicit StudyReader(fs::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const {
    fail(node.Mark(), path, message);
  }
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path,
                         const std::string& message) const {
    std::string text = file_.string();
    if (!mark.is_null()) {
      text += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
    text += ": ";
    if (!path.empty()) text += path + ": ";
    throw ScenarioError(one_line(text + message));
  }
  [[nodiscard]] SourceLocation where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {file_.string(), 0, 0};
    return {file_.string(), mark.line + 1, mark.column + 1};
  }

  YAML::Node load() const {
    std::error_code error;
    if (fs::is_directory(file_, error)) {
      throw ScenarioError(file_.string() + ": is a folder, not a study file");
    }
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw ScenarioError(file_.string() + ": cannot read (no such file or no permission)");
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find('\0') != std::string::npos) {
      throw ScenarioError(file_.string() + ": not a YAML text file (contains NUL bytes)");
    }
    YAML::Node root;
    try {
      root = YAML::Load(text.str());
    } catch (const YAML::Exception& e) {
      fail(e.mark, "", "invalid YAML: " + e.msg);
    }
    if (!root.IsMap()) fail(root, "", "a study file must be a map of keys, found " + shown(root));
    return root;
  }

  /// Refuses keys outside `allowed` (with a suggestion) and duplicate keys.
  void check_keys(const YAML::Node& map, const std::string& path,
                  const std::vector<std::string>& allowed) const {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      const std::string where = path.empty() ? key.Scalar() : path + "." + key.Scalar();
      if (!key.IsScalar()) fail(key, path, "keys must be plain names, found " + shown(key));
      if (std::find(allowed.begin(), allowed.end(), key.Scalar()) == allowed.end()) {
        const std::string hint = did_you_mean(key.Scalar(), allowed);
        fail(key, where,
             "unknown key" + (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)"));
      }
      if (!seen.insert(key.Scalar()).second) fail(key, where, "duplicate key");
    }
  }

  YAML::Node require_map(const YAML::Node& node, const std::string& path) const {
    if (!node.IsMap()) fail(node, path, "expected a map, found " + shown(node));
    return node;
  }
  YAML::Node require_list(const YAML::Node& node, const std::string& path) const {
    if (!node.IsSequence()) fail(node, path, "expected a list, found " + shown(node));
    return node;
  }

  std::string string(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) fail(node, path, "expected text, found " + shown(node));
    return node.Scalar();
  }

  std::int64_t integer(const YAML::Node& node, const std::string& path, std::int64_t min) const {
    if (!node.IsScalar() || node.Tag() == "!") {
      fail(node, path, "expected an integer, found " + shown(node));
    }
    const std::string& text = node.Scalar();
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      fail(node, path, "expected an integer, found " + shown(node));
    }
    if (value < min) {
      fail(node, path, "expected >= " + std::to_string(min) + ", found " + std::to_string(value));
    }
    return value;
  }

  std::uint64_t unsigned_integer(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar() || node.Tag() == "!") {
      fail(node, path, "expected an unsigned integer, found " + shown(node));
    }
    const std::string& text = node.Scalar();
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      fail(node, path, "expected an unsigned 64-bit integer, found " + shown(node));
    }
    return value;
  }

  double real(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar() || node.Tag() == "!") {
      fail(node, path, "expected a number, found " + shown(node));
    }
    const std::string& text = node.Scalar();
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      fail(node, path, "expected a number, found " + shown(node));
    }
    return value;
  }

  /// A scenario file named in the study, relative to the study's folder.
  fs::path scenario_file(const YAML::Node& node, const std::string& path) const {
    const std::string text = string(node, path);
    if (text.empty()) fail(node, path, "expected a file name, found ''");
    const fs::path file = fs::path(text).is_absolute() ? fs::path(text) : folder() / text;
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
      fail(node, path, "cannot read scenario file " + file.string() + " (no such file)");
    }
    return file;
  }

  [[nodiscard]] fs::path folder() const {
    return file_.has_parent_path() ? file_.parent_path() : fs::path(".");
  }
  [[nodiscard]] const fs::path& file() const noexcept { return file_; }

 private:
  fs::path file_;
};

/// Where in the study an override was written, for its errors.
struct OverrideOrigin {
  YAML::Node node;
  std::string path;
};

/// A `scenarios:` entry before sweeps are applied.
struct ScenarioEntry {
  std::string name;
  YAML::Node key;  ///< for messages
  fs::path file;
  std::vector<Override> overrides;
  std::vector<OverrideOrigin> origins;  ///< parallel to overrides
};

struct SweepEntry {
  std::string parameter;
  std::vector<YAML::Node> values;
  std::string path;  ///< "sweeps[i]"
};

/// "parameters.pension.rural_basic_month" -> "pension.rural_basic_month".
std::string short_parameter(const std::string& path) {
  constexpr std::string_view prefix = "parameters.";
  return path.starts_with(prefix) ? path.substr(prefix.size()) : path;
}

/// Loads a variant's scenario. An error caused by one of the study's
/// overrides ("--set PATH=VALUE: ...") is reported where the study wrote it;
/// any other at the variant's entry.
Scenario load_variant(const StudyReader& reader, const YAML::Node& node, const std::string& path,
                      const fs::path& file, const std::vector<Override>& overrides,
                      const std::vector<OverrideOrigin>& origins, const ModelRegistry& models) {
  try {
    return load_scenario(file, overrides, models);
  } catch (const ScenarioError& e) {
    const std::string message = e.what();
    for (std::size_t i = overrides.size(); i-- > 0;) {
      const std::string prefix = "--set " + overrides[i].path + "=" + overrides[i].value + ": ";
      if (message.starts_with(prefix)) {
        reader.fail(origins[i].node, origins[i].path, message.substr(prefix.size()));
      }
    }
    reader.fail(node, path, message);
  }
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
  for (const StudyVariant& variant : study.variants) {
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

Study load_study(const fs::path& file, const ModelRegistry& models,
                 std::optional<std::int64_t> replicates) {
  const StudyReader reader(file);
  const YAML::Node root = reader.load();
  reader.check_keys(root, "",
                    {"name", "description", "seed", "replicates", "steps", "confidence", "scenario",
                     "scenarios", "sweeps", "compare", "metrics", "summary_window"});
  Study study;
  study.file = file;
  study.name = root["name"] ? reader.string(root["name"], "name") : file.stem().string();
  if (root["description"]) study.description = reader.string(root["description"], "description");
  if (root["seed"]) study.seed = reader.unsigned_integer(root["seed"], "seed");
  if (replicates) {
    study.replicates = *replicates;
  } else if (root["replicates"]) {
    study.replicates = reader.integer(root["replicates"], "replicates", 1);
  } else {
    reader.fail(root, "replicates", "missing (how many replicates of each scenario to run)");
  }
  if (root["steps"]) study.steps = reader.integer(root["steps"], "steps", 1);
  if (root["confidence"]) {
    study.confidence = reader.real(root["confidence"], "confidence");
    if (!(study.confidence > 0 && study.confidence < 1)) {
      reader.fail(
          root["confidence"], "confidence",
          "expected a level between 0 and 1 (e.g. 0.95), found " + shown(root["confidence"]));
    }
  }
  if (root["summary_window"]) {
    study.summary_window = reader.integer(root["summary_window"], "summary_window", 0);
  }
  std::optional<fs::path> default_file;
  if (root["scenario"]) default_file = reader.scenario_file(root["scenario"], "scenario");

  // --- scenarios
  if (!root["scenarios"]) reader.fail(root, "scenarios", "missing (the scenario variants to run)");
  const YAML::Node scenarios = reader.require_map(root["scenarios"], "scenarios");
  if (scenarios.size() == 0) reader.fail(scenarios, "scenarios", "expected at least one scenario");
  reader.check_keys(scenarios, "scenarios", [&] {
    std::vector<std::string> names;
    for (const auto& entry : scenarios) names.push_back(entry.first.Scalar());
    return names;
  }());
  std::vector<ScenarioEntry> entries;
  for (const auto& entry : scenarios) {
    ScenarioEntry scenario{entry.first.Scalar(), entry.first, {}, {}, {}};
    const std::string path = "scenarios." + scenario.name;
    const YAML::Node body = reader.require_map(entry.second, path);
    reader.check_keys(body, path, {"file", "set"});
    if (body["file"]) {
      scenario.file = reader.scenario_file(body["file"], path + ".file");
    } else if (default_file) {
      scenario.file = *default_file;
    } else {
      reader.fail(body, path + ".file",
                  "missing (name a scenario file here or in the study's `scenario:`)");
    }
    if (body["set"]) {
      const YAML::Node set = reader.require_map(body["set"], path + ".set");
      std::set<std::string> seen;
      for (const auto& item : set) {
        const std::string key = reader.string(item.first, path + ".set");
        if (!seen.insert(key).second)
          reader.fail(item.first, path + ".set." + key, "duplicate key");
        scenario.overrides.push_back({key, yaml_text(item.second)});
        scenario.origins.push_back({item.second, path + ".set." + key});
      }
    }
    entries.push_back(std::move(scenario));
  }
  auto find_entry = [&](const YAML::Node& node, const std::string& path) -> std::size_t {
    const std::string name = reader.string(node, path);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].name == name) return i;
    }
    std::vector<std::string> names;
    for (const auto& e : entries) names.push_back(e.name);
    const std::string hint = did_you_mean(name, names);
    reader.fail(node, path,
                "no scenario named '" + name + "' in `scenarios:`" +
                    (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)"));
  };

  // --- sweeps, grouped by the scenario they apply to (a grid, in order)
  std::map<std::size_t, std::vector<SweepEntry>> sweeps;
  if (root["sweeps"]) {
    const YAML::Node list = reader.require_list(root["sweeps"], "sweeps");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = "sweeps[" + std::to_string(i) + "]";
      const YAML::Node sweep = reader.require_map(list[i], path);
      reader.check_keys(sweep, path, {"scenario", "parameter", "values"});
      for (const char* key : {"scenario", "parameter", "values"}) {
        if (!sweep[key]) reader.fail(sweep, path + "." + key, "missing");
      }
      const std::size_t target = find_entry(sweep["scenario"], path + ".scenario");
      SweepEntry entry{reader.string(sweep["parameter"], path + ".parameter"), {}, path};
      for (const SweepEntry& other : sweeps[target]) {
        if (other.parameter == entry.parameter) {
          reader.fail(sweep["parameter"], path + ".parameter",
                      "'" + entry.parameter + "' is already swept on scenario '" +
                          entries[target].name + "' by " + other.path);
        }
      }
      const YAML::Node values = reader.require_list(sweep["values"], path + ".values");
      if (values.size() == 0) reader.fail(values, path + ".values", "expected at least one value");
      std::set<std::string> seen;
      for (std::size_t v = 0; v < values.size(); ++v) {
        if (!seen.insert(yaml_text(values[v])).second) {
          reader.fail(values[v], path + ".values[" + std::to_string(v) + "]",
                      "duplicate value " + shown(values[v]));
        }
        entry.values.push_back(values[v]);
      }
      sweeps[target].push_back(std::move(entry));
    }
  }

  // --- variants: every scenario, or its sweep grid (first sweep outermost)
  std::vector<std::vector<std::size_t>> variants_of(entries.size());
  std::vector<std::vector<OverrideOrigin>> origins;  // parallel to study.variants
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const ScenarioEntry& entry = entries[e];
    const auto swept = sweeps.find(e);
    if (swept == sweeps.end()) {
      variants_of[e].push_back(study.variants.size());
      study.variants.push_back({entry.name, entry.name, entry.overrides, {}});
      origins.push_back(entry.origins);
      continue;
    }
    const std::vector<SweepEntry>& grid = swept->second;
    std::vector<std::size_t> index(grid.size(), 0);
    while (true) {
      StudyVariant variant{entry.name + "[", entry.name, entry.overrides, {}};
      std::vector<OverrideOrigin> variant_origins = entry.origins;
      for (std::size_t g = 0; g < grid.size(); ++g) {
        const std::string value = yaml_text(grid[g].values[index[g]]);
        variant.overrides.push_back({grid[g].parameter, value});
        variant_origins.push_back(
            {grid[g].values[index[g]], grid[g].path + ".values[" + std::to_string(index[g]) + "]"});
        if (g > 0) variant.name += ',';
        variant.name += short_parameter(grid[g].parameter);
        variant.name += '=';
        variant.name += value;
      }
      variant.name += "]";
      variants_of[e].push_back(study.variants.size());
      study.variants.push_back(std::move(variant));
      origins.push_back(std::move(variant_origins));
      std::size_t g = grid.size();
      while (g > 0 && ++index[g - 1] == grid[g - 1].values.size()) index[--g] = 0;
      if (g == 0) break;
    }
  }

  // --- load every variant now: a bad override fails before anything runs
  for (std::size_t e = 0; e < entries.size(); ++e) {
    for (const std::size_t v : variants_of[e]) {
      StudyVariant& variant = study.variants[v];
      std::vector<Override> overrides = variant.overrides;
      std::vector<OverrideOrigin> override_origins = origins[v];
      if (study.steps) {
        overrides.push_back({"steps", std::to_string(*study.steps)});
        override_origins.push_back({root["steps"], "steps"});
      }
      variant.scenario = load_variant(reader, entries[e].key, "scenarios." + entries[e].name,
                                      entries[e].file, overrides, override_origins, models);
      const Scenario& first = study.variants.front().scenario;
      if (variant.scenario.model != first.model) {
        reader.fail(entries[e].key, "scenarios." + entries[e].name,
                    "model '" + variant.scenario.model + "' differs from model '" + first.model +
                        "' of scenario '" + study.variants.front().name +
                        "' (a study compares variants of one model)");
      }
      if (variant.scenario.steps != first.steps) {
        reader.fail(entries[e].key, "scenarios." + entries[e].name,
                    std::to_string(variant.scenario.steps) + " steps differ from the " +
                        std::to_string(first.steps) + " of scenario '" +
                        study.variants.front().name + "' (set the study's `steps:`)");
      }
    }
  }

  // A monthly model's summary averages its last year unless the file says.
  if (const ModelInfo* model = models.find(study.variants.front().scenario.model)) {
    study.steps_per_year = model->steps_per_year;
    if (!root["summary_window"]) study.summary_window = study.steps_per_year;
  }

  // --- contrasts
  if (root["compare"]) {
    const YAML::Node list = reader.require_list(root["compare"], "compare");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = "compare[" + std::to_string(i) + "]";
      const YAML::Node item = reader.require_map(list[i], path);
      reader.check_keys(item, path, {"reform", "baseline"});
      for (const char* key : {"reform", "baseline"}) {
        if (!item[key]) reader.fail(item, path + "." + key, "missing");
      }
      const std::size_t reform = find_entry(item["reform"], path + ".reform");
      const std::size_t baseline = find_entry(item["baseline"], path + ".baseline");
      if (variants_of[baseline].size() != 1) {
        reader.fail(item["baseline"], path + ".baseline",
                    "scenario '" + entries[baseline].name +
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
      reader.fail(root["replicates"], "replicates", message);
    }
  }

  // --- summary metrics (checked against the model's metrics when it is built)
  if (root["metrics"]) {
    const YAML::Node list = reader.require_list(root["metrics"], "metrics");
    for (std::size_t i = 0; i < list.size(); ++i) {
      study.summary_metrics.push_back(reader.string(list[i], "metrics[" + std::to_string(i) + "]"));
      study.summary_locations.push_back(reader.where(list[i]));
    }
  }

  YAML::Emitter emitter;
  emit_study(emitter, study);
  study.resolved_yaml = emitter.c_str();
  return study;
}

}  // namespace cpsim

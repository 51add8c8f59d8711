// Calibration loading: read the calibration YAML (the located document every
// input file uses), check every key, load its scenario at each parameter's
// bounds and start (as a study loads its variants: an override the scenario
// refuses is located in the calibration file), and check the moments against
// the metrics the model declares. Also the moments of one run.
#include "cpsim/engine/calibration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_results.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "scenario_parts.hpp"

namespace cpsim {

namespace fs = std::filesystem;
using scenario_parts::LocatedOverride;
using yaml::Entry;
using yaml::Node;

struct Calibration::Source {
  scenario_parts::ScenarioSource scenario;
  std::vector<LocatedOverride> fixed;  ///< scale, steps, set: (in that order)
  std::vector<Override> fixed_text;
  std::vector<Node> parameter_nodes;  ///< each parameter's key, where its values are located
  yaml::Location scenario_location;   ///< of `scenario:`, where other scenario errors point
};

Calibration::Calibration() = default;
Calibration::~Calibration() = default;
Calibration::Calibration(Calibration&&) noexcept = default;
Calibration& Calibration::operator=(Calibration&&) noexcept = default;

std::string real_text(double x) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.17g", x);
  std::string text(buffer.data());
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

namespace {

const std::vector<std::string>& calibration_keys() {
  static const std::vector<std::string> keys = {
      "name",  "description", "scenario",   "scale",   "steps",  "set",
      "seeds", "confidence",  "parameters", "moments", "method", "sensitivity"};
  return keys;
}

/// The algorithms a calibration may name: NLopt's bounded derivative-free
/// ones (docs/calibration.md).
const std::vector<std::string>& local_algorithms() {
  static const std::vector<std::string> names = {"LN_BOBYQA", "LN_NELDERMEAD", "LN_SBPLX",
                                                 "LN_COBYLA"};
  return names;
}
const std::vector<std::string>& global_algorithms() {
  static const std::vector<std::string> names = {"GN_CRS2_LM", "GN_ISRES", "GN_DIRECT_L",
                                                 "GN_ESCH"};
  return names;
}

std::string algorithm_name(const Node& node, bool local_only) {
  const std::string& name = node.as_string("an NLopt algorithm name");
  std::vector<std::string> allowed = local_algorithms();
  if (!local_only) {
    allowed.insert(allowed.end(), global_algorithms().begin(), global_algorithms().end());
  }
  if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
    node.fail("unknown algorithm '" + yaml::shown(name) + "'" + yaml::suggestion(name, allowed) +
              " (one of " + scenario_parts::join_list(allowed, ", ") + ")");
  }
  return name;
}

CalibrationMethod read_method(const Node& node) {
  CalibrationMethod method;
  node.expect_map().check_keys({"algorithm", "local", "max_evaluations", "local_max_evaluations",
                                "xtol_rel", "ftol_abs", "initial_step", "seed"});
  if (const Node* algorithm = node.find("algorithm")) {
    method.algorithm = algorithm_name(*algorithm, false);
  }
  if (const Node* local = node.find("local")) method.local = algorithm_name(*local, true);
  const yaml::Bounds evaluations{1.0, static_cast<double>(kMaxCalibrationEvaluations), false};
  if (const Node* n = node.find("max_evaluations")) {
    method.max_evaluations = n->as_integer(evaluations);
  }
  if (const Node* n = node.find("local_max_evaluations")) {
    if (method.local.empty()) n->fail("needs `local:` (the algorithm run after the first)");
    method.local_max_evaluations = n->as_integer(evaluations);
  }
  const yaml::Bounds positive{0.0, std::nullopt, true};
  if (const Node* n = node.find("xtol_rel")) method.xtol_rel = n->as_real(positive);
  if (const Node* n = node.find("ftol_abs")) method.ftol_abs = n->as_real(positive);
  if (const Node* n = node.find("initial_step")) {
    method.initial_step = n->as_real({0.0, 1.0, true});
  }
  if (const Node* n = node.find("seed")) method.seed = n->as_unsigned();
  return method;
}

/// The step window of a moment: one of `step`, `steps`, `year`, `years`.
void read_window(const Node& node, CalibrationMoment& moment, std::int64_t steps,
                 std::int64_t steps_per_year) {
  const char* keys[] = {"step", "steps", "year", "years"};
  const Node* given = nullptr;
  std::string key;
  for (const char* k : keys) {
    if (const Node* n = node.find(k)) {
      if (given != nullptr) {
        n->fail(std::string("give one of step, steps, year, years (found ") + key + " too)");
      }
      given = n;
      key = k;
    }
  }
  if (given == nullptr) {
    yaml::fail(node.location, yaml::join_path(node.path, "step"),
               "missing (the moment's window: step, steps: [a, b], year or years: [a, b])");
  }
  const bool yearly = key == "year" || key == "years";
  if (yearly && steps_per_year <= 0) {
    given->fail("the model has no calendar years (give step or steps)");
  }
  const std::int64_t last = yearly ? steps / steps_per_year : steps;
  const yaml::Bounds bounds{yearly ? 1.0 : 0.0, static_cast<double>(last), false};
  std::int64_t a = 0;
  std::int64_t b = 0;
  if (key == "step" || key == "year") {
    a = b = given->as_integer(bounds);
  } else {
    const Node& pair = given->expect_list("a list [first, last]");
    if (pair.items.size() != 2) {
      given->fail("expected [first, last], found " + std::to_string(pair.items.size()) + " values");
    }
    a = pair.items[0].as_integer(bounds);
    b = pair.items[1].as_integer(bounds);
    if (b < a) pair.items[1].fail("the last is before the first (" + std::to_string(a) + ")");
  }
  moment.window =
      key + " " + (a == b ? std::to_string(a) : std::to_string(a) + "-" + std::to_string(b));
  moment.first_step = yearly ? (a - 1) * steps_per_year + 1 : a;
  moment.last_step = yearly ? b * steps_per_year : b;
}

CalibrationMoment read_moment(const Node& node, std::int64_t steps, std::int64_t steps_per_year) {
  node.expect_map().check_keys({"name", "metric", "step", "steps", "year", "years", "statistic",
                                "target", "standard_error", "weight", "source"});
  CalibrationMoment moment;
  moment.location = node.location.source();
  moment.metric = node.required("metric").as_string("a metric name");
  moment.name = moment.metric;
  if (const Node* name = node.find("name")) moment.name = name->as_string("a moment name");
  read_window(node, moment, steps, steps_per_year);
  if (const Node* statistic = node.find("statistic")) {
    const std::string& text = statistic->as_string("mean or end");
    if (text == "mean") {
      moment.statistic = MomentStatistic::Mean;
    } else if (text == "end") {
      moment.statistic = MomentStatistic::End;
    } else {
      statistic->fail("expected mean or end, found " + statistic->describe());
    }
  }
  moment.target = node.required("target").as_real();
  const Node* se = node.find("standard_error");
  const Node* weight = node.find("weight");
  const yaml::Bounds positive{0.0, std::nullopt, true};
  if (se != nullptr && weight != nullptr) {
    weight->fail("give standard_error or weight, not both");
  } else if (se != nullptr) {
    moment.standard_error = se->as_real(positive);
    moment.weight = 1 / (moment.standard_error * moment.standard_error);
  } else if (weight != nullptr) {
    moment.weight = weight->as_real(positive);
    moment.standard_error = 1 / std::sqrt(moment.weight);
  } else {
    yaml::fail(node.location, yaml::join_path(node.path, "standard_error"),
               "missing (give the target's standard_error, or a weight)");
  }
  if (!std::isfinite(moment.weight) || !std::isfinite(moment.standard_error)) {
    (se != nullptr ? se : weight)->fail("too small or too large to weigh a moment");
  }
  if (const Node* source = node.find("source")) moment.source = source->as_string("text");
  return moment;
}

/// Refuses a moment whose metric the model does not declare, or an array.
void check_metric(const Node& node, const CalibrationMoment& moment, const MetricSet& metrics,
                  const std::string& model) {
  const Node& at = *node.find("metric");
  const std::size_t index = metrics.find(moment.metric);
  if (index == metrics.specs().size()) {
    std::vector<std::string> scalars;
    for (const MetricSpec& spec : metrics.specs()) {
      if (spec.size == 1) scalars.push_back(spec.name);
    }
    at.fail("model '" + model + "' has no metric '" + yaml::shown(moment.metric) + "'" +
            yaml::suggestion(moment.metric, scalars));
  }
  if (metrics.spec(index).size != 1) {
    at.fail("metric '" + moment.metric + "' is an array; a moment is a scalar metric");
  }
}

}  // namespace

Calibration load_calibration_document(const Node& document, const fs::path& file,
                                      const ModelRegistry& models);

std::vector<Override> Calibration::overrides(std::span<const double> x) const {
  std::vector<Override> result = source_->fixed_text;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    result.push_back({parameters[i].path, real_text(x[i])});
  }
  return result;
}

Scenario Calibration::make_scenario(std::span<const double> x) const {
  std::vector<LocatedOverride> located = source_->fixed;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    Node value = source_->parameter_nodes[i];
    value.text = real_text(x[i]);
    located.push_back(
        scenario_parts::from_document(parameters[i].path, value.location, value.path, value));
  }
  try {
    return scenario_parts::load_scenario(source_->scenario, located, *models_);
  } catch (const yaml::OverrideError&) {
    throw;
  } catch (const ScenarioError& e) {
    yaml::fail(source_->scenario_location, "scenario", e.what());
  }
}

Calibration load_calibration(const fs::path& file, const ModelRegistry& models) {
  const std::optional<Node> document = yaml::read_document(file, "calibration file");
  if (!document) yaml::fail_unlocated(file.string() + ": cannot open calibration file");
  return load_calibration_document(*document, file, models);
}

Calibration load_calibration_text(std::string_view text, const fs::path& file,
                                  const ModelRegistry& models) {
  return load_calibration_document(yaml::parse_document(text, file, "calibration file"), file,
                                   models);
}

Calibration load_calibration_document(const Node& document, const fs::path& file,
                                      const ModelRegistry& models) {
  const Node& root = document.expect_map("a calibration (a map of keys)");
  root.check_keys(calibration_keys());
  Calibration calibration;
  calibration.file = file;
  calibration.models_ = &models;
  calibration.source_ = std::make_unique<Calibration::Source>();
  Calibration::Source& source = *calibration.source_;
  calibration.resolved_yaml = yaml::to_yaml_text(root);
  const Node* name = root.find("name");
  calibration.name =
      name != nullptr ? scenario_parts::validate_name(*name, "name") : file.stem().string();
  if (const Node* description = root.find("description")) {
    calibration.description = description->as_string("text");
  }

  // --- the scenario and its fixed overrides
  const Node& scenario_node = root.required("scenario", "missing (the scenario to calibrate)");
  const std::string& scenario_text = scenario_node.as_string("a file name");
  if (scenario_text.empty()) scenario_node.fail("expected a file name, found an empty string");
  const fs::path scenario_path = fs::path(scenario_text).is_absolute()
                                     ? fs::path(scenario_text)
                                     : file.parent_path() / scenario_text;
  std::error_code error;
  if (!fs::exists(scenario_path, error)) {
    scenario_node.fail("cannot read scenario file " + scenario_path.string() + " (no such file)");
  }
  calibration.scenario_file = scenario_path.string();
  source.scenario_location = scenario_node.location;
  try {
    source.scenario = scenario_parts::read_scenario_source(scenario_path);
  } catch (const ScenarioError& e) {
    scenario_node.fail(e.what());
  }
  auto fix = [&](const std::string& path, const Entry& entry) {
    source.fixed.push_back(
        scenario_parts::from_document(path, entry.key_location, entry.value.path, entry.value));
    source.fixed_text.push_back({path, yaml::to_yaml_text(entry.value)});
  };
  for (const char* key : {"scale", "steps"}) {
    if (const Entry* entry = root.find_entry(key)) fix(key, *entry);
  }
  if (const Node* set = root.find("set")) {
    for (const Entry& entry : set->expect_map().entries) fix(entry.key, entry);
  }

  // --- seeds and levels
  const Node& seeds = root.required("seeds", "missing (seeds: {count: N, seed: S})").expect_map();
  seeds.check_keys({"count", "seed"});
  calibration.seed_count =
      seeds.required("count").as_integer({2.0, static_cast<double>(kMaxCalibrationSeeds), false});
  calibration.seed = seeds.required("seed").as_unsigned();
  if (const Node* confidence = root.find("confidence")) {
    calibration.confidence = confidence->as_real({0.0, 1.0, true});
    if (calibration.confidence >= 1) {
      confidence->fail("expected a level between 0 and 1 (e.g. 0.95), found " +
                       confidence->describe());
    }
  }
  if (const Node* sensitivity = root.find("sensitivity")) {
    sensitivity->expect_map().check_keys({"step"});
    if (const Node* step = sensitivity->find("step")) {
      calibration.sensitivity_step = step->as_real({0.0, 0.5, true});
    }
  }
  if (const Node* method = root.find("method")) calibration.method = read_method(*method);
  if (calibration.method.local_max_evaluations == 0) {
    calibration.method.local_max_evaluations = calibration.method.max_evaluations;
  }
  if (calibration.method.algorithm.starts_with("LN_") && !calibration.method.local.empty()) {
    yaml::fail(
        root.find("method")->location, "method.local",
        "a local algorithm follows a global one (GN_...), not " + calibration.method.algorithm);
  }

  // --- parameters: each at its lower bound, start and upper bound
  const Node& parameters =
      root.required("parameters", "missing (the free parameters and their bounds)").expect_map();
  if (parameters.entries.empty()) parameters.fail("expected at least one parameter");
  if (static_cast<std::int64_t>(parameters.entries.size()) > kMaxCalibrationParameters) {
    parameters.fail("more than " + std::to_string(kMaxCalibrationParameters) + " free parameters");
  }
  std::vector<const Node*> start_nodes;
  for (const Entry& entry : parameters.entries) {
    const Node& body = entry.value.expect_map("a map {lower, upper, start}");
    body.check_keys({"lower", "upper", "start"});
    CalibrationParameter parameter;
    parameter.path = entry.key;
    parameter.location = entry.key_location.source();
    parameter.lower = body.required("lower").as_real();
    parameter.upper = body.required("upper").as_real();
    if (!(parameter.upper > parameter.lower)) {
      body.required("upper").fail("expected > lower (" + yaml::shown(body.find("lower")->text) +
                                  "), found " + body.required("upper").describe());
    }
    parameter.start = (parameter.lower + parameter.upper) / 2;
    const Node* start = body.find("start");
    if (start != nullptr) {
      parameter.start = start->as_real({parameter.lower, parameter.upper, false});
    }
    calibration.parameters.push_back(parameter);
    Node key;
    key.kind = yaml::Kind::Scalar;
    key.location = entry.key_location;
    key.path = "parameters." + entry.key;
    source.parameter_nodes.push_back(key);
    start_nodes.push_back(start);
  }
  const std::size_t n = calibration.parameters.size();
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = calibration.parameters[i].start;
  // Every parameter at its start first (a key the scenario does not have is
  // refused at that key, or at `start:` when one is written), then each
  // bound, one parameter at a time, each error at that bound's value.
  auto load_at = [&](std::size_t i, const Node* node, double value) {
    std::vector<double> at = x;
    at[i] = value;
    const Node saved = source.parameter_nodes[i];
    if (node != nullptr) source.parameter_nodes[i] = *node;
    try {
      (void)calibration.make_scenario(at);
    } catch (...) {
      source.parameter_nodes[i] = saved;
      throw;
    }
    source.parameter_nodes[i] = saved;
  };
  for (std::size_t i = 0; i < n; ++i) load_at(i, start_nodes[i], x[i]);
  for (std::size_t i = 0; i < n; ++i) {
    const Node& body = parameters.entries[i].value;
    load_at(i, body.find("lower"), calibration.parameters[i].lower);
    load_at(i, body.find("upper"), calibration.parameters[i].upper);
  }
  const Scenario scenario = calibration.make_scenario(x);
  const ModelInfo* model = models.find(scenario.model);
  if (model == nullptr) scenario_node.fail("unknown model '" + scenario.model + "'");
  calibration.model = scenario.model;
  calibration.steps = scenario.steps;
  calibration.steps_per_year = model->steps_per_year;
  calibration.start_date = scenario.start_date;
  calibration.scale = scenario.scale;

  // --- moments, checked against what the model declares at the start
  const Node& moments =
      root.required("moments", "missing (the target moments)").expect_list("a list of moments");
  if (moments.items.empty()) moments.fail("expected at least one moment");
  // Built once, for the metrics it declares: refused first if it cannot fit.
  check_memory(*model, scenario.parameters, available_memory_bytes());
  Simulation simulation(replicate_seed(calibration.seed, 0), scenario.steps);
  simulation.build(model->create(), scenario.parameters);
  std::vector<std::string> names;
  for (const Node& item : moments.items) {
    CalibrationMoment moment = read_moment(item, calibration.steps, calibration.steps_per_year);
    check_metric(item, moment, simulation.metrics(), calibration.model);
    if (std::find(names.begin(), names.end(), moment.name) != names.end()) {
      (item.find("name") != nullptr ? *item.find("name") : *item.find("metric"))
          .fail("a second moment named '" + moment.name + "' (give each a distinct `name:`)");
    }
    names.push_back(moment.name);
    calibration.moments.push_back(std::move(moment));
  }
  return calibration;
}

std::vector<double> compute_moments(const Calibration& calibration, const MetricSet& metrics,
                                    const RunTrajectory& run) {
  std::vector<double> values;
  values.reserve(calibration.moments.size());
  for (const CalibrationMoment& moment : calibration.moments) {
    const MetricSpec& spec = metrics.spec(metrics.find(moment.metric));
    auto at = [&](std::int64_t step) {
      const auto row = static_cast<std::size_t>(step);
      const double value =
          spec.type == MetricType::Real
              ? run.reals[row * metrics.real_count() + spec.offset]
              : static_cast<double>(run.integers[row * metrics.integer_count() + spec.offset]);
      if (std::isnan(value)) {
        throw SimulationError("moment '" + moment.name + "': metric '" + moment.metric +
                              "' has no value (NaN) at step " + std::to_string(step));
      }
      return value;
    };
    if (moment.statistic == MomentStatistic::End) {
      values.push_back(at(moment.last_step));
      continue;
    }
    double sum = 0;
    for (std::int64_t step = moment.first_step; step <= moment.last_step; ++step) sum += at(step);
    values.push_back(sum / static_cast<double>(moment.last_step - moment.first_step + 1));
  }
  return values;
}

}  // namespace cpsim

// Sensitivity designs: reading the `sensitivity:` block, generating the
// points (Sobol/Saltelli, Morris trajectories) and checking the outcomes.
// The estimators are in sensitivity_estimators.cpp.
#include "cpsim/engine/sensitivity.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <set>
#include <sstream>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/random.hpp"
#include "cpsim/engine/study.hpp"

namespace cpsim {
namespace {

using yaml::Node;

constexpr std::string_view kPrefix = "parameters.";

/// A schema bound as written in messages ("-inf" / "inf" when open).
std::string bound_text(const std::optional<double>& bound, std::string_view open) {
  if (!bound) return std::string(open);
  std::ostringstream text;
  text << std::defaultfloat << std::setprecision(10) << *bound;
  return text.str();
}

/// Design points a method makes from N (or R) and k parameters.
std::int64_t points_of(SensitivityMethod method, std::int64_t n, std::int64_t k) {
  return method == SensitivityMethod::Sobol ? n * (k + 2) : n * (k + 1);
}

/// Saltelli's scheme on a 2k-dimensional Sobol sequence (its first point,
/// the origin, skipped): A its first k coordinates, B its last k, AB_i A
/// with column i from B. Written to `points` in the parameters' units.
void sobol_points(SensitivityDesign& design) {
  const std::size_t k = design.parameters.size();
  const auto n = static_cast<std::size_t>(design.samples);
  boost::random::sobol sequence(2 * k);
  sequence.discard(2 * k);
  std::vector<double> a(n * k);
  std::vector<double> b(n * k);
  const double span = static_cast<double>(boost::random::sobol::max()) + 1.0;
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < 2 * k; ++i) {
      const double u = std::min(static_cast<double>(sequence()) / span, 1.0);
      (i < k ? a[j * k + i] : b[j * k + i - k]) = u;
    }
  }
  design.points.assign(n * (k + 2) * k, 0.0);
  auto put = [&](std::size_t row, std::size_t i, double u) {
    const ScenarioParameter& p = design.parameters[i];
    design.points[row * k + i] = p.lower + u * (p.upper - p.lower);
  };
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < k; ++i) {
      put(j, i, a[j * k + i]);
      put(n + j, i, b[j * k + i]);
      for (std::size_t c = 0; c < k; ++c) {
        put((2 + c) * n + j, i, i == c ? b[j * k + i] : a[j * k + i]);
      }
    }
  }
}

/// Morris (1991) trajectories on a p-level grid of the unit cube, step
/// Delta = p / (2 (p - 1)): a random start on the levels from which a step
/// of +Delta stays inside, each coordinate's direction drawn (starting at
/// x + Delta to step down), and the coordinates moved one at a time in a
/// random order.
void morris_points(SensitivityDesign& design, std::uint64_t seed) {
  const std::size_t k = design.parameters.size();
  const auto r = static_cast<std::size_t>(design.trajectories);
  const auto p = static_cast<double>(design.levels);
  const double delta = p / (2 * (p - 1));
  const auto starts = static_cast<std::uint64_t>(design.levels / 2);  // levels <= 1 - Delta
  const RandomStream stream(seed, "sensitivity.morris");
  design.points.assign(r * (k + 1) * k, 0.0);
  design.morris_order.assign(r * k, 0);
  design.morris_step.assign(r * k, 0.0);
  std::vector<double> x(k);
  std::vector<std::size_t> order(k);
  for (std::size_t t = 0; t < r; ++t) {
    for (std::size_t i = 0; i < k; ++i) {
      x[i] = static_cast<double>(to_index(stream.word(t, 0, i), starts)) / (p - 1);
      const bool down = (stream.word(t, 1, i) >> 63U) != 0;
      design.morris_step[t * k + i] = down ? -delta : delta;
      if (down) x[i] += delta;
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = k; i-- > 1;)
      std::swap(order[i], order[to_index(stream.word(t, 2, i), i + 1)]);
    auto put_row = [&](std::size_t row) {
      for (std::size_t i = 0; i < k; ++i) {
        const ScenarioParameter& q = design.parameters[i];
        design.points[row * k + i] = q.lower + x[i] * (q.upper - q.lower);
      }
    };
    put_row(t * (k + 1));
    for (std::size_t m = 0; m < k; ++m) {
      const std::size_t i = order[m];
      x[i] += design.morris_step[t * k + i];
      design.morris_order[t * k + m] = i;
      put_row(t * (k + 1) + m + 1);
    }
  }
}

SensitivityOutcome read_outcome(const Node& item) {
  SensitivityOutcome outcome;
  outcome.location = item.location.source();
  if (!item.is_map()) {
    outcome.metric = item.as_string("a metric name");
    outcome.label = outcome.metric;
    return outcome;
  }
  item.check_keys({"metric", "window", "statistic"});
  outcome.metric = item.required("metric", "missing (the metric this outcome summarises)")
                       .as_string("a metric name");
  if (const Node* window = item.find("window")) {
    outcome.window = window->as_integer(yaml::Bounds::at_least(1));
  }
  std::string statistic = "mean";
  if (const Node* node = item.find("statistic")) {
    statistic = node->as_string("a statistic");
    const std::vector<std::string> names = {"mean", "sum", "min", "max"};
    const auto at = std::find(names.begin(), names.end(), statistic);
    if (at == names.end()) {
      node->fail("expected one of mean, sum, min, max, found " + node->describe() +
                 yaml::suggestion(statistic, names));
    }
    outcome.statistic = static_cast<SensitivityOutcome::Statistic>(at - names.begin());
  }
  // One step's mean, sum, least and largest are its value.
  outcome.label = outcome.metric;
  if (outcome.window > 1) {
    outcome.label +=
        " (" + statistic + " of the last " + std::to_string(outcome.window) + " steps)";
  }
  return outcome;
}

}  // namespace

const ParamSpec* numeric_parameter(const ParamSchema& schema, const std::string& path,
                                   std::string& error) {
  if (!path.starts_with(kPrefix)) {
    error = "expected a key path under `parameters:` (parameters.KEY), found '" +
            yaml::shown(path) + "'";
    return nullptr;
  }
  const std::string key = path.substr(kPrefix.size());
  const ParamSpec* spec = schema.find(key);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const ParamSpec& s : schema.specs()) names.push_back(s.path);
    error = "unknown key '" + yaml::shown(path) + "'";
    if (const std::string hint = did_you_mean(key, names); !hint.empty()) {
      error += " (did you mean 'parameters." + hint + "'?)";
    }
    return nullptr;
  }
  if (spec->type != ParamType::Real && spec->type != ParamType::Integer) {
    error = yaml::shown(path);
    error.insert(0, 1, '\'');
    error += "' is not a number (only real and integer parameters vary)";
    return nullptr;
  }
  return spec;
}

void set_parameter(Parameters& parameters, const ScenarioParameter& parameter, double value) {
  if (parameter.integer) {
    parameters.set(parameter.key, static_cast<std::int64_t>(std::llround(value)));
  } else {
    parameters.set(parameter.key, value);
  }
}

SensitivityDesign read_sensitivity(const Node& node, const ParamSchema& schema, std::uint64_t seed,
                                   std::int64_t replicates, std::int64_t steps,
                                   std::uint64_t point_bytes) {
  SensitivityDesign design;
  design.location = node.location.source();
  const Node& block = node.expect_map();
  block.check_keys(
      {"method", "samples", "trajectories", "levels", "bootstrap", "parameters", "outcomes"});
  const Node& method = block.required("method", "missing (morris or sobol)");
  const std::string& name = method.as_string("a method");
  if (name == "sobol") {
    design.method = SensitivityMethod::Sobol;
    for (const char* key : {"trajectories", "levels"}) {
      if (const yaml::Entry* entry = block.find_entry(key)) {
        yaml::fail(entry->key_location, block.path + "." + key,
                   "a Morris design's; a Sobol design takes `samples`");
      }
    }
  } else if (name == "morris") {
    design.method = SensitivityMethod::Morris;
    if (const yaml::Entry* samples = block.find_entry("samples")) {
      yaml::fail(samples->key_location, block.path + ".samples",
                 "Sobol's base samples; a Morris design takes `trajectories` (and `levels`)");
    }
  } else {
    method.fail("expected morris or sobol, found " + method.describe() +
                yaml::suggestion(name, std::vector<std::string>{"morris", "sobol"}));
  }
  const Node& size = design.method == SensitivityMethod::Sobol
                         ? block.required("samples", "missing (N, the base samples)")
                         : block.required("trajectories", "missing (R, the trajectories)");
  const std::int64_t n = size.as_integer(yaml::Bounds{2.0, 1.0e6, false});
  (design.method == SensitivityMethod::Sobol ? design.samples : design.trajectories) = n;
  if (const Node* levels = block.find("levels")) {
    design.levels = levels->as_integer(yaml::Bounds{2.0, 1000.0, false});
    if (design.levels % 2 != 0) {
      levels->fail(
          "expected an even number of levels (the step is p / (2 (p - 1)) levels apart), "
          "found " +
          levels->describe());
    }
  }
  if (const Node* bootstrap = block.find("bootstrap")) {
    design.bootstrap = bootstrap->as_integer(yaml::Bounds{100.0, 100000.0, false});
  }

  const Node& parameters = block.required("parameters", "missing (KEY: [low, high] each)");
  for (const yaml::Entry& entry : parameters.expect_map().entries) {
    std::string error;
    const ParamSpec* spec = numeric_parameter(schema, entry.key, error);
    if (spec == nullptr) yaml::fail(entry.key_location, parameters.path + "." + entry.key, error);
    const Node& range = entry.value.expect_list("a range [low, high]");
    if (range.items.size() != 2) {
      range.fail("expected a range [low, high], found " + std::to_string(range.items.size()) +
                 " values");
    }
    ScenarioParameter p{entry.key, entry.key.substr(kPrefix.size()),
                        spec->type == ParamType::Integer, range.items[0].as_real(),
                        range.items[1].as_real()};
    if (!(p.lower < p.upper)) {
      range.fail("expected low < high, found [" + range.items[0].text + ", " + range.items[1].text +
                 "]");
    }
    for (std::size_t end = 0; end < 2; ++end) {
      const double value = end == 0 ? p.lower : p.upper;
      const bool below =
          spec->min && (spec->min_exclusive ? value <= *spec->min : value < *spec->min);
      const bool above = spec->max && value > *spec->max;
      if (below || above) {
        range.items[end].fail("outside the parameter's range [" + bound_text(spec->min, "-inf") +
                              ", " + bound_text(spec->max, "inf") + "]");
      }
    }
    design.parameters.push_back(std::move(p));
  }
  if (design.parameters.empty()) parameters.fail("expected at least one parameter");
  if (design.method == SensitivityMethod::Sobol && 2 * design.parameters.size() > 3667) {
    parameters.fail("more parameters than the Sobol sequence has dimensions for (1833)");
  }

  const Node& outcomes = block.required("outcomes", "missing (the metrics to explain)");
  std::set<std::string> labels;
  for (const Node& item : outcomes.expect_list().items) {
    SensitivityOutcome outcome = read_outcome(item);
    if (outcome.window > steps) {
      item.required("window").fail("a window of " + std::to_string(outcome.window) +
                                   " steps is longer than the runs (" + std::to_string(steps) +
                                   " steps)");
    }
    if (!labels.insert(outcome.label).second)
      item.fail("duplicate outcome '" + outcome.label + "'");
    design.outcomes.push_back(std::move(outcome));
  }
  if (design.outcomes.empty()) outcomes.fail("expected at least one outcome");

  const auto k = static_cast<std::int64_t>(design.parameters.size());
  const std::int64_t points = points_of(design.method, n, k);
  if (points > kMaxDesignPoints) {
    size.fail("the design has " + std::to_string(points) + " points (" +
              (design.method == SensitivityMethod::Sobol ? "N (k + 2)" : "R (k + 1)") +
              "), more than the " + std::to_string(kMaxDesignPoints) + " a study may run");
  }
  // Saturates: only whether it exceeds the bound matters.
  if (points * replicates > kMaxRuns) {
    size.fail("the design's " + std::to_string(points) + " points x " + std::to_string(replicates) +
              " replicates = " + std::to_string(points * replicates) + " runs, more than the " +
              std::to_string(kMaxRuns) + " a study may have");
  }
  // Every point holds a copy of the scenario, and every run keeps at least
  // its outcomes' metric rows until the end.
  const double held = static_cast<double>(points) * static_cast<double>(point_bytes) +
                      static_cast<double>(points) * static_cast<double>(replicates) *
                          static_cast<double>(steps + 1) * static_cast<double>(sizeof(double)) *
                          static_cast<double>(design.outcomes.size());
  const std::uint64_t available = available_memory_bytes();
  if (held > static_cast<double>(available)) {
    size.fail("the design's " + std::to_string(points) + " points and " +
              std::to_string(points * replicates) + " runs of " + std::to_string(steps) +
              " steps keep at least " +
              format_bytes(static_cast<std::uint64_t>(std::min(held, 1.8e19))) +
              " (scenarios and results), more than the " + format_bytes(available) + " available");
  }

  if (design.method == SensitivityMethod::Sobol) {
    sobol_points(design);
  } else {
    morris_points(design, seed);
  }
  return design;
}

void check_sensitivity_outcomes(const SensitivityDesign& design, const MetricSet& metrics,
                                const std::string& model) {
  std::vector<std::string> scalars;
  for (const MetricSpec& spec : metrics.specs()) {
    if (spec.size == 1) scalars.push_back(spec.name);
  }
  for (std::size_t i = 0; i < design.outcomes.size(); ++i) {
    const SensitivityOutcome& outcome = design.outcomes[i];
    const std::string where =
        outcome.location.str() + ": sensitivity.outcomes[" + std::to_string(i) + "]: ";
    const std::size_t index = metrics.find(outcome.metric);
    if (index == metrics.specs().size()) {
      throw ScenarioError(where + "model '" + model + "' has no metric '" + outcome.metric + "'" +
                          yaml::suggestion(outcome.metric, scalars));
    }
    if (metrics.spec(index).size != 1) {
      throw ScenarioError(where + "metric '" + outcome.metric +
                          "' is an array; an outcome is a scalar metric");
    }
  }
}

}  // namespace cpsim

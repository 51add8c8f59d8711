#include "study_designs.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/study_results.hpp"

namespace cpsim::study_designs {
namespace {

/// A point's value as override text that reads back to the same double:
/// printf's "%.17g", without printf's cost (a design has up to 10^5 points).
std::string exact_text(double value) {
  std::array<char, 32> text{};
  const auto end =
      std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::general, 17);
  return {text.data(), end.ptr};
}

/// Replaces the study's one variant by one variant per design point, named
/// BASE[point=i], with the point's values as overrides. Point 0 keeps the
/// scenario whole (its parameters, its resolved text); the others keep a
/// copy without them, since a point's parameters are point 0's with the
/// point's values set (run_parameters). With whole copies (and a metric
/// layout per point) `cpsim validate` of 20,000 points of Xihu 1:100 took
/// 1.7 GB and 20 s; so, 47 MB and 2.2 s.
void expand_points(Study& study) {
  const SensitivityDesign& design = *study.sensitivity;
  StudyVariant base = std::move(study.variants.front());
  const std::size_t k = design.parameters.size();
  study.variants.clear();
  study.variants.reserve(design.point_count());
  Scenario light = base.scenario;
  light.parameters = Parameters();
  light.resolved_yaml.clear();
  for (std::size_t i = 0; i < design.point_count(); ++i) {
    StudyVariant point{base.name + "[point=" + std::to_string(i) + "]",
                       base.name,
                       {},
                       i == 0 ? std::move(base.scenario) : light};
    point.overrides.reserve(base.overrides.size() + k);
    point.overrides.insert(point.overrides.end(), base.overrides.begin(), base.overrides.end());
    for (std::size_t p = 0; p < k; ++p) {
      const ScenarioParameter& parameter = design.parameters[p];
      const double value = design.points[i * k + p];
      point.overrides.push_back({parameter.path, parameter.integer
                                                     ? std::to_string(std::llround(value))
                                                     : exact_text(value)});
      if (i == 0) set_parameter(point.scenario.parameters, parameter, value);
    }
    study.variants.push_back(std::move(point));
  }
}

}  // namespace

void read(Study& study, const yaml::Node& root, const std::filesystem::path& folder,
          const ModelRegistry& models) {
  const yaml::Node* sensitivity = root.find("sensitivity");
  const yaml::Node* uncertainty = root.find("parameter_uncertainty");
  if (sensitivity == nullptr && uncertainty == nullptr) return;
  // The variants are loaded, so their model exists.
  const ModelInfo& model = *models.find(study.variants.front().scenario.model);
  const std::int64_t steps = study.variants.front().scenario.steps;
  if (uncertainty != nullptr) {
    study.parameter_draws =
        read_parameter_draws(*uncertainty, folder, model.schema, study.seed, study.replicates);
  }
  if (sensitivity == nullptr) return;
  const yaml::Entry& entry = *root.find_entry("sensitivity");
  auto refuse = [&](const std::string& message) {
    yaml::fail(entry.key_location, "sensitivity", message);
  };
  if (uncertainty != nullptr) {
    refuse("a sensitivity design sets the parameters itself; leave out `parameter_uncertainty:`");
  }
  if (study.variants.size() != 1) {
    refuse("a sensitivity design varies one scenario; the study has " +
           std::to_string(study.variants.size()) + " scenario variants");
  }
  if (root.find("compare") != nullptr) {
    refuse("a sensitivity design has no contrasts; leave out `compare:`");
  }
  // A point: its name, overrides and a scenario without parameters. (A block
  // without `parameters:` is refused, located, by read_sensitivity.)
  const yaml::Node* varied = sensitivity->is_map() ? sensitivity->find("parameters") : nullptr;
  const std::uint64_t point_bytes =
      sizeof(StudyVariant) + 64 * (study.variants.front().overrides.size() +
                                   (varied != nullptr ? varied->entries.size() : 0) + 1);
  study.sensitivity = read_sensitivity(*sensitivity, model.schema, study.seed, study.replicates,
                                       steps, point_bytes);
  expand_points(study);
}

void emit_design_scenario(YAML::Emitter& out, const Study& study) {
  const StudyVariant& point = study.variants.front();
  const std::size_t own = point.overrides.size() - study.sensitivity->parameters.size();
  out << YAML::Key << point.base_name << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "file" << YAML::Value << point.scenario.file.string();
  if (own > 0) {
    out << YAML::Key << "set" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (std::size_t o = 0; o < own; ++o) {
      out << YAML::Key << point.overrides[o].path << YAML::Value
          << YAML::Load(point.overrides[o].value);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit(YAML::Emitter& out, const Study& study) {
  if (study.sensitivity) {
    const SensitivityDesign& design = *study.sensitivity;
    const bool sobol = design.method == SensitivityMethod::Sobol;
    out << YAML::Key << "sensitivity" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "method" << YAML::Value << (sobol ? "sobol" : "morris");
    if (sobol) {
      out << YAML::Key << "samples" << YAML::Value << design.samples;
    } else {
      out << YAML::Key << "trajectories" << YAML::Value << design.trajectories;
      out << YAML::Key << "levels" << YAML::Value << design.levels;
    }
    out << YAML::Key << "bootstrap" << YAML::Value << design.bootstrap;
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const ScenarioParameter& p : design.parameters) {
      out << YAML::Key << p.path << YAML::Value << YAML::Flow << YAML::BeginSeq << p.lower
          << p.upper << YAML::EndSeq;
    }
    out << YAML::EndMap;
    out << YAML::Key << "outcomes" << YAML::Value << YAML::BeginSeq;
    const std::array<const char*, 4> statistics = {"mean", "sum", "min", "max"};
    for (const SensitivityOutcome& o : design.outcomes) {
      if (o.window == 1) {
        out << o.metric;
        continue;
      }
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "metric" << YAML::Value << o.metric
          << YAML::Key << "window" << YAML::Value << o.window << YAML::Key << "statistic"
          << YAML::Value << statistics.at(static_cast<std::size_t>(o.statistic)) << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }
  if (study.parameter_draws) {
    out << YAML::Key << "parameter_uncertainty" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "calibration" << YAML::Value << study.parameter_draws->calibration.string();
    out << YAML::Key << "draws" << YAML::Value << "multivariate_normal";
    out << YAML::EndMap;
  }
}

}  // namespace cpsim::study_designs

namespace cpsim {

Parameters run_parameters(const Study& study, std::size_t variant, std::size_t replicate) {
  if (study.sensitivity) {
    const SensitivityDesign& design = *study.sensitivity;
    Parameters parameters = study.variants.front().scenario.parameters;
    const std::size_t k = design.parameters.size();
    for (std::size_t p = 0; p < k; ++p) {
      set_parameter(parameters, design.parameters[p], design.points[variant * k + p]);
    }
    return parameters;
  }
  const StudyVariant& v = study.variants[variant];
  if (!study.parameter_draws) return v.scenario.parameters;
  // A variant's own `set:` and sweep keys keep the values it gives them.
  std::vector<std::string> kept;
  for (const Override& o : v.overrides) kept.push_back(o.path);
  return with_draw(v.scenario.parameters, *study.parameter_draws, replicate, kept);
}

SensitivityResults study_sensitivity(const Study& study, const StudyResults& results) {
  const SensitivityDesign& design = *study.sensitivity;
  const std::size_t outcomes = design.outcomes.size();
  const auto replicates = static_cast<std::size_t>(study.replicates);
  std::vector<double> responses(design.point_count() * outcomes, 0.0);
  for (std::size_t point = 0; point < design.point_count(); ++point) {
    for (std::size_t o = 0; o < outcomes; ++o) {
      double sum = 0;  // in replicate order: the same at any thread count
      for (std::size_t r = 0; r < replicates; ++r) {
        const RunTrajectory& run = results.runs[point * replicates + r];
        sum += outcome_value(design.outcomes[o], results.metrics, run.reals, run.integers,
                             results.rows);
      }
      responses[point * outcomes + o] = sum / static_cast<double>(replicates);
    }
  }
  return estimate_sensitivity(design, std::move(responses), study.confidence, study.seed);
}

}  // namespace cpsim

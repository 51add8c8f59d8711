// The resolved scenario as YAML: every key written out, every default filled
// in, numbers written so that they read back exactly (Scenario::resolved_yaml).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <variant>

#include "scenario_parts.hpp"
#include "yaml_scalar.hpp"

namespace cpsim::scenario_parts {
namespace {

/// True for text that a plain scalar would turn into something else.
bool needs_quotes(std::string_view text) {
  if (text.empty() || yaml::looks_like_number(text)) {
    return true;
  }
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  static constexpr std::array<std::string_view, 10> reserved = {
      "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"};
  return std::find(reserved.begin(), reserved.end(), lower) != reserved.end();
}

void emit_string(YAML::Emitter& out, const std::string& text) {
  if (needs_quotes(text)) {
    out << YAML::DoubleQuoted;
  }
  out << text;
}

void emit_value(YAML::Emitter& out, const ParamValue& value) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          out << x;
        } else if constexpr (std::is_same_v<T, double>) {
          out << yaml::format_real(x);
        } else if constexpr (std::is_same_v<T, bool>) {
          out << (x ? "true" : "false");
        } else if constexpr (std::is_same_v<T, std::string>) {
          emit_string(out, x);
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          out << YAML::Flow << YAML::BeginSeq;
          for (const double item : x) {
            out << yaml::format_real(item);
          }
          out << YAML::EndSeq;
        } else {
          out << YAML::Flow << YAML::BeginSeq;
          for (const std::int64_t item : x) {
            out << item;
          }
          out << YAML::EndSeq;
        }
      },
      value);
}

void emit_section(YAML::Emitter& out, const ParamSchema& schema, const Parameters& parameters,
                  const std::string& section) {
  out << YAML::BeginMap;
  for (const std::string& key : schema.children(section)) {
    const std::string full = yaml::join_path(section, key);
    out << YAML::Key << key << YAML::Value;
    if (schema.find(full) != nullptr) {
      emit_value(out, parameters.values().at(full));
    } else {
      emit_section(out, schema, parameters, full);
    }
  }
  out << YAML::EndMap;
}

void emit_policies(YAML::Emitter& out, const Scenario& scenario, const ModelInfo& model) {
  out << YAML::Key << "policies" << YAML::Value << YAML::BeginMap;
  for (const PolicyInstance& policy : scenario.parameters.policies()) {
    out << YAML::Key << policy.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value;
    emit_string(out, policy.module);
    out << YAML::Key << "enabled" << YAML::Value << (policy.enabled ? "true" : "false");
    out << YAML::Key << "start" << YAML::Value << policy.start;
    if (policy.end_given) out << YAML::Key << "end" << YAML::Value << policy.end;
    const ParamSchema& module = model.find_policy(policy.module)->schema;
    for (const std::string& key : module.children("")) {
      out << YAML::Key << key << YAML::Value;
      if (module.find(key) != nullptr) {
        emit_value(out, policy.parameters.values().at(key));
      } else {
        emit_section(out, module, policy.parameters, key);
      }
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

std::string emit_resolved(const Scenario& scenario, const ModelInfo& model) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value;
  emit_string(out, scenario.name);
  out << YAML::Key << "description" << YAML::Value;
  emit_string(out, scenario.description);
  out << YAML::Key << "model" << YAML::Value;
  emit_string(out, scenario.model);
  out << YAML::Key << "seed" << YAML::Value << scenario.seed;
  out << YAML::Key << "steps" << YAML::Value << scenario.steps;
  out << YAML::Key << "scale" << YAML::Value << scenario.scale;
  if (!scenario.start_date.empty()) {
    out << YAML::Key << "start_date" << YAML::Value << scenario.start_date;
  }
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "snapshot_every" << YAML::Value << scenario.output.snapshot_every;
  out << YAML::Key << "snapshot_tables" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& table : scenario.output.snapshot_tables) {
    emit_string(out, table);
  }
  out << YAML::EndSeq;
  out << YAML::Key << "compression" << YAML::Value << scenario.output.compression.level;
  out << YAML::Key << "codec" << YAML::Value
      << std::string(codec_name(scenario.output.compression.codec));
  out << YAML::EndMap;
  out << YAML::Key << "parameters" << YAML::Value;
  emit_section(out, model.schema, scenario.parameters, "");
  if (!scenario.parameters.policies().empty()) {
    emit_policies(out, scenario, model);
  }
  out << YAML::EndMap;
  if (!out.good()) {
    yaml::fail_unlocated(scenario.file.string() +
                         ": cannot write the resolved scenario: " + out.GetLastError());
  }
  return std::string(out.c_str()) + "\n";
}

}  // namespace cpsim::scenario_parts

#pragma once
// The parts of scenario loading, one file each, shared with study loading:
//   scenario_sources.cpp   reading the file and its `extends:` chain, and
//                          applying overrides (`--set`, a study's `set:`)
//   scenario_schema.cpp    typed parameters and the strict schema checks
//   scenario_policies.cpp  policy instances and calendar months
//   scenario_resolved.cpp  writing the resolved scenario back as YAML
//   scenario.cpp           the top-level keys, and load_scenario
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/yaml_document.hpp"

namespace cpsim::scenario_parts {

// --- sources

/// An override as a located value, ready to apply.
struct LocatedOverride {
  std::string path;             ///< the key path it sets
  yaml::Location key_location;  ///< where that path was given
  yaml::Node value;
};

/// Reads `file` and the files it extends, merged (the extending file wins
/// key by key); `root_location` gets the position of the top file's map.
/// `text`, when given, is the top file's contents (not read from disk).
yaml::Node load_with_extends(const std::filesystem::path& file, yaml::Location& root_location,
                             const std::string_view* text = nullptr);

/// A `--set` argument: its value parsed, every node located at the argument.
LocatedOverride from_command_line(const Override& override_);

/// A value written in another document (a study) as an override of `path`:
/// its errors name `key_origin` (where the path was written, at
/// `key_location`) or the value's own path in that document.
LocatedOverride from_document(std::string path, const yaml::Location& key_location,
                              const std::string& key_origin, const yaml::Node& value);

/// Sets the override's path in `root`, creating missing maps on the way.
void apply_override(yaml::Node& root, LocatedOverride override_);

// --- schema

/// "a, b, c" from {a, b, c} and ", ".
std::string join_list(const std::vector<std::string>& items, std::string_view separator);

/// The map, or nullptr for an empty value; fails "expected WHAT" otherwise.
const yaml::Node* map_or_null(const yaml::Node& node, const std::string& path,
                              std::string_view what);

/// Checks `map` (the keys under `section` of a schema) into `parameters`;
/// `prefix` is the key path of the schema's root ("parameters." or
/// "policies.NAME."); `skip` lists keys at the root handled elsewhere.
void validate_section(const yaml::Node& map, const ParamSchema& schema, const std::string& section,
                      Parameters& parameters, const std::string& prefix = "parameters.",
                      const std::vector<std::string>& skip = {});

OutputOptions validate_output(const yaml::Node& node);

/// Longest `name:` of a scenario or study, in bytes: NAME.h5.partial must
/// fit the 255 bytes most file systems allow in a file name.
inline constexpr std::size_t kMaxNameBytes = 200;

/// A scenario's or study's `name:` (at key path `path`). It names the
/// default output file NAME.h5 in the working folder, so it is refused when
/// it could place that file anywhere else or cannot be a file name: empty,
/// "." or "..", with a '/', a control character, or over kMaxNameBytes.
std::string validate_name(const yaml::Node& node, std::string_view path);

// --- policies and dates

/// `start_date:`, a month YYYY-MM, for a model that steps by months.
std::string validate_start_date(const yaml::Node& node, const ModelInfo& model);

/// `policies:` into parameters.policies().
void validate_policies(const yaml::Node& node, const ModelInfo& model,
                       const std::string& start_date, Parameters& parameters);

// --- resolved YAML

/// The scenario with every default filled in, as YAML that loads back to it.
std::string emit_resolved(const Scenario& scenario, const ModelInfo& model);

// --- the whole

/// A scenario file and the files it extends, read and merged once, for the
/// many variants a study loads of it (a sweep of 1,000 values reads and
/// parses its file once, not 1,000 times).
struct ScenarioSource {
  std::filesystem::path file;
  yaml::Node root;
  yaml::Location root_location;
};
ScenarioSource read_scenario_source(const std::filesystem::path& file);

/// load_scenario of a source already read, with overrides already located
/// (a study's); the source is copied, not changed.
Scenario load_scenario(const ScenarioSource& source, std::span<const LocatedOverride> overrides,
                       const ModelRegistry& models);

}  // namespace cpsim::scenario_parts

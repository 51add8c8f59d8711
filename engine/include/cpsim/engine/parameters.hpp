#pragma once
// Parameter schemas (what a model accepts) and resolved parameter values.
//
// A model describes every parameter it reads: dotted path, type, default,
// bounds, unit and one sentence of meaning. The scenario loader checks a
// YAML scenario against that schema (unknown keys, types, ranges) before
// anything is allocated, and hands the model a `Parameters` of resolved
// values. `cpsim models` prints the schemas, so the schema is also the
// user's reference.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cpsim/engine/errors.hpp"

namespace cpsim {

enum class ParamType { Integer, Real, Boolean, String, Choice, RealList, IntegerList };

using ParamValue = std::variant<std::int64_t, double, bool, std::string, std::vector<double>,
                                std::vector<std::int64_t>>;

struct ParamSpec {
  std::string path;  ///< dotted, relative to the scenario's `parameters:` map
  ParamType type = ParamType::Real;
  ParamValue default_value;
  std::string description;
  std::string unit;                        ///< "" when dimensionless or not numeric
  std::optional<double> min;               ///< inclusive lower bound (numbers, list elements)
  std::optional<double> max;               ///< inclusive upper bound
  bool min_exclusive = false;              ///< bound is strict: value > min
  std::vector<std::string> choices;        ///< for ParamType::Choice
  std::optional<std::size_t> list_length;  ///< exact length for lists, if fixed
};

/// Everything a model accepts. Paths form a tree: "tax.rates" lives in
/// section "tax". Sections need not be declared; they follow from the paths.
class ParamSchema {
 public:
  ParamSpec& add(ParamSpec spec);

  ParamSpec& integer(std::string path, std::int64_t default_value, std::string description,
                     std::optional<double> min = std::nullopt,
                     std::optional<double> max = std::nullopt, std::string unit = "");
  ParamSpec& real(std::string path, double default_value, std::string description,
                  std::optional<double> min = std::nullopt,
                  std::optional<double> max = std::nullopt, std::string unit = "");
  ParamSpec& boolean(std::string path, bool default_value, std::string description);
  ParamSpec& string(std::string path, std::string default_value, std::string description);
  ParamSpec& choice(std::string path, std::string default_value, std::vector<std::string> choices,
                    std::string description);
  ParamSpec& real_list(std::string path, std::vector<double> default_value, std::string description,
                       std::optional<double> min = std::nullopt,
                       std::optional<double> max = std::nullopt, std::string unit = "");
  ParamSpec& integer_list(std::string path, std::vector<std::int64_t> default_value,
                          std::string description, std::optional<double> min = std::nullopt,
                          std::optional<double> max = std::nullopt, std::string unit = "");

  [[nodiscard]] const ParamSpec* find(std::string_view path) const;
  /// True if some parameter path starts with `path` + "." ("" is the top level).
  [[nodiscard]] bool is_section(std::string_view path) const;
  /// Names of the keys directly under a section ("" for the top level), in
  /// the order they were first declared; empty for no section.
  [[nodiscard]] const std::vector<std::string>& children(std::string_view section) const;
  [[nodiscard]] const std::vector<ParamSpec>& specs() const noexcept { return specs_; }

 private:
  std::vector<ParamSpec> specs_;
  // Indexes kept by add(): every scenario load looks each key up, and a
  // large schema (the district economy's, hundreds of paths) made linear
  // scans the most of loading a study's scenarios.
  std::map<std::string, std::size_t, std::less<>> index_;                  ///< path -> specs_ index
  std::map<std::string, std::vector<std::string>, std::less<>> sections_;  ///< section -> keys
};

/// Where a value came from, for errors found after loading.
struct SourceLocation {
  std::string file;                       ///< "" for defaults
  int line = 0;                           ///< 1-based; 0 when unknown
  int column = 0;                         ///< 1-based; 0 when unknown
  [[nodiscard]] std::string str() const;  ///< "file:line:col" or "(default)" / "--set"
};

struct PolicyInstance;

/// Resolved parameter values of one scenario: every schema path has a value
/// (given, or the default). A model's parameters also carry the scenario's
/// policy instances, so that whatever builds a model from a scenario's
/// parameters builds it with its policies.
class Parameters {
 public:
  void set(std::string path, ParamValue value, SourceLocation where = {});

  [[nodiscard]] std::int64_t integer(std::string_view path) const;
  [[nodiscard]] double real(std::string_view path) const;  ///< accepts integers too
  [[nodiscard]] bool boolean(std::string_view path) const;
  [[nodiscard]] const std::string& string(std::string_view path) const;  ///< String or Choice
  [[nodiscard]] const std::vector<double>& real_list(std::string_view path) const;
  [[nodiscard]] const std::vector<std::int64_t>& integer_list(std::string_view path) const;
  [[nodiscard]] bool contains(std::string_view path) const;
  [[nodiscard]] SourceLocation where(std::string_view path) const;

  /// Throws a ScenarioError "file:line:col: parameters.PATH: message" for
  /// cross-parameter checks a model makes after the schema's own checks.
  [[noreturn]] void fail(std::string_view path, std::string_view message) const;

  [[nodiscard]] const std::map<std::string, ParamValue, std::less<>>& values() const noexcept {
    return values_;
  }

  /// Key path in front of a parameter's path in fail() messages:
  /// "parameters." for a model, "policies.NAME." for a policy instance.
  void set_key_prefix(std::string prefix) { key_prefix_ = std::move(prefix); }

  /// The scenario's `policies:` entries, in the order written.
  void add_policy(PolicyInstance policy);
  [[nodiscard]] const std::vector<PolicyInstance>& policies() const noexcept { return policies_; }

  /// The scenario's `start_date:` ("YYYY-MM" of step 1, "" when not given):
  /// models whose rules follow the calendar (birth cohorts) read it.
  void set_start_date(std::string start_date) { start_date_ = std::move(start_date); }
  [[nodiscard]] const std::string& start_date() const noexcept { return start_date_; }

 private:
  const ParamValue& get(std::string_view path) const;
  std::map<std::string, ParamValue, std::less<>> values_;
  std::map<std::string, SourceLocation, std::less<>> locations_;
  std::string key_prefix_ = "parameters.";
  std::vector<PolicyInstance> policies_;
  std::string start_date_;
};

/// One entry of a scenario's `policies:` map: an instance of one of the
/// model's policy modules (ModelInfo::policies) acting from step `start` to
/// step `end`, both inclusive and 1-based.
struct PolicyInstance {
  std::string name;    ///< the key under `policies:`
  std::string module;  ///< `type:`, or the name when no type is given
  bool enabled = true;
  std::int64_t start = 1;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();  ///< no `end:`: to the last step
  bool end_given = false;
  Parameters parameters;  ///< the module's schema, resolved

  [[nodiscard]] bool active_at(std::int64_t step) const {
    return enabled && step >= start && step <= end;
  }
};

}  // namespace cpsim

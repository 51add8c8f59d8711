#include "cpsim/engine/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace cpsim {
namespace {

const char* type_name(ParamType type) {
  switch (type) {
    case ParamType::Integer:
      return "integer";
    case ParamType::Real:
      return "real";
    case ParamType::Boolean:
      return "boolean";
    case ParamType::String:
      return "string";
    case ParamType::Choice:
      return "choice";
    case ParamType::RealList:
      return "real list";
    case ParamType::IntegerList:
      return "integer list";
  }
  return "?";
}

bool default_matches_type(const ParamSpec& spec) {
  const ParamValue& value = spec.default_value;
  switch (spec.type) {
    case ParamType::Integer:
      return std::holds_alternative<std::int64_t>(value);
    case ParamType::Real:
      return std::holds_alternative<double>(value);
    case ParamType::Boolean:
      return std::holds_alternative<bool>(value);
    case ParamType::String:
    case ParamType::Choice:
      return std::holds_alternative<std::string>(value);
    case ParamType::RealList:
      return std::holds_alternative<std::vector<double>>(value);
    case ParamType::IntegerList:
      return std::holds_alternative<std::vector<std::int64_t>>(value);
  }
  return false;
}

bool within_bounds(const ParamSpec& spec, double x) {
  if (!std::isfinite(x)) {
    return false;
  }
  if (spec.min) {
    if (spec.min_exclusive ? !(x > *spec.min) : !(x >= *spec.min)) {
      return false;
    }
  }
  return !(spec.max && x > *spec.max);
}

// Checks a model's own declaration; mistakes here are programming errors.
void check_spec(const ParamSpec& spec) {
  const std::string where = "parameter '" + spec.path + "': ";
  if (spec.path.empty() || spec.path.front() == '.' || spec.path.back() == '.' ||
      spec.path.find("..") != std::string::npos) {
    throw std::logic_error(where + "invalid path");
  }
  if (!default_matches_type(spec)) {
    throw std::logic_error(where + "default value does not match type " + type_name(spec.type));
  }
  if (spec.min && spec.max && *spec.min > *spec.max) {
    throw std::logic_error(where + "min is greater than max");
  }
  const auto check_number = [&](double x) {
    if (!within_bounds(spec, x)) {
      throw std::logic_error(where + "default value out of bounds");
    }
  };
  switch (spec.type) {
    case ParamType::Integer:
      check_number(static_cast<double>(std::get<std::int64_t>(spec.default_value)));
      break;
    case ParamType::Real:
      check_number(std::get<double>(spec.default_value));
      break;
    case ParamType::RealList: {
      const auto& list = std::get<std::vector<double>>(spec.default_value);
      std::for_each(list.begin(), list.end(), check_number);
      if (spec.list_length && list.size() != *spec.list_length) {
        throw std::logic_error(where + "default list has the wrong length");
      }
      break;
    }
    case ParamType::IntegerList: {
      const auto& list = std::get<std::vector<std::int64_t>>(spec.default_value);
      for (std::int64_t x : list) {
        check_number(static_cast<double>(x));
      }
      if (spec.list_length && list.size() != *spec.list_length) {
        throw std::logic_error(where + "default list has the wrong length");
      }
      break;
    }
    case ParamType::Choice: {
      const auto& value = std::get<std::string>(spec.default_value);
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
        throw std::logic_error(where + "default value is not one of the choices");
      }
      break;
    }
    case ParamType::Boolean:
    case ParamType::String:
      break;
  }
}

bool starts_with_section(std::string_view path, std::string_view section) {
  return path.size() > section.size() && path.substr(0, section.size()) == section &&
         path[section.size()] == '.';
}

}  // namespace

// ---------------------------------------------------------------------------
// ParamSchema

ParamSpec& ParamSchema::add(ParamSpec spec) {
  check_spec(spec);
  if (index_.contains(spec.path)) {
    throw std::logic_error("parameter '" + spec.path + "' declared twice");
  }
  // A path cannot be a parameter and a section: neither the path itself
  // nor any of its leading sections may be the other.
  bool clash = is_section(spec.path);
  for (std::size_t dot = spec.path.find('.'); !clash && dot != std::string::npos;
       dot = spec.path.find('.', dot + 1)) {
    clash = index_.contains(std::string_view(spec.path).substr(0, dot));
  }
  if (clash) {
    for (const ParamSpec& other : specs_) {
      if (starts_with_section(other.path, spec.path) ||
          starts_with_section(spec.path, other.path)) {
        throw std::logic_error("parameter '" + spec.path + "' and '" + other.path +
                               "': a path cannot be both a parameter and a section");
      }
    }
  }
  std::size_t start = 0;
  for (std::size_t dot = spec.path.find('.'); true; dot = spec.path.find('.', start)) {
    const std::string section = start == 0 ? std::string() : spec.path.substr(0, start - 1);
    std::string key = spec.path.substr(start, dot == std::string::npos ? dot : dot - start);
    std::vector<std::string>& keys = sections_[section];
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  index_.emplace(spec.path, specs_.size());
  specs_.push_back(std::move(spec));
  return specs_.back();
}

namespace {
/// The fields every factory below sets; the rest keep ParamSpec's defaults.
ParamSpec make_spec(std::string path, ParamType type, ParamValue default_value,
                    std::string description, std::optional<double> min = std::nullopt,
                    std::optional<double> max = std::nullopt, std::string unit = "") {
  ParamSpec spec;
  spec.path = std::move(path);
  spec.type = type;
  spec.default_value = std::move(default_value);
  spec.description = std::move(description);
  spec.min = min;
  spec.max = max;
  spec.unit = std::move(unit);
  return spec;
}
}  // namespace

ParamSpec& ParamSchema::integer(std::string path, std::int64_t default_value,
                                std::string description, std::optional<double> min,
                                std::optional<double> max, std::string unit) {
  return add(make_spec(std::move(path), ParamType::Integer, default_value, std::move(description),
                       min, max, std::move(unit)));
}

ParamSpec& ParamSchema::real(std::string path, double default_value, std::string description,
                             std::optional<double> min, std::optional<double> max,
                             std::string unit) {
  return add(make_spec(std::move(path), ParamType::Real, default_value, std::move(description), min,
                       max, std::move(unit)));
}

ParamSpec& ParamSchema::boolean(std::string path, bool default_value, std::string description) {
  return add(make_spec(std::move(path), ParamType::Boolean, default_value, std::move(description)));
}

ParamSpec& ParamSchema::string(std::string path, std::string default_value,
                               std::string description) {
  return add(make_spec(std::move(path), ParamType::String, std::move(default_value),
                       std::move(description)));
}

ParamSpec& ParamSchema::choice(std::string path, std::string default_value,
                               std::vector<std::string> choices, std::string description) {
  ParamSpec spec = make_spec(std::move(path), ParamType::Choice, std::move(default_value),
                             std::move(description));
  spec.choices = std::move(choices);
  return add(std::move(spec));
}

ParamSpec& ParamSchema::real_list(std::string path, std::vector<double> default_value,
                                  std::string description, std::optional<double> min,
                                  std::optional<double> max, std::string unit) {
  return add(make_spec(std::move(path), ParamType::RealList, std::move(default_value),
                       std::move(description), min, max, std::move(unit)));
}

ParamSpec& ParamSchema::integer_list(std::string path, std::vector<std::int64_t> default_value,
                                     std::string description, std::optional<double> min,
                                     std::optional<double> max, std::string unit) {
  return add(make_spec(std::move(path), ParamType::IntegerList, std::move(default_value),
                       std::move(description), min, max, std::move(unit)));
}

const ParamSpec* ParamSchema::find(std::string_view path) const {
  const auto found = index_.find(path);
  return found == index_.end() ? nullptr : &specs_[found->second];
}

bool ParamSchema::is_section(std::string_view path) const {
  return path.empty() || sections_.contains(path);
}

const std::vector<std::string>& ParamSchema::children(std::string_view section) const {
  static const std::vector<std::string> none;
  const auto found = sections_.find(section);
  return found == sections_.end() ? none : found->second;
}

// ---------------------------------------------------------------------------
// SourceLocation

std::string SourceLocation::str() const {
  if (file.empty()) {
    return "(default)";
  }
  if (line <= 0) {
    return file;
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// ---------------------------------------------------------------------------
// Parameters

void Parameters::set(std::string path, ParamValue value, SourceLocation where) {
  locations_.insert_or_assign(path, std::move(where));
  values_.insert_or_assign(std::move(path), std::move(value));
}

const ParamValue& Parameters::get(std::string_view path) const {
  const auto it = values_.find(path);
  if (it == values_.end()) {
    throw std::logic_error("parameter '" + std::string(path) +
                           "' has no value (not in the schema?)");
  }
  return it->second;
}

namespace {
template <typename T>
const T& get_as(const ParamValue& value, std::string_view path, const char* wanted) {
  if (const T* x = std::get_if<T>(&value)) {
    return *x;
  }
  throw std::logic_error("parameter '" + std::string(path) + "' is not " + wanted);
}
}  // namespace

std::int64_t Parameters::integer(std::string_view path) const {
  return get_as<std::int64_t>(get(path), path, "an integer");
}

double Parameters::real(std::string_view path) const {
  const ParamValue& value = get(path);
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return static_cast<double>(*i);
  }
  return get_as<double>(value, path, "a real number");
}

bool Parameters::boolean(std::string_view path) const {
  return get_as<bool>(get(path), path, "a boolean");
}

const std::string& Parameters::string(std::string_view path) const {
  return get_as<std::string>(get(path), path, "a string");
}

const std::vector<double>& Parameters::real_list(std::string_view path) const {
  return get_as<std::vector<double>>(get(path), path, "a list of reals");
}

const std::vector<std::int64_t>& Parameters::integer_list(std::string_view path) const {
  return get_as<std::vector<std::int64_t>>(get(path), path, "a list of integers");
}

bool Parameters::contains(std::string_view path) const { return values_.contains(path); }

SourceLocation Parameters::where(std::string_view path) const {
  const auto it = locations_.find(path);
  return it == locations_.end() ? SourceLocation{} : it->second;
}

void Parameters::fail(std::string_view path, std::string_view message) const {
  throw ScenarioError(where(path).str() + ": " + key_prefix_ + std::string(path) + ": " +
                      std::string(message));
}

void Parameters::add_policy(PolicyInstance policy) { policies_.push_back(std::move(policy)); }

}  // namespace cpsim

// A scenario's values checked against the model's schema: typed parameters
// with their bounds, sections, unknown keys with did-you-mean, `output:`.
#include <algorithm>

#include "scenario_parts.hpp"

namespace cpsim::scenario_parts {
namespace {

using yaml::Bounds;
using yaml::Entry;
using yaml::fail;
using yaml::Node;

const Node& get_list(const Node& node, const ParamSpec& spec, const std::string& path,
                     std::string_view element) {
  if (!node.is_list()) {
    fail(node.location, path,
         "expected a list of " + std::string(element) + ", found " + node.describe());
  }
  if (spec.list_length && node.items.size() != *spec.list_length) {
    fail(node.location, path,
         "expected a list of " + std::to_string(*spec.list_length) + " " + std::string(element) +
             ", found a list of " + std::to_string(node.items.size()));
  }
  return node;
}

ParamValue get_parameter(const ParamSpec& spec, const Node& node, const std::string& path) {
  const Bounds bounds{spec.min, spec.max, spec.min_exclusive};
  switch (spec.type) {
    case ParamType::Integer:
      return yaml::get_integer(node, path, bounds);
    case ParamType::Real:
      return yaml::get_real(node, path, bounds);
    case ParamType::Boolean:
      return yaml::get_bool(node, path);
    case ParamType::String:
      return yaml::get_string(node, path, "a string");
    case ParamType::Choice: {
      if (node.is_scalar() &&
          std::find(spec.choices.begin(), spec.choices.end(), node.text) != spec.choices.end()) {
        return node.text;
      }
      fail(node.location, path,
           "expected one of: " + join_list(spec.choices, ", ") + "; found " + node.describe());
    }
    case ParamType::RealList: {
      std::vector<double> values;
      const Node& list = get_list(node, spec, path, "numbers");
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        values.push_back(yaml::get_real(list.items[i], item_path, bounds));
      }
      return values;
    }
    case ParamType::IntegerList: {
      std::vector<std::int64_t> values;
      const Node& list = get_list(node, spec, path, "integers");
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        values.push_back(yaml::get_integer(list.items[i], item_path, bounds));
      }
      return values;
    }
  }
  fail(node.location, path, "unsupported parameter type");
}

const std::vector<std::string>& output_keys() {
  static const std::vector<std::string> keys = {"snapshot_every", "snapshot_tables", "compression",
                                                "codec"};
  return keys;
}

}  // namespace

std::string join_list(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += items[i];
  }
  return out;
}

const Node* map_or_null(const Node& node, const std::string& path, std::string_view what) {
  if (node.is_null()) {
    return nullptr;
  }
  if (!node.is_map()) {
    fail(node.location, path, "expected " + std::string(what) + ", found " + node.describe());
  }
  return &node;
}

void validate_section(const Node& map, const ParamSchema& schema, const std::string& section,
                      Parameters& parameters, const std::string& prefix,
                      const std::vector<std::string>& skip) {
  for (const Entry& entry : map.entries) {
    if (section.empty() && std::find(skip.begin(), skip.end(), entry.key) != skip.end()) {
      continue;
    }
    const std::string full = yaml::join_path(section, entry.key);
    const std::string path = prefix + full;
    if (entry.key.find('.') != std::string::npos) {
      fail(entry.key_location, path, "'.' in a key; write nested maps instead");
    }
    if (const ParamSpec* spec = schema.find(full)) {
      parameters.set(full, get_parameter(*spec, entry.value, path), entry.value.location.source());
    } else if (schema.is_section(full)) {
      const std::vector<std::string>& keys = schema.children(full);
      if (const Node* child =
              map_or_null(entry.value, path, "a map with keys " + join_list(keys, ", "))) {
        validate_section(*child, schema, full, parameters, prefix);
      }
    } else {
      std::vector<std::string> candidates = schema.children(section);
      if (section.empty()) candidates.insert(candidates.end(), skip.begin(), skip.end());
      // A key another document gave (a study's `parameter:`) is named, as
      // the message is located at that document's key, not at this path.
      const std::string& origin = entry.key_location.origin_path;
      const bool named_elsewhere = !origin.empty() && !origin.ends_with(path);
      fail(entry.key_location, path,
           "unknown key" + (named_elsewhere ? " '" + path + "'" : std::string()) +
               yaml::suggestion(entry.key, candidates));
    }
  }
}

OutputOptions validate_output(const Node& node) {
  OutputOptions output;
  const Node* map =
      map_or_null(node, "output", "a map with keys " + join_list(output_keys(), ", "));
  if (map == nullptr) {
    return output;
  }
  for (const Entry& entry : map->entries) {
    const std::string path = "output." + entry.key;
    if (entry.key == "snapshot_every") {
      output.snapshot_every =
          yaml::get_integer(entry.value, path, Bounds{0.0, std::nullopt, false});
    } else if (entry.key == "snapshot_tables") {
      if (entry.value.is_null()) {
        continue;
      }
      if (!entry.value.is_list()) {
        fail(entry.value.location, path,
             "expected a list of table names, found " + entry.value.describe());
      }
      for (std::size_t i = 0; i < entry.value.items.size(); ++i) {
        const Node& item = entry.value.items[i];
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        const std::string& table = yaml::get_string(item, item_path, "a table name");
        if (table.empty()) {
          fail(item.location, item_path, "expected a table name, found an empty string");
        }
        output.snapshot_tables.push_back(table);
      }
    } else if (entry.key == "compression") {
      output.compression.level =
          static_cast<int>(yaml::get_integer(entry.value, path, Bounds{0.0, 9.0, false}));
    } else if (entry.key == "codec") {
      const Node& codec = entry.value;
      if (!codec.is_scalar() || (codec.text != "deflate" && codec.text != "lz4")) {
        fail(codec.location, path, "expected one of: deflate, lz4; found " + codec.describe());
      }
      output.compression.codec = codec.text == "lz4" ? Codec::Lz4 : Codec::Deflate;
    } else {
      fail(entry.key_location, path, "unknown key" + yaml::suggestion(entry.key, output_keys()));
    }
  }
  return output;
}

std::string validate_name(const Node& node, std::string_view path) {
  const std::string& name = yaml::get_string(node, path, "a name");
  const auto refuse = [&](const std::string& why) {
    fail(node.location, path,
         "expected a name that can name the output file " + why + ", found '" + yaml::shown(name) +
             "'");
  };
  if (name.empty()) fail(node.location, path, "expected a name, found an empty string");
  if (name == "." || name == "..") refuse("(not '.' or '..')");
  if (name.find('/') != std::string::npos) refuse("in the working folder (no '/')");
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    refuse("(no control characters)");
  }
  if (name.size() > kMaxNameBytes) {
    refuse("(at most " + std::to_string(kMaxNameBytes) + " bytes)");
  }
  return name;
}

}  // namespace cpsim::scenario_parts

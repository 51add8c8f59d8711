// Where a scenario's values come from: its file, the chain of files it
// `extends:`, and overrides (`--set` arguments, a study's `set:` and sweep
// values), each node keeping its own location for errors.
#include <algorithm>
#include <optional>
#include <utility>

#include "cpsim/engine/errors.hpp"
#include "scenario_parts.hpp"

namespace cpsim {
namespace scenario_parts {
namespace {

namespace fs = std::filesystem;
using yaml::Entry;
using yaml::fail;
using yaml::Kind;
using yaml::Location;
using yaml::Node;

// ---------------------------------------------------------------------------
// Files and extends

fs::path identity(const fs::path& file) {
  std::error_code ec;
  fs::path result = fs::weakly_canonical(file, ec);
  if (ec) {
    result = fs::absolute(file, ec).lexically_normal();
  }
  return result;
}

struct Link {
  fs::path identity;
  std::string display;
};

/// Replaces `base` by `over` where both are maps key by key (recursively);
/// anything else is replaced whole. An empty value over a map adds nothing.
void merge_into(Node& base, Node&& over) {
  if (base.is_map() && over.is_map()) {
    for (Entry& entry : over.entries) {
      if (Entry* existing = base.find_entry(entry.key)) {
        existing->key_location = std::move(entry.key_location);
        merge_into(existing->value, std::move(entry.value));
      } else {
        base.entries.push_back(std::move(entry));
      }
    }
    base.location = std::move(over.location);
    return;
  }
  if (over.is_null() && base.is_map()) {
    return;
  }
  base = std::move(over);
}

Node load_chain(const fs::path& file, std::vector<Link>& chain, const Location* extends_location,
                std::string_view extends_text, Location* root_location,
                const std::string_view* text = nullptr) {
  const std::string display = file.string();
  const fs::path id = identity(file);
  for (const Link& link : chain) {
    if (link.identity == id) {
      std::string message = "circular extends: ";
      for (const Link& l : chain) {
        message += l.display + " -> ";
      }
      message += display;
      fail(*extends_location, "extends", message);
    }
  }
  std::optional<Node> document;
  try {
    document = text != nullptr ? yaml::parse_document(*text, file, "scenario file")
                               : yaml::read_document(file, "scenario file");
  } catch (const yaml::FileRefused& refused) {
    if (extends_location == nullptr) throw;
    fail(*extends_location, "extends",
         "cannot read '" + std::string(extends_text) + "': " + refused.reason());
  }
  if (!document) {
    if (extends_location != nullptr) {
      fail(*extends_location, "extends", "cannot open '" + std::string(extends_text) + "'");
    }
    yaml::fail_unlocated(display + ": cannot open scenario file");
  }
  Node root = std::move(*document);
  if (!root.is_map()) {
    fail(root.location, "",
         "expected a map of scenario keys (model, steps, parameters, ...), found " +
             root.describe());
  }
  if (root_location != nullptr) {
    *root_location = root.location;
  }
  const auto extends = std::find_if(root.entries.begin(), root.entries.end(),
                                    [](const Entry& e) { return e.key == "extends"; });
  if (extends == root.entries.end()) {
    return root;
  }
  const Node target = std::move(extends->value);
  root.entries.erase(extends);
  if (!target.is_scalar() || target.text.empty()) {
    fail(target.location, "extends",
         "expected the path of a scenario file, found " + target.describe());
  }
  chain.push_back({id, display});
  Node merged = load_chain((file.parent_path() / target.text).lexically_normal(), chain,
                           &target.location, target.text, nullptr);
  chain.pop_back();
  merge_into(merged, std::move(root));
  return merged;
}

// ---------------------------------------------------------------------------
// Overrides

/// The key path's form; `at` is where it was given (its override_path is
/// the path itself, so that the message names the argument or the origin).
void check_override_path(std::string_view path, const Location& at) {
  const std::string expected = at.origin_path.empty() ? "expected KEY.PATH=VALUE, found "
                                                      : "expected a dotted key path, found ";
  if (path.empty()) {
    fail(at, path, expected + "an empty key path");
  }
  if (path.find_first_of(" \t\r\n") != std::string_view::npos) {
    fail(at, path, expected + "a space in the key path '" + std::string(path) + "'");
  }
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos) {
    fail(at, path, expected + "an empty key in '" + std::string(path) + "'");
  }
}

void refuse_extends(std::string_view path, const Location& at) {
  if (path == "extends" || path.starts_with("extends.")) {
    fail(at, path,
         at.origin_path.empty() ? "extends cannot be set from the command line"
                                : "extends cannot be overridden");
  }
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

/// Moves a value of another document to key path `path` of this one: its
/// key paths become this document's, its errors name `origin` (plus the
/// inner path) in the other document.
void rehome(Node& node, const std::string& override_path, const std::string& origin,
            const std::string& path) {
  node.location.override_path = override_path;
  node.location.origin_path = origin;
  node.path = path;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    rehome(node.items[i], override_path, origin, path + "[" + std::to_string(i) + "]");
  }
  for (Entry& entry : node.entries) {
    entry.key_location.override_path = override_path;
    entry.key_location.origin_path = origin;
    rehome(entry.value, override_path, origin, yaml::join_path(path, entry.key));
  }
}

}  // namespace

Node load_with_extends(const fs::path& file, Location& root_location,
                       const std::string_view* text) {
  std::vector<Link> chain;
  root_location = Location{file.string(), 0, 0, "", ""};
  return load_chain(file, chain, nullptr, "", &root_location, text);
}

LocatedOverride from_command_line(const Override& override_) {
  const Location at{"--set " + override_.path + "=" + override_.value, 0, 0, override_.path, ""};
  check_override_path(override_.path, at);
  refuse_extends(override_.path, at);
  Node value = yaml::parse(override_.value, at, override_.path);
  value.location = at;
  return {override_.path, at, std::move(value)};
}

LocatedOverride from_document(std::string path, const Location& key_location,
                              const std::string& key_origin, const Node& value) {
  Location at = key_location;
  at.override_path = path;
  at.origin_path = key_origin;
  check_override_path(path, at);
  refuse_extends(path, at);
  Node moved = value;
  const std::string origin = value.path;
  rehome(moved, path, origin, path);
  return {std::move(path), std::move(at), std::move(moved)};
}

void apply_override(Node& root, LocatedOverride override_) {
  const Location& at = override_.key_location;
  const std::vector<std::string> parts = split_path(override_.path);
  Node* map = &root;
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path = yaml::join_path(path, parts[i]);
    Entry* entry = map->find_entry(parts[i]);
    if (entry == nullptr) {
      map->entries.push_back({parts[i], at, Node{}});
      entry = &map->entries.back();
      entry->value.location = at;
      entry->value.path = path;
    }
    if (entry->value.is_null()) {
      entry->value.kind = Kind::Map;
    }
    if (!entry->value.is_map()) {
      fail(at, override_.path, path + " is " + entry->value.describe() + ", not a map");
    }
    map = &entry->value;
  }
  if (Entry* entry = map->find_entry(parts.back())) {
    entry->key_location = at;
    entry->value = std::move(override_.value);
  } else {
    map->entries.push_back({parts.back(), at, std::move(override_.value)});
  }
}

}  // namespace scenario_parts

Override parse_override(std::string_view argument) {
  const std::string shown_argument = "--set " + std::string(argument);
  const std::size_t equals = argument.find('=');
  if (equals == std::string_view::npos) {
    yaml::fail_unlocated(shown_argument + ": expected KEY.PATH=VALUE, found no '='");
  }
  Override result{std::string(argument.substr(0, equals)),
                  std::string(argument.substr(equals + 1))};
  scenario_parts::check_override_path(result.path,
                                      yaml::Location{shown_argument, 0, 0, result.path, ""});
  return result;
}

}  // namespace cpsim

// Typed, located reading of a document's values (yaml_document.hpp): the
// getters, map and list access, and the strict key check with did-you-mean.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "cpsim/engine/yaml_document.hpp"
#include "yaml_scalar.hpp"

namespace cpsim {
namespace yaml {

std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) {
    return std::string(key);
  }
  std::string out(prefix);
  out += '.';
  out += key;
  return out;
}

std::string suggestion(std::string_view word, std::span<const std::string> candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

// ---------------------------------------------------------------------------
// Scalars

std::int64_t get_integer(const Node& node, std::string_view path, const Bounds& bounds) {
  if (node.is_scalar() && node.plain) {
    if (const auto parsed = parse_integer(node.text)) {
      if (const auto value = to_int64(*parsed)) {
        check_bounds(bounds, static_cast<double>(*value), node, path);
        return *value;
      }
      fail(node.location, path,
           "expected an integer between " +
               std::to_string(std::numeric_limits<std::int64_t>::min()) + " and " +
               std::to_string(std::numeric_limits<std::int64_t>::max()) + ", found " +
               shown(node.text));
    }
  }
  fail(node.location, path, "expected an integer, found " + node.describe());
}

std::uint64_t get_unsigned(const Node& node, std::string_view path) {
  if (node.is_scalar() && node.plain) {
    if (const auto parsed = parse_integer(node.text)) {
      if (parsed->negative && (parsed->magnitude > 0 || parsed->overflow)) {
        fail(node.location, path, "expected >= 0, found " + shown(node.text));
      }
      if (parsed->overflow) {
        fail(node.location, path,
             "expected <= " + std::to_string(std::numeric_limits<std::uint64_t>::max()) +
                 ", found " + shown(node.text));
      }
      return parsed->magnitude;
    }
  }
  fail(node.location, path, "expected an integer, found " + node.describe());
}

double get_real(const Node& node, std::string_view path, const Bounds& bounds) {
  if (node.is_scalar() && node.plain) {
    std::string_view text = node.text;
    if (is_special_float(text)) {
      fail(node.location, path, "expected a finite number, found " + shown(text));
    }
    std::optional<double> value;
    if (const auto parsed = parse_integer(text); parsed && !parsed->overflow) {
      const auto magnitude = static_cast<double>(parsed->magnitude);
      value = parsed->negative ? -magnitude : magnitude;
    } else if (is_decimal_float(text)) {
      if (text.front() == '+') {
        text.remove_prefix(1);
      }
      double x = 0;
      const auto result = std::from_chars(text.data(), text.data() + text.size(), x);
      if (result.ec != std::errc() || !std::isfinite(x)) {
        fail(node.location, path,
             "expected a number within the range of a double, found " + shown(node.text));
      }
      value = x;
    }
    if (value) {
      check_bounds(bounds, *value, node, path);
      return *value;
    }
  }
  fail(node.location, path, "expected a number, found " + node.describe());
}

bool get_bool(const Node& node, std::string_view path) {
  if (node.is_scalar() && node.plain) {
    if (const auto value = parse_bool(node.text)) {
      return *value;
    }
  }
  fail(node.location, path, "expected true or false, found " + node.describe());
}

const std::string& get_string(const Node& node, std::string_view path, std::string_view what) {
  if (!node.is_scalar()) {
    fail(node.location, path, "expected " + std::string(what) + ", found " + node.describe());
  }
  return node.text;
}

void check_bounds(const Bounds& bounds, double x, const Node& node, std::string_view path) {
  if (bounds.min) {
    const bool ok = bounds.min_exclusive ? x > *bounds.min : x >= *bounds.min;
    if (!ok) {
      fail(node.location, path,
           std::string("expected ") + (bounds.min_exclusive ? "> " : ">= ") +
               format_bound(*bounds.min) + ", found " + shown(node.text));
    }
  }
  if (bounds.max && !(x <= *bounds.max)) {
    fail(node.location, path,
         "expected <= " + format_bound(*bounds.max) + ", found " + shown(node.text));
  }
}

std::int64_t Node::as_integer(const Bounds& bounds) const {
  return get_integer(*this, path, bounds);
}
std::uint64_t Node::as_unsigned() const { return get_unsigned(*this, path); }
double Node::as_real(const Bounds& bounds) const { return get_real(*this, path, bounds); }
bool Node::as_bool() const { return get_bool(*this, path); }
const std::string& Node::as_string(std::string_view what) const {
  return get_string(*this, path, what);
}

// ---------------------------------------------------------------------------
// Maps and lists

Entry* Node::find_entry(std::string_view key) {
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

const Entry* Node::find_entry(std::string_view key) const {
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

const Node* Node::find(std::string_view key) const {
  const Entry* entry = find_entry(key);
  return entry == nullptr ? nullptr : &entry->value;
}

const Node& Node::required(std::string_view key, std::string_view missing) const {
  const Node* value = find(key);
  if (value == nullptr) {
    yaml::fail(location, join_path(path, key), missing);
  }
  return *value;
}

void Node::check_keys(std::span<const std::string> allowed) const {
  for (const Entry& entry : entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      yaml::fail(entry.key_location, join_path(path, entry.key),
                 "unknown key" + suggestion(entry.key, allowed));
    }
  }
}

void Node::check_keys(std::initializer_list<std::string> allowed) const {
  check_keys(std::span<const std::string>(allowed.begin(), allowed.size()));
}

const Node& Node::expect_map(std::string_view what) const {
  if (!is_map()) fail("expected " + std::string(what) + ", found " + describe());
  return *this;
}

const Node& Node::expect_list(std::string_view what) const {
  if (!is_list()) fail("expected " + std::string(what) + ", found " + describe());
  return *this;
}

}  // namespace yaml

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  if (word.empty()) {
    return {};
  }
  const auto lower = [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  };
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::size_t best_distance = limit + 1;
  std::string best;
  std::vector<std::size_t> previous;
  std::vector<std::size_t> current;
  for (const std::string& candidate : candidates) {
    // The distance is at least the difference of the lengths, and at least
    // the smallest entry of any row: a candidate that cannot beat the best
    // so far is left early (an unknown key of thousands of characters, as a
    // fuzzer writes, then costs nothing against a large schema).
    const std::size_t length_gap = word.size() > candidate.size() ? word.size() - candidate.size()
                                                                  : candidate.size() - word.size();
    if (length_gap >= best_distance) continue;
    // Levenshtein distance, case-insensitive, two rows.
    previous.resize(candidate.size() + 1);
    current.resize(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) {
      previous[j] = j;
    }
    bool beaten = false;
    for (std::size_t i = 1; i <= word.size() && !beaten; ++i) {
      current[0] = i;
      std::size_t row_least = current[0];
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t cost = lower(word[i - 1]) == lower(candidate[j - 1]) ? 0 : 1;
        current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
        row_least = std::min(row_least, current[j]);
      }
      std::swap(previous, current);
      beaten = row_least >= best_distance;
    }
    if (beaten) continue;
    const std::size_t distance = previous[candidate.size()];
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace cpsim

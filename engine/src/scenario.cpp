// Scenario loading: read YAML, resolve `extends:` chains, apply `--set`
// overrides, validate strictly against the model's schema and resolve
// defaults. Every problem becomes one ScenarioError line
// "file:line:col: key.path: message" (or "--set ARG: message").
//
// The YAML is first copied into a small tree of our own (Tree) in which every
// node remembers the file (or override) it came from, so that errors found
// after merging still point at the right file, line and column.
#include "cpsim/engine/scenario.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/parameters.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 64;                 // nesting levels in one document
constexpr std::size_t kMaxNodes = 1'000'000;  // nodes once aliases are expanded
constexpr std::size_t kMaxShownChars = 60;    // of a value quoted in a message
constexpr std::int64_t kDefaultSeed = 1;

// ---------------------------------------------------------------------------
// Messages

/// Makes any text safe for a one-line message: control characters escaped.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      constexpr std::string_view hex = "0123456789abcdef";
      out += "\\x";
      out += hex[byte >> 4U];
      out += hex[byte & 0xfU];
    } else {
      out += c;
    }
  }
  return out;
}

[[noreturn]] void raise(std::string_view message) { throw ScenarioError(one_line(message)); }

/// Where a node came from: a file position or a command-line override.
struct Loc {
  std::string where;          ///< file path, or "--set PATH=VALUE"
  int line = 0;               ///< 1-based; 0 when unknown
  int column = 0;             ///< 1-based
  std::string override_path;  ///< the override's key path; "" for files

  [[nodiscard]] bool from_override() const { return !override_path.empty(); }
  [[nodiscard]] SourceLocation source() const { return {where, line, column}; }
};

/// Throws "where:line:col: path: message". For an override whose own key path
/// is the offending one, the path is left out: the argument already names it.
[[noreturn]] void fail(const Loc& loc, std::string_view path, std::string_view message) {
  std::string text = loc.where;
  if (loc.line > 0) {
    text += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
  }
  text += ": ";
  if (!path.empty() && !(loc.from_override() && path == loc.override_path)) {
    text += path;
    text += ": ";
  }
  text += message;
  raise(text);
}

std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) {
    return std::string(key);
  }
  std::string out(prefix);
  out += '.';
  out += key;
  return out;
}

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

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

// ---------------------------------------------------------------------------
// Scalars as YAML 1.2 (core schema) reads them

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct ParsedInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool overflow = false;
};

/// Decimal `[-+]?[0-9]+`, hexadecimal `0x..` or octal `0o..`; nullopt if the
/// text is not an integer at all.
std::optional<ParsedInteger> parse_integer(std::string_view text) {
  ParsedInteger result;
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
    base = text[1] == 'x' ? 16U : 8U;
    text.remove_prefix(2);
  } else if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    result.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  for (const char c : text) {
    unsigned digit = 0;
    if (is_digit(c)) {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a') + 10U;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A') + 10U;
    } else {
      return std::nullopt;
    }
    if (digit >= base) {
      return std::nullopt;
    }
    if (result.magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / base) {
      result.overflow = true;
    } else {
      result.magnitude = result.magnitude * base + digit;
    }
  }
  return result;
}

std::optional<std::int64_t> to_int64(const ParsedInteger& parsed) {
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (parsed.overflow || parsed.magnitude > max + (parsed.negative ? 1U : 0U)) {
    return std::nullopt;
  }
  if (parsed.negative) {
    // -(magnitude) without overflowing for magnitude == 2^63.
    return static_cast<std::int64_t>(~parsed.magnitude + 1U);
  }
  return static_cast<std::int64_t>(parsed.magnitude);
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
bool is_decimal_float(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    ++i;
  }
  std::size_t digits = 0;
  while (i < text.size() && is_digit(text[i])) {
    ++i;
    ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) {
      ++i;
      ++digits;
    }
  }
  if (digits == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      ++i;
    }
    std::size_t exponent_digits = 0;
    while (i < text.size() && is_digit(text[i])) {
      ++i;
      ++exponent_digits;
    }
    if (exponent_digits == 0) {
      return false;
    }
  }
  return i == text.size();
}

bool is_special_float(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    text.remove_prefix(1);
  }
  return text == ".inf" || text == ".Inf" || text == ".INF" || text == ".nan" || text == ".NaN" ||
         text == ".NAN";
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  return std::nullopt;
}

bool looks_like_number(std::string_view text) {
  return parse_integer(text).has_value() || is_decimal_float(text) || is_special_float(text);
}

/// Shortest text that reads back as the same double, always with a '.' or an
/// exponent so that it reads as a real.
std::string format_real(double x) {
  std::array<char, 64> buffer{};
  char* const first = buffer.data();
  char* const last = buffer.data() + buffer.size();
  // Whole numbers in full ("3000000.0", not "3e+06"), huge ones with an
  // exponent, others as short as possible.
  const double magnitude = std::fabs(x);
  const auto result = magnitude >= 1e15
                          ? std::to_chars(first, last, x, std::chars_format::scientific)
                      : std::trunc(x) == x ? std::to_chars(first, last, x, std::chars_format::fixed)
                                           : std::to_chars(first, last, x);
  std::string text(first, result.ptr);
  if (text.find_first_of(".eEn") == std::string::npos) {
    text += ".0";
  }
  return text;
}

/// A bound as the user would write it: "1", "0.5", "1e+20".
std::string format_bound(double x) {
  if (std::trunc(x) == x && std::fabs(x) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(x));
  }
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  return {buffer.data(), result.ptr};
}

// ---------------------------------------------------------------------------
// The tree

enum class Kind { Null, Scalar, Sequence, Map };

struct Entry;

struct Tree {
  Kind kind = Kind::Null;
  std::string text;   ///< a scalar as written
  bool plain = true;  ///< scalar neither quoted nor tagged as a string
  std::vector<Tree> items;
  std::vector<Entry> entries;
  Loc loc;

  [[nodiscard]] Entry* find(std::string_view key);
  [[nodiscard]] const Entry* find(std::string_view key) const;
};

struct Entry {
  std::string key;
  Loc key_loc;
  Tree value;
};

Entry* Tree::find(std::string_view key) {
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

const Entry* Tree::find(std::string_view key) const {
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

std::string shown(std::string_view text) {
  std::string out = one_line(text.substr(0, kMaxShownChars));
  if (text.size() > kMaxShownChars) {
    out += "...";
  }
  return out;
}

/// What was found, for "expected X, found Y".
std::string describe(const Tree& node) {
  switch (node.kind) {
    case Kind::Null:
      return "null";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a map";
    case Kind::Scalar:
      break;
  }
  const bool number_like = looks_like_number(node.text) || parse_bool(node.text).has_value();
  if (node.plain && number_like) {
    return shown(node.text);
  }
  if (number_like) {
    return "the string '" + shown(node.text) + "'";
  }
  return "'" + shown(node.text) + "'";
}

/// Sees a YAML stream's events without building nodes; remembers where the
/// last document started.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {}
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {}
  void OnMapEnd() override {}

  YAML::Mark start;
};

/// A file or an override, with a budget of nodes against alias bombs.
class Converter {
 public:
  Converter(std::string where, std::string override_path)
      : where_(std::move(where)), override_path_(std::move(override_path)) {}

  [[nodiscard]] Loc loc(const YAML::Mark& mark) const {
    Loc result{where_, 0, 0, override_path_};
    if (!result.from_override() && mark.line >= 0 && mark.column >= 0) {
      result.line = mark.line + 1;
      result.column = mark.column + 1;
    }
    return result;
  }

  /// Parses one YAML document; nullopt for an empty text.
  std::optional<YAML::Node> parse(const std::string& text) const {
    try {
      // Count the documents first. yaml-cpp 0.7 never stops on some invalid
      // streams (a stray ',' makes YAML::LoadAll loop forever, jbeder/yaml-cpp
      // #1040): a document that starts where the previous one started is a
      // parser that makes no progress, reported as a syntax error.
      std::istringstream stream(text);
      YAML::Parser parser(stream);
      DocumentCounter counter;
      std::vector<YAML::Mark> starts;
      while (parser.HandleNextDocument(counter)) {
        if (!starts.empty() && counter.start.pos == starts.back().pos) {
          const auto pos = static_cast<std::size_t>(std::max(counter.start.pos, 0));
          fail(loc(counter.start), "",
               pos < text.size() ? "syntax error: unexpected '" + shown(text.substr(pos, 1)) + "'"
                                 : std::string("syntax error: unexpected end of file"));
        }
        starts.push_back(counter.start);
      }
      if (starts.size() > 1) {
        fail(loc(starts[1]), "",
             "expected one YAML document, found " + std::to_string(starts.size()));
      }
      if (starts.empty()) {
        return std::nullopt;
      }
      return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      fail(loc(e.mark), "", "syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
      fail(loc(e.mark), "", "syntax error: " + e.msg);
    }
  }

  Tree convert(const YAML::Node& node, const std::string& path, int depth) {
    Tree tree;
    tree.loc = loc(node.Mark());
    if (++nodes_ > kMaxNodes) {
      fail(tree.loc, path,
           "document too large (more than " + std::to_string(kMaxNodes) +
               " values once aliases are expanded)");
    }
    if (depth > kMaxDepth) {
      fail(tree.loc, path,
           "nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    }
    check_tag(node, tree.loc, path);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        tree.kind = Kind::Null;
        break;
      case YAML::NodeType::Scalar:
        tree.kind = Kind::Scalar;
        tree.text = node.Scalar();
        tree.plain = node.Tag() == "?" || node.Tag().empty();
        break;
      case YAML::NodeType::Sequence: {
        tree.kind = Kind::Sequence;
        std::size_t index = 0;
        for (const YAML::Node& item : node) {
          tree.items.push_back(convert(item, path + "[" + std::to_string(index) + "]", depth + 1));
          ++index;
        }
        break;
      }
      case YAML::NodeType::Map: {
        tree.kind = Kind::Map;
        std::unordered_map<std::string, std::size_t> index;
        for (auto it = node.begin(); it != node.end(); ++it) {
          add_entry(tree, index, it->first, it->second, path, depth);
        }
        break;
      }
    }
    return tree;
  }

 private:
  void check_tag(const YAML::Node& node, const Loc& where, const std::string& path) const {
    const std::string& tag = node.Tag();
    if (tag.empty() || tag == "?" || tag == "!") {
      return;
    }
    constexpr std::string_view core = "tag:yaml.org,2002:";
    static constexpr std::array<std::string_view, 7> known = {"str",  "int", "float", "bool",
                                                              "null", "map", "seq"};
    if (tag.size() > core.size() && std::string_view(tag).substr(0, core.size()) == core &&
        std::find(known.begin(), known.end(), std::string_view(tag).substr(core.size())) !=
            known.end()) {
      return;
    }
    fail(where, path, "unsupported YAML tag '" + shown(tag) + "'");
  }

  void add_entry(Tree& map, std::unordered_map<std::string, std::size_t>& index,
                 const YAML::Node& key, const YAML::Node& value, const std::string& path,
                 int depth) {
    const Loc key_loc = loc(key.Mark());
    if (key.Type() != YAML::NodeType::Scalar || key.Scalar().empty()) {
      const std::string found = key.IsSequence() ? "a list" : key.IsMap() ? "a map" : "nothing";
      fail(key_loc, path, "expected a key name, found " + found);
    }
    const std::string& name = key.Scalar();
    const std::string full = join_path(path, name);
    if (const auto first_index = index.find(name); first_index != index.end()) {
      const Entry* first = &map.entries[first_index->second];
      std::string message = "duplicate key";
      if (first->key_loc.line > 0) {
        message += " (first given at line " + std::to_string(first->key_loc.line) + ", column " +
                   std::to_string(first->key_loc.column) + ")";
      }
      fail(key_loc, full, message);
    }
    Entry entry{name, key_loc, convert(value, full, depth + 1)};
    if (entry.value.kind == Kind::Null) {
      // An empty value has no position of its own (yaml-cpp gives the next
      // token's); point at its key instead.
      entry.value.loc = key_loc;
    }
    index.emplace(name, map.entries.size());
    map.entries.push_back(std::move(entry));
  }

  std::string where_;
  std::string override_path_;
  std::size_t nodes_ = 0;
};

// ---------------------------------------------------------------------------
// Files and extends

std::optional<std::string> read_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return std::nullopt;
  }
  return std::move(text).str();
}

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
void merge_into(Tree& base, Tree&& over) {
  if (base.kind == Kind::Map && over.kind == Kind::Map) {
    for (Entry& entry : over.entries) {
      if (Entry* existing = base.find(entry.key)) {
        existing->key_loc = std::move(entry.key_loc);
        merge_into(existing->value, std::move(entry.value));
      } else {
        base.entries.push_back(std::move(entry));
      }
    }
    base.loc = std::move(over.loc);
    return;
  }
  if (over.kind == Kind::Null && base.kind == Kind::Map) {
    return;
  }
  base = std::move(over);
}

Tree load_chain(const fs::path& file, std::vector<Link>& chain, const Loc* extends_loc,
                std::string_view extends_text, Loc* root_loc) {
  const std::string display = file.string();
  const fs::path id = identity(file);
  for (const Link& link : chain) {
    if (link.identity == id) {
      std::string message = "circular extends: ";
      for (const Link& l : chain) {
        message += l.display + " -> ";
      }
      message += display;
      fail(*extends_loc, "extends", message);
    }
  }
  const std::optional<std::string> text = read_file(file);
  if (!text) {
    if (extends_loc != nullptr) {
      fail(*extends_loc, "extends", "cannot open '" + std::string(extends_text) + "'");
    }
    raise(display + ": cannot open scenario file");
  }
  if (const std::size_t nul = text->find('\0'); nul != std::string::npos) {
    raise(display + ": not a text file (NUL byte at offset " + std::to_string(nul) + ")");
  }
  Converter converter(display, "");
  const std::optional<YAML::Node> node = converter.parse(*text);
  if (!node || node->IsNull()) {
    raise(display + ": empty scenario file");
  }
  Tree root = converter.convert(*node, "", 0);
  if (root.kind != Kind::Map) {
    fail(
        root.loc, "",
        "expected a map of scenario keys (model, steps, parameters, ...), found " + describe(root));
  }
  if (root_loc != nullptr) {
    *root_loc = root.loc;
  }
  const auto extends = std::find_if(root.entries.begin(), root.entries.end(),
                                    [](const Entry& e) { return e.key == "extends"; });
  if (extends == root.entries.end()) {
    return root;
  }
  const Tree target = std::move(extends->value);
  root.entries.erase(extends);
  if (target.kind != Kind::Scalar || target.text.empty()) {
    fail(target.loc, "extends", "expected the path of a scenario file, found " + describe(target));
  }
  chain.push_back({id, display});
  Tree merged = load_chain((file.parent_path() / target.text).lexically_normal(), chain,
                           &target.loc, target.text, nullptr);
  chain.pop_back();
  merge_into(merged, std::move(root));
  return merged;
}

// ---------------------------------------------------------------------------
// Overrides

void check_override_path(std::string_view path, const std::string& argument) {
  if (path.empty()) {
    raise(argument + ": expected KEY.PATH=VALUE, found an empty key path");
  }
  if (path.find_first_of(" \t\r\n") != std::string_view::npos) {
    raise(argument + ": expected KEY.PATH=VALUE, found a space in the key path '" +
          std::string(path) + "'");
  }
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos) {
    raise(argument + ": expected KEY.PATH=VALUE, found an empty key in '" + std::string(path) +
          "'");
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

void apply_override(Tree& root, const Override& override_) {
  const std::string argument = "--set " + override_.path + "=" + override_.value;
  check_override_path(override_.path, argument);
  Converter converter(argument, override_.path);
  const Loc loc = converter.loc(YAML::Mark::null_mark());
  const std::vector<std::string> parts = split_path(override_.path);
  if (parts.front() == "extends") {
    fail(loc, "", "extends cannot be set from the command line");
  }
  const std::optional<YAML::Node> node = converter.parse(override_.value);
  Tree value = node ? converter.convert(*node, override_.path, 0) : Tree{};
  value.loc = loc;

  Tree* map = &root;
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path = join_path(path, parts[i]);
    Entry* entry = map->find(parts[i]);
    if (entry == nullptr) {
      map->entries.push_back({parts[i], loc, Tree{}});
      entry = &map->entries.back();
      entry->value.loc = loc;
    }
    if (entry->value.kind == Kind::Null) {
      entry->value.kind = Kind::Map;
    }
    if (entry->value.kind != Kind::Map) {
      fail(loc, "", path + " is " + describe(entry->value) + ", not a map");
    }
    map = &entry->value;
  }
  if (Entry* entry = map->find(parts.back())) {
    entry->key_loc = loc;
    entry->value = std::move(value);
  } else {
    map->entries.push_back({parts.back(), loc, std::move(value)});
  }
}

// ---------------------------------------------------------------------------
// Typed values

std::int64_t get_integer(const Tree& node, const std::string& path) {
  if (node.kind == Kind::Scalar && node.plain) {
    if (const auto parsed = parse_integer(node.text)) {
      if (const auto value = to_int64(*parsed)) {
        return *value;
      }
      fail(node.loc, path,
           "expected an integer between " +
               std::to_string(std::numeric_limits<std::int64_t>::min()) + " and " +
               std::to_string(std::numeric_limits<std::int64_t>::max()) + ", found " +
               shown(node.text));
    }
  }
  fail(node.loc, path, "expected an integer, found " + describe(node));
}

std::uint64_t get_unsigned(const Tree& node, const std::string& path) {
  if (node.kind == Kind::Scalar && node.plain) {
    if (const auto parsed = parse_integer(node.text)) {
      if (parsed->negative && (parsed->magnitude > 0 || parsed->overflow)) {
        fail(node.loc, path, "expected >= 0, found " + shown(node.text));
      }
      if (parsed->overflow) {
        fail(node.loc, path,
             "expected <= " + std::to_string(std::numeric_limits<std::uint64_t>::max()) +
                 ", found " + shown(node.text));
      }
      return parsed->magnitude;
    }
  }
  fail(node.loc, path, "expected an integer, found " + describe(node));
}

double get_real(const Tree& node, const std::string& path) {
  if (node.kind == Kind::Scalar && node.plain) {
    std::string_view text = node.text;
    if (is_special_float(text)) {
      fail(node.loc, path, "expected a finite number, found " + shown(text));
    }
    if (const auto parsed = parse_integer(text); parsed && !parsed->overflow) {
      const auto magnitude = static_cast<double>(parsed->magnitude);
      return parsed->negative ? -magnitude : magnitude;
    }
    if (is_decimal_float(text)) {
      if (text.front() == '+') {
        text.remove_prefix(1);
      }
      double value = 0;
      const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
      if (result.ec != std::errc() || !std::isfinite(value)) {
        fail(node.loc, path,
             "expected a number within the range of a double, found " + shown(node.text));
      }
      return value;
    }
  }
  fail(node.loc, path, "expected a number, found " + describe(node));
}

bool get_bool(const Tree& node, const std::string& path) {
  if (node.kind == Kind::Scalar && node.plain) {
    if (const auto value = parse_bool(node.text)) {
      return *value;
    }
  }
  fail(node.loc, path, "expected true or false, found " + describe(node));
}

const std::string& get_string(const Tree& node, const std::string& path, std::string_view what) {
  if (node.kind != Kind::Scalar) {
    fail(node.loc, path, "expected " + std::string(what) + ", found " + describe(node));
  }
  return node.text;
}

struct Bounds {
  std::optional<double> min;
  std::optional<double> max;
  bool min_exclusive = false;
};

void check_bounds(const Bounds& bounds, double x, const Tree& node, const std::string& path) {
  if (bounds.min) {
    const bool ok = bounds.min_exclusive ? x > *bounds.min : x >= *bounds.min;
    if (!ok) {
      fail(node.loc, path,
           std::string("expected ") + (bounds.min_exclusive ? "> " : ">= ") +
               format_bound(*bounds.min) + ", found " + shown(node.text));
    }
  }
  if (bounds.max && !(x <= *bounds.max)) {
    fail(node.loc, path,
         "expected <= " + format_bound(*bounds.max) + ", found " + shown(node.text));
  }
}

std::int64_t get_integer(const Tree& node, const std::string& path, const Bounds& bounds) {
  const std::int64_t value = get_integer(node, path);
  check_bounds(bounds, static_cast<double>(value), node, path);
  return value;
}

const Tree& get_list(const Tree& node, const ParamSpec& spec, const std::string& path,
                     std::string_view element) {
  if (node.kind != Kind::Sequence) {
    fail(node.loc, path,
         "expected a list of " + std::string(element) + ", found " + describe(node));
  }
  if (spec.list_length && node.items.size() != *spec.list_length) {
    fail(node.loc, path,
         "expected a list of " + std::to_string(*spec.list_length) + " " + std::string(element) +
             ", found a list of " + std::to_string(node.items.size()));
  }
  return node;
}

ParamValue get_parameter(const ParamSpec& spec, const Tree& node, const std::string& path) {
  const Bounds bounds{spec.min, spec.max, spec.min_exclusive};
  switch (spec.type) {
    case ParamType::Integer:
      return get_integer(node, path, bounds);
    case ParamType::Real: {
      const double value = get_real(node, path);
      check_bounds(bounds, value, node, path);
      return value;
    }
    case ParamType::Boolean:
      return get_bool(node, path);
    case ParamType::String:
      return get_string(node, path, "a string");
    case ParamType::Choice: {
      if (node.kind == Kind::Scalar &&
          std::find(spec.choices.begin(), spec.choices.end(), node.text) != spec.choices.end()) {
        return node.text;
      }
      fail(node.loc, path,
           "expected one of: " + join_list(spec.choices, ", ") + "; found " + describe(node));
    }
    case ParamType::RealList: {
      std::vector<double> values;
      const Tree& list = get_list(node, spec, path, "numbers");
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        values.push_back(get_real(list.items[i], item_path));
        check_bounds(bounds, values.back(), list.items[i], item_path);
      }
      return values;
    }
    case ParamType::IntegerList: {
      std::vector<std::int64_t> values;
      const Tree& list = get_list(node, spec, path, "integers");
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        values.push_back(get_integer(list.items[i], item_path, bounds));
      }
      return values;
    }
  }
  fail(node.loc, path, "unsupported parameter type");
}

// ---------------------------------------------------------------------------
// Validation

const Tree* map_or_null(const Tree& node, const std::string& path, std::string_view what) {
  if (node.kind == Kind::Null) {
    return nullptr;
  }
  if (node.kind != Kind::Map) {
    fail(node.loc, path, "expected " + std::string(what) + ", found " + describe(node));
  }
  return &node;
}

/// Checks `map` (the keys under `section` of a schema) into `parameters`;
/// `prefix` is the key path of the schema's root ("parameters." or
/// "policies.NAME."); `skip` lists keys at the root handled elsewhere.
void validate_section(const Tree& map, const ParamSchema& schema, const std::string& section,
                      Parameters& parameters, const std::string& prefix = "parameters.",
                      const std::vector<std::string>& skip = {}) {
  for (const Entry& entry : map.entries) {
    if (section.empty() && std::find(skip.begin(), skip.end(), entry.key) != skip.end()) {
      continue;
    }
    const std::string full = join_path(section, entry.key);
    const std::string path = prefix + full;
    if (entry.key.find('.') != std::string::npos) {
      fail(entry.key_loc, path, "'.' in a key; write nested maps instead");
    }
    if (const ParamSpec* spec = schema.find(full)) {
      parameters.set(full, get_parameter(*spec, entry.value, path), entry.value.loc.source());
    } else if (schema.is_section(full)) {
      const std::vector<std::string> keys = schema.children(full);
      if (const Tree* child =
              map_or_null(entry.value, path, "a map with keys " + join_list(keys, ", "))) {
        validate_section(*child, schema, full, parameters, prefix);
      }
    } else {
      std::vector<std::string> candidates = schema.children(section);
      if (section.empty()) candidates.insert(candidates.end(), skip.begin(), skip.end());
      fail(entry.key_loc, path, "unknown key" + suggestion(entry.key, candidates));
    }
  }
}

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {
      "extends", "name",   "description", "model",      "seed",
      "steps",   "output", "parameters",  "start_date", "policies"};
  return keys;
}

const std::vector<std::string>& output_keys() {
  static const std::vector<std::string> keys = {"snapshot_every", "snapshot_tables", "compression"};
  return keys;
}

OutputOptions validate_output(const Tree& node) {
  OutputOptions output;
  const Tree* map =
      map_or_null(node, "output", "a map with keys " + join_list(output_keys(), ", "));
  if (map == nullptr) {
    return output;
  }
  for (const Entry& entry : map->entries) {
    const std::string path = "output." + entry.key;
    if (entry.key == "snapshot_every") {
      output.snapshot_every = get_integer(entry.value, path, Bounds{0.0, std::nullopt, false});
    } else if (entry.key == "snapshot_tables") {
      if (entry.value.kind == Kind::Null) {
        continue;
      }
      if (entry.value.kind != Kind::Sequence) {
        fail(entry.value.loc, path,
             "expected a list of table names, found " + describe(entry.value));
      }
      for (std::size_t i = 0; i < entry.value.items.size(); ++i) {
        const Tree& item = entry.value.items[i];
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        const std::string& table = get_string(item, item_path, "a table name");
        if (table.empty()) {
          fail(item.loc, item_path, "expected a table name, found an empty string");
        }
        output.snapshot_tables.push_back(table);
      }
    } else if (entry.key == "compression") {
      output.compression =
          static_cast<int>(get_integer(entry.value, path, Bounds{0.0, 9.0, false}));
    } else {
      fail(entry.key_loc, path, "unknown key" + suggestion(entry.key, output_keys()));
    }
  }
  return output;
}

// ---------------------------------------------------------------------------
// Policies

const std::vector<std::string>& policy_schedule_keys() {
  static const std::vector<std::string> keys = {"type", "enabled", "start", "end"};
  return keys;
}

/// A calendar month as a count of months since year 0.
std::optional<std::int64_t> parse_year_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && !is_digit(text[i])) return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t length) {
    std::int64_t value = 0;
    for (std::size_t i = from; i < from + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const std::int64_t month = number(5, 2);
  if (month < 1 || month > 12) return std::nullopt;
  return number(0, 4) * 12 + month - 1;
}

std::string validate_start_date(const Tree& node) {
  const std::string& text = get_string(node, "start_date", "a month YYYY-MM");
  if (!parse_year_month(text)) {
    fail(node.loc, "start_date", "expected a month YYYY-MM, found " + describe(node));
  }
  return text;
}

/// A policy's `start` or `end`: a step number (>= 1) or, with a scenario
/// `start_date`, a month YYYY-MM (step 1 is start_date's month).
std::int64_t get_policy_step(const Tree& node, const std::string& path,
                             const std::string& start_date) {
  if (node.kind == Kind::Scalar && node.plain && parse_integer(node.text)) {
    return get_integer(node, path, Bounds{1.0, std::nullopt, false});
  }
  const auto month = node.kind == Kind::Scalar ? parse_year_month(node.text) : std::nullopt;
  if (!month) {
    fail(node.loc, path, "expected a step number or a month YYYY-MM, found " + describe(node));
  }
  if (start_date.empty()) {
    fail(node.loc, path, "a month needs the scenario's start_date (YYYY-MM of step 1)");
  }
  const std::int64_t step = *month - *parse_year_month(start_date) + 1;
  if (step < 1) {
    fail(node.loc, path, "month " + shown(node.text) + " is before start_date " + start_date);
  }
  return step;
}

PolicyInstance validate_policy(const Entry& entry, const ModelInfo& model,
                               const std::string& start_date) {
  const std::string path = "policies." + entry.key;
  if (entry.key.find('.') != std::string::npos) {
    fail(entry.key_loc, path, "'.' in a policy name; use letters, digits, '_' or '-'");
  }
  if (entry.value.kind != Kind::Map) {
    fail(entry.value.loc, path,
         "expected a map with the module's parameters (and type, start, end, enabled), found " +
             describe(entry.value));
  }
  PolicyInstance policy;
  policy.name = entry.key;
  policy.module = entry.key;
  const Tree& map = entry.value;
  const Loc* module_loc = &entry.key_loc;
  if (const Entry* type = map.find("type")) {
    policy.module = get_string(type->value, path + ".type", "a policy module name");
    module_loc = &type->value.loc;
  }
  const PolicyModuleInfo* module = model.find_policy(policy.module);
  if (module == nullptr) {
    const std::vector<std::string> names = model.policy_names();
    std::string message = "unknown policy module '" + shown(policy.module) + "'";
    const std::string hint = suggestion(policy.module, names);
    if (!hint.empty()) {
      message += hint;
    } else if (names.empty()) {
      message += " (model '" + model.name + "' has no policy modules)";
    } else {
      message += " (known modules: " + join_list(names, ", ") + ")";
    }
    fail(*module_loc, map.find("type") != nullptr ? path + ".type" : path, message);
  }
  if (const Entry* enabled = map.find("enabled")) {
    policy.enabled = get_bool(enabled->value, path + ".enabled");
  }
  if (const Entry* start = map.find("start")) {
    policy.start = get_policy_step(start->value, path + ".start", start_date);
  }
  if (const Entry* end = map.find("end")) {
    policy.end = get_policy_step(end->value, path + ".end", start_date);
    policy.end_given = true;
    if (policy.end < policy.start) {
      fail(end->value.loc, path + ".end",
           "ends at step " + std::to_string(policy.end) + ", before its start (step " +
               std::to_string(policy.start) + ")");
    }
  }
  policy.parameters.set_key_prefix(path + ".");
  validate_section(map, module->schema, "", policy.parameters, path + ".", policy_schedule_keys());
  for (const ParamSpec& spec : module->schema.specs()) {
    if (!policy.parameters.contains(spec.path)) {
      policy.parameters.set(spec.path, spec.default_value, {});
    }
  }
  return policy;
}

void validate_policies(const Tree& node, const ModelInfo& model, const std::string& start_date,
                       Parameters& parameters) {
  const Tree* map = map_or_null(node, "policies", "a map of policy instances by name");
  if (map == nullptr) return;
  for (const Entry& entry : map->entries) {
    parameters.add_policy(validate_policy(entry, model, start_date));
  }
}

// ---------------------------------------------------------------------------
// Resolved YAML

bool needs_quotes(std::string_view text) {
  if (text.empty() || looks_like_number(text)) {
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
          out << format_real(x);
        } else if constexpr (std::is_same_v<T, bool>) {
          out << (x ? "true" : "false");
        } else if constexpr (std::is_same_v<T, std::string>) {
          emit_string(out, x);
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          out << YAML::Flow << YAML::BeginSeq;
          for (const double item : x) {
            out << format_real(item);
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
    const std::string full = join_path(section, key);
    out << YAML::Key << key << YAML::Value;
    if (schema.find(full) != nullptr) {
      emit_value(out, parameters.values().at(full));
    } else {
      emit_section(out, schema, parameters, full);
    }
  }
  out << YAML::EndMap;
}

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
  out << YAML::Key << "compression" << YAML::Value << scenario.output.compression;
  out << YAML::EndMap;
  out << YAML::Key << "parameters" << YAML::Value;
  emit_section(out, model.schema, scenario.parameters, "");
  if (!scenario.parameters.policies().empty()) {
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
  out << YAML::EndMap;
  if (!out.good()) {
    raise(scenario.file.string() + ": cannot write the resolved scenario: " + out.GetLastError());
  }
  return std::string(out.c_str()) + "\n";
}

Scenario validate(const Tree& root, const Loc& root_loc, const fs::path& file,
                  const ModelRegistry& models) {
  for (const Entry& entry : root.entries) {
    const auto& keys = top_level_keys();
    if (std::find(keys.begin(), keys.end(), entry.key) == keys.end()) {
      fail(entry.key_loc, entry.key, "unknown key" + suggestion(entry.key, keys));
    }
  }

  Scenario scenario;
  scenario.file = file;

  const Entry* model = root.find("model");
  if (model == nullptr) {
    fail(root_loc, "model", "missing required key");
  }
  scenario.model = get_string(model->value, "model", "a model name");
  const ModelInfo* info = models.find(scenario.model);
  if (info == nullptr) {
    const std::vector<std::string> names = models.names();
    std::string message = "unknown model '" + shown(scenario.model) + "'";
    const std::string hint = suggestion(scenario.model, names);
    if (!hint.empty()) {
      message += hint;
    } else if (!names.empty()) {
      message += " (known models: " + join_list(names, ", ") + ")";
    }
    fail(model->value.loc, "model", message);
  }

  scenario.name = file.stem().string();
  if (const Entry* name = root.find("name")) {
    scenario.name = get_string(name->value, "name", "a name");
    if (scenario.name.empty()) {
      fail(name->value.loc, "name", "expected a name, found an empty string");
    }
  }
  if (const Entry* description = root.find("description");
      description != nullptr && description->value.kind != Kind::Null) {
    scenario.description = get_string(description->value, "description", "a line of text");
  }

  scenario.seed = kDefaultSeed;
  if (const Entry* seed = root.find("seed")) {
    scenario.seed = get_unsigned(seed->value, "seed");
  }

  const Entry* steps = root.find("steps");
  if (steps == nullptr) {
    fail(root_loc, "steps", "missing required key");
  }
  scenario.steps = get_integer(steps->value, "steps", Bounds{1.0, std::nullopt, false});

  if (const Entry* output = root.find("output")) {
    scenario.output = validate_output(output->value);
  }

  if (const Entry* parameters = root.find("parameters")) {
    if (const Tree* map = map_or_null(parameters->value, "parameters", "a map of parameters")) {
      validate_section(*map, info->schema, "", scenario.parameters);
    }
  }
  for (const ParamSpec& spec : info->schema.specs()) {
    if (!scenario.parameters.contains(spec.path)) {
      scenario.parameters.set(spec.path, spec.default_value, {});
    }
  }

  if (const Entry* start_date = root.find("start_date")) {
    scenario.start_date = validate_start_date(start_date->value);
  }
  if (const Entry* policies = root.find("policies")) {
    validate_policies(policies->value, *info, scenario.start_date, scenario.parameters);
  }

  scenario.resolved_yaml = emit_resolved(scenario, *info);
  return scenario;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions

Override parse_override(std::string_view argument) {
  const std::string shown_argument = "--set " + std::string(argument);
  const std::size_t equals = argument.find('=');
  if (equals == std::string_view::npos) {
    raise(shown_argument + ": expected KEY.PATH=VALUE, found no '='");
  }
  Override result{std::string(argument.substr(0, equals)),
                  std::string(argument.substr(equals + 1))};
  check_override_path(result.path, shown_argument);
  return result;
}

Scenario load_scenario(const std::filesystem::path& file, std::span<const Override> overrides,
                       const ModelRegistry& models) {
  std::vector<Link> chain;
  Loc root_loc{file.string(), 0, 0, ""};
  Tree root = load_chain(file, chain, nullptr, "", &root_loc);
  for (const Override& override_ : overrides) {
    apply_override(root, override_);
  }
  return validate(root, root_loc, file, models);
}

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
    // Levenshtein distance, case-insensitive, two rows.
    previous.resize(candidate.size() + 1);
    current.resize(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) {
      previous[j] = j;
    }
    for (std::size_t i = 1; i <= word.size(); ++i) {
      current[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t cost = lower(word[i - 1]) == lower(candidate[j - 1]) ? 0 : 1;
        current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      }
      std::swap(previous, current);
    }
    const std::size_t distance = previous[candidate.size()];
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace cpsim

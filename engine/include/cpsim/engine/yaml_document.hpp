#pragma once
// One located YAML reader for every input file (scenarios, studies, and the
// tables later inputs add). A document is read into a small tree in which
// every node remembers where it was written and its key path, so that any
// check, made at any time, fails with one line
//   "file:line:col: key.path: message"
// (ScenarioError, exit code 2). The rules are the same for every file:
//   * scalars as YAML 1.2's core schema reads them: integers `42`, `+42`,
//     `0x2A`, `0o52`; reals `0.5`, `1e-3`, `.inf`; booleans `true`/`false`
//     (also `True`, `FALSE`); a quoted or `!!str` scalar is text, never a
//     number;
//   * at most kMaxDepth levels and kMaxNodes values once aliases are
//     expanded; one document per file; only the core tags;
//   * duplicate keys and non-scalar keys are refused when reading;
//   * a value quoted in a message is cut at 60 characters and control
//     characters are escaped (`\n`, `\x01`), so every error is one line.
//
//   const yaml::Node root = yaml::read_document(file, "calibration file").value();
//   root.check_keys(allowed);                       // unknown key (did you mean ...)
//   const std::int64_t n = root.required("rows").as_integer(yaml::Bounds::at_least(1));
//   for (const yaml::Node& row : root.required("table").expect_list("a list of rows").items)
//     row.check_keys(columns);                      // table[3].regoin: unknown key ...
//
// yaml-cpp's own types (`YAML::Node`) never appear here: this is cpsim's
// namespace `yaml`.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/parameters.hpp"

namespace cpsim {

/// Levenshtein-nearest candidate within a small distance (case-insensitive,
/// at most max(2, length/3) edits), or "".
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

namespace yaml {

inline constexpr int kMaxDepth = 64;                 ///< nesting levels in one document
inline constexpr std::size_t kMaxNodes = 1'000'000;  ///< values once aliases are expanded
/// Largest input file read, in bytes (1 MiB): scenario and study files are a
/// few kB. A larger file is refused before it is read, and no more than this
/// (plus one byte) is ever read, so `/dev/zero` or a growing file cannot fill
/// memory.
inline constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 20U;

/// Where a node was written: a file position, or an override of a key path
/// given on the command line (`--set`) or by another document (a study's
/// `set:` or sweep value, which keeps its own file position).
struct Location {
  std::string where;  ///< file path, or "--set PATH=VALUE"
  int line = 0;       ///< 1-based; 0 when unknown
  int column = 0;     ///< 1-based
  /// The key path an override sets in the document it overrides; "" for a
  /// value read from that document itself.
  std::string override_path;
  /// For an override written in another document: the key path there that
  /// gave it ("sweeps[0].values[1]"), named in errors instead of
  /// override_path. "" for `--set`, whose argument already names the path.
  std::string origin_path;

  [[nodiscard]] bool from_override() const {
    return !override_path.empty() || !origin_path.empty();
  }
  [[nodiscard]] SourceLocation source() const { return {where, line, column}; }
};

/// A ScenarioError at a value another document gave as an override
/// (Location::origin_path set). It is located in that other document
/// already, so whoever loaded the overridden file passes it on unchanged.
class OverrideError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

/// Throws "where:line:col: path: message" (ScenarioError, control characters
/// escaped). For an override the path is named as its origin: left out when
/// it is the `--set` argument's own path, replaced by the key path in the
/// document that gave it otherwise (and then an OverrideError).
[[noreturn]] void fail(const Location& location, std::string_view path, std::string_view message);

/// Throws a ScenarioError with `message`, control characters escaped: for
/// problems that have no position (a file that cannot be read).
[[noreturn]] void fail_unlocated(std::string_view message);

/// A value as it should be quoted in a message: cut at 60 characters,
/// control characters escaped.
std::string shown(std::string_view text);

/// Bounds of a number; a failed check reads "expected >= 1, found 0".
struct Bounds {
  std::optional<double> min;
  std::optional<double> max;
  bool min_exclusive = false;

  static Bounds at_least(double min) { return {min, std::nullopt, false}; }
};

enum class Kind { Null, Scalar, List, Map };

struct Entry;

/// One value of a document. Readers navigate with find/required/items and
/// read with the typed getters; every failure names this node's location and
/// key path.
struct Node {
  Kind kind = Kind::Null;
  std::string text;            ///< a scalar as written
  bool plain = true;           ///< a scalar neither quoted nor tagged as a string
  std::vector<Node> items;     ///< a list's values
  std::vector<Entry> entries;  ///< a map's entries, in the order written
  Location location;           ///< of the value; of its key when the value is empty
  std::string path;            ///< "sweeps[0].values[1]"; "" for the root

  [[nodiscard]] bool is_null() const { return kind == Kind::Null; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::Scalar; }
  [[nodiscard]] bool is_list() const { return kind == Kind::List; }
  [[nodiscard]] bool is_map() const { return kind == Kind::Map; }

  /// What was found, for "expected X, found Y": "null", "a list", "a map",
  /// a plain number as written (`2.5`), "the string '5'" for a quoted one,
  /// "'text'" for any other text.
  [[nodiscard]] std::string describe() const;
  /// Throws "file:line:col: PATH: message" at this node.
  [[noreturn]] void fail(std::string_view message) const;

  // --- maps
  [[nodiscard]] Entry* find_entry(std::string_view key);
  [[nodiscard]] const Entry* find_entry(std::string_view key) const;
  /// The value under `key`, or nullptr (also when this is not a map).
  [[nodiscard]] const Node* find(std::string_view key) const;
  /// The value under `key`; fails "PATH.KEY: MISSING" at this map otherwise.
  [[nodiscard]] const Node& required(std::string_view key,
                                     std::string_view missing = "missing required key") const;
  /// Fails "PATH.KEY: unknown key (did you mean 'NEAREST'?)" at the first key
  /// not in `allowed`.
  void check_keys(std::span<const std::string> allowed) const;
  void check_keys(std::initializer_list<std::string> allowed) const;

  /// This node if it is a map (a list), else fails "expected WHAT, found ...".
  const Node& expect_map(std::string_view what = "a map") const;
  const Node& expect_list(std::string_view what = "a list") const;

  // --- scalars (a quoted scalar is never a number or a boolean)
  [[nodiscard]] std::int64_t as_integer(const Bounds& bounds = {}) const;
  [[nodiscard]] std::uint64_t as_unsigned() const;
  [[nodiscard]] double as_real(const Bounds& bounds = {}) const;  ///< finite; integers too
  [[nodiscard]] bool as_bool() const;
  /// Any scalar's text; fails "expected WHAT, found ..." for a list, map or null.
  [[nodiscard]] const std::string& as_string(std::string_view what = "text") const;
};

struct Entry {
  std::string key;
  Location key_location;
  Node value;
};

// The typed getters with an explicit key path, for readers that report a
// path other than the node's own (a value moved by `extends:` or `--set`).
std::int64_t get_integer(const Node& node, std::string_view path, const Bounds& bounds = {});
std::uint64_t get_unsigned(const Node& node, std::string_view path);
double get_real(const Node& node, std::string_view path, const Bounds& bounds = {});
bool get_bool(const Node& node, std::string_view path);
const std::string& get_string(const Node& node, std::string_view path, std::string_view what);
/// Fails "expected <bounds>, found TEXT" at `node` when `x` is outside.
void check_bounds(const Bounds& bounds, double x, const Node& node, std::string_view path);

/// "a.b" from "a" and "b"; "b" from "" and "b".
std::string join_path(std::string_view prefix, std::string_view key);
/// " (did you mean 'NEAREST'?)", or "" when nothing is near.
std::string suggestion(std::string_view word, std::span<const std::string> candidates);

/// Parses one YAML document. `origin` gives its file (positions are added)
/// or its `--set` argument (no positions; its override_path is kept on every
/// node); `path` is the key path of the document's root. An empty text is a
/// Null node. Throws ScenarioError "where:line:col: syntax error: ..." and
/// the limits above.
Node parse(std::string_view text, const Location& origin, const std::string& path = "");

/// An input file refused before it was read: not a regular file, or larger
/// than the limit. what() is "FILE: REASON"; reason() is REASON alone ("a
/// FIFO, not a regular file"), for a caller that names the file its own way
/// (an `extends:` value).
class FileRefused : public ScenarioError {
 public:
  FileRefused(const std::string& file, std::string reason);
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  std::string reason_;
};

/// The text of a file; nullopt when it cannot be opened (missing, no
/// permission). Its type is checked before it is opened and again on the
/// opened descriptor (opened non-blocking, so a FIFO never blocks): a FIFO,
/// a device, a socket or a folder is refused (FileRefused), and so is a file
/// larger than `max_bytes`, of which at most max_bytes + 1 bytes are read
/// (a file that grows, or says size 0 as /proc files do, is caught too).
std::optional<std::string> read_text_file(const std::filesystem::path& file,
                                          std::uintmax_t max_bytes = kMaxFileBytes);

/// Parses the text of `file` as read_document does once it has read it:
/// fails "FILE: not a text file (NUL byte at offset N)" and "FILE: empty
/// WHAT" (what: "scenario file", "study file"). For a text already in memory
/// (the fuzz targets: no file written per input).
Node parse_document(std::string_view text, const std::filesystem::path& file,
                    std::string_view what);

/// Reads and parses a whole file: nullopt when it cannot be opened (the
/// caller says why it wanted it); FileRefused as read_text_file; then
/// parse_document.
std::optional<Node> read_document(const std::filesystem::path& file, std::string_view what);

/// YAML text that parses back to the same value (flow style; quoted scalars
/// stay quoted): a node given as a `--set`-style override value.
std::string to_yaml_text(const Node& node);

}  // namespace yaml
}  // namespace cpsim

// Reading a YAML document into cpsim's located tree (yaml_document.hpp):
// positions, key paths, the limits, and the one-line messages. yaml-cpp
// (namespace `YAML`) parses; nothing outside this file sees its types.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "cpsim/engine/input_files.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "yaml_scalar.hpp"

namespace cpsim::yaml {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxShownChars = 60;  // of a value quoted in a message

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

/// The key path a message names for `path` at `location` (see fail()).
std::string shown_path(const Location& location, std::string_view path) {
  if (!location.from_override()) {
    return std::string(path);
  }
  if (path == location.override_path) {
    return location.origin_path;  // "" for `--set`: the argument names it
  }
  if (location.origin_path.empty() || path.empty()) {
    return std::string(path);
  }
  // Inside the overriding value: the same inner path under its origin.
  const std::size_t n = location.override_path.size();
  if (path.size() > n && path.substr(0, n) == location.override_path &&
      (path[n] == '.' || path[n] == '[')) {
    return location.origin_path + std::string(path.substr(n));
  }
  // A key on the way to the overridden path ("parameters.markt" of
  // "parameters.markt.price"): the origin, then that key.
  return location.origin_path + ": " + std::string(path);
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

/// Copies a yaml-cpp document into our tree, with a budget of nodes against
/// alias bombs.
class Converter {
 public:
  explicit Converter(const Location& origin) : origin_(origin) {}

  [[nodiscard]] Location location(const YAML::Mark& mark) const {
    Location result = origin_;
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
          fail(location(counter.start), "",
               pos < text.size() ? "syntax error: unexpected '" + shown(text.substr(pos, 1)) + "'"
                                 : std::string("syntax error: unexpected end of file"));
        }
        starts.push_back(counter.start);
      }
      if (starts.size() > 1) {
        fail(location(starts[1]), "",
             "expected one YAML document, found " + std::to_string(starts.size()));
      }
      if (starts.empty()) {
        return std::nullopt;
      }
      return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      fail(location(e.mark), "", "syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
      fail(location(e.mark), "", "syntax error: " + e.msg);
    }
  }

  Node convert(const YAML::Node& node, const std::string& path, int depth) {
    Node tree;
    tree.location = location(node.Mark());
    tree.path = path;
    if (++nodes_ > kMaxNodes) {
      fail(tree.location, path,
           "document too large (more than " + std::to_string(kMaxNodes) +
               " values once aliases are expanded)");
    }
    if (depth > kMaxDepth) {
      fail(tree.location, path,
           "nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    }
    check_tag(node, tree.location, path);
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
        tree.kind = Kind::List;
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
  static void check_tag(const YAML::Node& node, const Location& where, const std::string& path) {
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

  void add_entry(Node& map, std::unordered_map<std::string, std::size_t>& index,
                 const YAML::Node& key, const YAML::Node& value, const std::string& path,
                 int depth) {
    const Location key_location = location(key.Mark());
    if (key.Type() != YAML::NodeType::Scalar || key.Scalar().empty()) {
      const std::string found = key.IsSequence() ? "a list" : key.IsMap() ? "a map" : "nothing";
      fail(key_location, path, "expected a key name, found " + found);
    }
    const std::string& name = key.Scalar();
    const std::string full = join_path(path, name);
    if (const auto first_index = index.find(name); first_index != index.end()) {
      const Entry& first = map.entries[first_index->second];
      std::string message = "duplicate key";
      if (first.key_location.line > 0) {
        message += " (first given at line " + std::to_string(first.key_location.line) +
                   ", column " + std::to_string(first.key_location.column) + ")";
      }
      fail(key_location, full, message);
    }
    Entry entry{name, key_location, convert(value, full, depth + 1)};
    if (entry.value.is_null()) {
      // An empty value has no position of its own (yaml-cpp gives the next
      // token's); point at its key instead.
      entry.value.location = key_location;
    }
    index.emplace(name, map.entries.size());
    map.entries.push_back(std::move(entry));
  }

  Location origin_;
  std::size_t nodes_ = 0;
};

void emit(YAML::Emitter& out, const Node& node) {
  switch (node.kind) {
    case Kind::Null:
      out << YAML::Null;
      return;
    case Kind::Scalar:
      if (!node.plain) out << YAML::DoubleQuoted;
      out << node.text;
      return;
    case Kind::List:
      out << YAML::BeginSeq;
      for (const Node& item : node.items) emit(out, item);
      out << YAML::EndSeq;
      return;
    case Kind::Map:
      out << YAML::BeginMap;
      for (const Entry& entry : node.entries) {
        out << YAML::Key << entry.key << YAML::Value;
        emit(out, entry.value);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

void fail_unlocated(std::string_view message) { throw ScenarioError(one_line(message)); }

void fail(const Location& location, std::string_view path, std::string_view message) {
  std::string text = location.where;
  if (location.line > 0) {
    text += ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
  }
  text += ": ";
  if (const std::string named = shown_path(location, path); !named.empty()) {
    text += named;
    text += ": ";
  }
  text += message;
  if (!location.origin_path.empty()) {
    throw OverrideError(one_line(text));
  }
  fail_unlocated(text);
}

std::string shown(std::string_view text) {
  std::string out = one_line(text.substr(0, kMaxShownChars));
  if (text.size() > kMaxShownChars) {
    out += "...";
  }
  return out;
}

std::string Node::describe() const {
  switch (kind) {
    case Kind::Null:
      return "null";
    case Kind::List:
      return "a list";
    case Kind::Map:
      return "a map";
    case Kind::Scalar:
      break;
  }
  const bool number_like = looks_like_number(text) || parse_bool(text).has_value();
  if (plain && number_like) {
    return shown(text);
  }
  // Appended, not "'" + shown(text): GCC 12 warns (-Wrestrict) on the latter.
  std::string out = number_like ? "the string '" : "'";
  out += shown(text);
  out += '\'';
  return out;
}

void Node::fail(std::string_view message) const { yaml::fail(location, path, message); }

Node parse(std::string_view text, const Location& origin, const std::string& path) {
  Converter converter(origin);
  const std::string owned(text);
  const std::optional<YAML::Node> node = converter.parse(owned);
  if (!node) {
    Node empty;
    empty.location = converter.location(YAML::Mark::null_mark());
    empty.path = path;
    return empty;
  }
  return converter.convert(*node, path, 0);
}

namespace {

/// Why a file of this type is no input file; "" for a regular file.
std::string type_problem(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a folder, not a file";
  if (S_ISFIFO(mode)) return "a FIFO, not a regular file";
  if (S_ISCHR(mode)) return "a character device, not a regular file";
  if (S_ISBLK(mode)) return "a block device, not a regular file";
  if (S_ISSOCK(mode)) return "a socket, not a regular file";
  return "not a regular file";
}

std::string size_problem(std::uintmax_t max_bytes) {
  return "larger than " + std::to_string(max_bytes) + " bytes, the limit of an input file";
}

/// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) noexcept : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace

FileRefused::FileRefused(const std::string& file, std::string reason)
    : ScenarioError(one_line(file + ": " + reason)), reason_(std::move(reason)) {}

std::optional<std::string> read_text_file(const fs::path& file, std::uintmax_t max_bytes) {
  const std::string name = file.string();
  // The type first, before anything is opened: opening a FIFO for reading
  // would wait for a writer.
  struct stat info {};
  if (::stat(name.c_str(), &info) != 0) return std::nullopt;
  if (std::string problem = type_problem(info.st_mode); !problem.empty()) {
    throw FileRefused(name, std::move(problem));
  }
  if (static_cast<std::uintmax_t>(info.st_size) > max_bytes) {
    throw FileRefused(name, size_problem(max_bytes));
  }
  // Non-blocking, and checked again on the descriptor: the path may have
  // been replaced by a FIFO or a device since.
  const Descriptor fd(::open(name.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return std::nullopt;
  if (::fstat(fd.get(), &info) != 0) return std::nullopt;
  if (std::string problem = type_problem(info.st_mode); !problem.empty()) {
    throw FileRefused(name, std::move(problem));
  }
  input_files::record(file);
  std::string text;
  std::array<char, 65536> buffer{};
  while (true) {
    const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return std::nullopt;
    if (got == 0) return text;
    text.append(buffer.data(), static_cast<std::size_t>(got));
    if (text.size() > max_bytes) throw FileRefused(name, size_problem(max_bytes));
  }
}

Node parse_document(std::string_view text, const fs::path& file, std::string_view what) {
  const std::string display = file.string();
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    fail_unlocated(display + ": not a text file (NUL byte at offset " + std::to_string(nul) + ")");
  }
  Node root = parse(text, Location{display, 0, 0, "", ""});
  if (root.is_null()) {
    fail_unlocated(display + ": empty " + std::string(what));
  }
  return root;
}

std::optional<Node> read_document(const fs::path& file, std::string_view what) {
  const std::optional<std::string> text = read_text_file(file);
  if (!text) {
    return std::nullopt;
  }
  return parse_document(*text, file, what);
}

std::string to_yaml_text(const Node& node) {
  if (node.is_scalar() && node.plain) {
    return node.text;
  }
  YAML::Emitter out;
  out << YAML::Flow;
  emit(out, node);
  return out.c_str();
}

}  // namespace cpsim::yaml

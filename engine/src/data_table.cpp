#include "cpsim/engine/data_table.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/yaml_document.hpp"

namespace cpsim {

namespace {

bool is_hdf5_source(const std::string& source, std::string& file, std::string& path) {
  for (const std::string_view suffix : {std::string_view(".h5:"), std::string_view(".hdf5:")}) {
    const std::size_t at = source.find(suffix);
    if (at == std::string::npos) continue;
    const std::size_t colon = at + suffix.size() - 1;
    file.assign(source, 0, colon);
    path.assign(source, colon + 1);
    if (path.empty()) path.push_back('/');  // (assigning "/" trips GCC 12's -Wrestrict)
    return true;
  }
  return false;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

/// One record of RFC 4180 CSV from `text` at `pos`: comma-separated fields,
/// fields in double quotes may hold commas, newlines and "" for a quote.
/// Advances `pos` past the record's line end and `line` by the lines read.
std::vector<std::string> read_record(const std::string& text, std::size_t& pos, std::size_t& line,
                                     const std::string& name) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  const std::size_t start_line = line;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          field += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && trim(field).empty()) {
      quoted = true;
      field.clear();
    } else if (c == ',') {
      fields.push_back(trim(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
      ++line;
      fields.push_back(trim(field));
      return fields;
    } else {
      field += c;
    }
  }
  if (quoted) {
    throw ScenarioError(name + ":" + std::to_string(start_line) +
                        ": a quoted field is not closed before the end of the file");
  }
  ++line;
  fields.push_back(trim(field));
  return fields;
}

bool blank(const std::vector<std::string>& record) {
  return std::all_of(record.begin(), record.end(), [](const std::string& f) { return f.empty(); });
}

}  // namespace

DataTable DataTable::read(const std::string& source) {
  std::string file, path;
  if (is_hdf5_source(source, file, path)) return read_hdf5(file, path);
  // The bounded reader of every input file: the type is checked before the
  // file is opened, so a FIFO or /dev/zero is refused at once.
  const std::optional<std::string> text = yaml::read_text_file(source, kMaxCsvBytes);
  if (!text) throw OutputError(source + ": cannot open (no such file or not readable)");
  return parse_csv(*text, source);
}

DataTable DataTable::parse_csv(const std::string& text, const std::string& name) {
  DataTable table;
  table.source_ = name;
  std::size_t pos = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a UTF-8 byte-order mark
  std::size_t line = 1;
  // The header: the first line that is not blank.
  std::vector<std::string> header;
  std::size_t header_line = 1;
  while (pos < text.size() && blank(header)) {
    header_line = line;
    header = read_record(text, pos, line, name);
  }
  if (blank(header)) throw ScenarioError(name + ":1: empty file (expected a header row)");
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string& column = header[c];
    const std::string at = name + ":" + std::to_string(header_line) + ": ";
    if (column.empty()) {
      throw ScenarioError(at + "column " + std::to_string(c + 1) + " has no name");
    }
    for (std::size_t d = 0; d < c; ++d) {
      if (header[d] == column) {
        throw ScenarioError(at + yaml::shown(column) + ": named twice (columns " +
                            std::to_string(d + 1) + " and " + std::to_string(c + 1) + ")");
      }
    }
    table.columns_.push_back({column, std::vector<std::string>{}});
  }
  while (pos < text.size()) {
    const std::size_t record_line = line;
    std::vector<std::string> record = read_record(text, pos, line, name);
    if (blank(record)) continue;  // blank lines (and a trailing newline) hold no row
    if (record.size() != header.size()) {
      throw ScenarioError(name + ":" + std::to_string(record_line) + ": " +
                          std::to_string(record.size()) + " fields, but the header has " +
                          std::to_string(header.size()));
    }
    for (std::size_t c = 0; c < record.size(); ++c) {
      std::get<std::vector<std::string>>(table.columns_[c].cells).push_back(std::move(record[c]));
    }
    table.lines_.push_back(record_line);
  }
  table.rows_ = table.lines_.size();
  if (table.rows_ == 0) {
    throw ScenarioError(name + ":" + std::to_string(header_line) +
                        ": no rows after the header (an empty table)");
  }
  table.header_line_ = header_line;
  return table;
}

std::vector<std::string> DataTable::column_names() const {
  std::vector<std::string> names;
  for (const Column& c : columns_) names.push_back(c.name);
  return names;
}

bool DataTable::has_column(const std::string& name) const {
  return std::any_of(columns_.begin(), columns_.end(),
                     [&](const Column& c) { return c.name == name; });
}

const DataTable::Column& DataTable::column(const std::string& name) const {
  for (const Column& c : columns_) {
    if (c.name == name) return c;
  }
  std::string names;
  // Names as read from a file may hold anything: shown on one line.
  for (const Column& c : columns_) names += (names.empty() ? "" : ", ") + yaml::shown(c.name);
  throw ScenarioError(header_location() + ": " + name + ": no such column (columns: " + names +
                      ")");
}

std::string DataTable::where(std::size_t row) const {
  if (csv_) return source_ + ":" + std::to_string(lines_.at(row));
  return source_ + "[row " + std::to_string(row) + "]";
}

std::string DataTable::header_location() const {
  return csv_ ? source_ + ":" + std::to_string(header_line_) : source_;
}

std::vector<double> DataTable::numbers(const std::string& name, bool non_negative) const {
  const Column& c = column(name);
  std::vector<double> values(rows_);
  for (std::size_t r = 0; r < rows_; ++r) {
    std::string found;
    if (const auto* numbers = std::get_if<std::vector<double>>(&c.cells)) {
      values[r] = (*numbers)[r];
      std::array<char, 32> text{};
      found.assign(text.data(),
                   std::to_chars(text.data(), text.data() + text.size(), values[r]).ptr);
    } else {
      found = std::get<std::vector<std::string>>(c.cells)[r];
      const char* end = found.data() + found.size();
      const char* begin = found.data() + (found.rfind('+', 0) == 0 ? 1 : 0);
      const auto [ptr, error] = std::from_chars(begin, end, values[r]);
      if (found.empty()) {
        throw ScenarioError(where(r) + ": " + name + ": empty value (expected a number)");
      }
      if (error != std::errc() || ptr != end) values[r] = std::nan("");
    }
    if (!std::isfinite(values[r])) {
      throw ScenarioError(where(r) + ": " + name + ": expected a finite number, found '" +
                          yaml::shown(found) + "'");
    }
    if (non_negative && values[r] < 0) {
      throw ScenarioError(where(r) + ": " + name + ": expected a number >= 0, found '" +
                          yaml::shown(found) + "'");
    }
  }
  return values;
}

std::vector<std::string> DataTable::text(const std::string& name) const {
  const Column& c = column(name);
  if (const auto* strings = std::get_if<std::vector<std::string>>(&c.cells)) return *strings;
  std::vector<std::string> out;
  for (const double v : std::get<std::vector<double>>(c.cells)) {
    std::ostringstream s;
    s << v;
    out.push_back(s.str());
  }
  return out;
}

}  // namespace cpsim

#pragma once
// A table of named columns from a researcher's file: CSV (a header row, then
// one row per record) or an HDF5 table (`FILE.h5:/path`, a group of 1-D
// datasets of one length or a 1-D compound dataset). Every cell remembers
// where it came from, so a bad value is reported as one located line
// ("incomes.csv:17: weight: expected a number >= 0, found '-2'") and raised
// as ScenarioError (exit 2); a file that cannot be read raises OutputError
// (exit 3). docs/inequality.md documents the formats.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cpsim {

class DataTable {
 public:
  /// Largest CSV file read, in bytes (256 MiB: survey microdata of a few
  /// hundred thousand households fit). A larger file is refused before it is
  /// read, and no more than this (plus one byte) is ever read.
  static constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t{256} << 20U;

  /// Reads SOURCE: "FILE.h5:/path" (or "FILE.hdf5:/path") is an HDF5
  /// table; anything else a CSV file. Throws ScenarioError when the contents
  /// are not a table (no rows, ragged rows, duplicate column names) and
  /// OutputError when the file cannot be opened. A CSV file that is no
  /// regular file (a FIFO, a device, a folder) or is larger than
  /// kMaxCsvBytes is refused with yaml::FileRefused (a ScenarioError) before
  /// anything is read; an HDF5 file that is no regular file with OutputError.
  static DataTable read(const std::string& source);
  /// Parses CSV text (what read() does with a file's bytes); `name` is the
  /// file name used in messages.
  static DataTable parse_csv(const std::string& text, const std::string& name);

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::vector<std::string> column_names() const;
  [[nodiscard]] bool has_column(const std::string& name) const;

  /// The column as finite numbers; ScenarioError at the first cell that is
  /// empty or not a finite number (and, with `non_negative`, negative), or
  /// when there is no such column (the message lists the columns).
  [[nodiscard]] std::vector<double> numbers(const std::string& column,
                                            bool non_negative = false) const;
  /// The column as text (numbers in HDF5 tables as they would print).
  [[nodiscard]] std::vector<std::string> text(const std::string& column) const;

  /// Where row `row` (0-based) is: "FILE.csv:LINE" or "FILE.h5:/path[row]".
  [[nodiscard]] std::string where(std::size_t row) const;
  /// Where the column is declared: "FILE.csv:1" or "FILE.h5:/path".
  [[nodiscard]] std::string header_location() const;

 private:
  using Cells = std::variant<std::vector<std::string>, std::vector<double>>;
  struct Column {
    std::string name;
    Cells cells;
  };
  [[nodiscard]] const Column& column(const std::string& name) const;
  static DataTable read_hdf5(const std::string& file, const std::string& path);

  std::string source_;
  bool csv_ = true;
  std::size_t rows_ = 0;
  std::vector<Column> columns_;
  std::vector<std::size_t> lines_;  ///< CSV: the line each row starts on
  std::size_t header_line_ = 1;
};

}  // namespace cpsim

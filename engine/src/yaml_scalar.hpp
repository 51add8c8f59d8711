#pragma once
// Scalars as YAML 1.2's core schema reads them, and numbers written back so
// that they read the same: the one set of rules of every input file.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpsim::yaml {

struct ParsedInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool overflow = false;
};

/// Decimal `[-+]?[0-9]+`, hexadecimal `0x..` or octal `0o..`; nullopt if the
/// text is not an integer at all.
std::optional<ParsedInteger> parse_integer(std::string_view text);
/// nullopt when outside the range of int64.
std::optional<std::int64_t> to_int64(const ParsedInteger& parsed);
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
bool is_decimal_float(std::string_view text);
/// `[-+]?.inf`, `.nan` in the core schema's three spellings.
bool is_special_float(std::string_view text);
/// true/True/TRUE, false/False/FALSE.
std::optional<bool> parse_bool(std::string_view text);
/// An integer or a real of any of the forms above.
bool looks_like_number(std::string_view text);
/// Shortest text that reads back as the same double, always with a '.' or an
/// exponent so that it reads as a real.
std::string format_real(double x);
/// A bound as the user would write it: "1", "0.5", "1e+20".
std::string format_bound(double x);

}  // namespace cpsim::yaml

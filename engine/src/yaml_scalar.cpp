// Scalars as YAML 1.2's core schema reads them (yaml_scalar.hpp).
#include "yaml_scalar.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace cpsim::yaml {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

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

std::string format_bound(double x) {
  if (std::trunc(x) == x && std::fabs(x) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(x));
  }
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  return {buffer.data(), result.ptr};
}

}  // namespace cpsim::yaml

#include "model/units.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace corridor {

namespace {

// The length of the digits at `at`.
std::size_t digits_at(std::string_view text, std::size_t at) {
  std::size_t n = 0;
  while (at + n < text.size() && text[at + n] >= '0' && text[at + n] <= '9') ++n;
  return n;
}

// A decimal number as std::from_chars reads one: [-]digits[.digits][e[+-]digits], with digits on
// at least one side of the point. Not std::from_chars itself: libc++ (before LLVM 20) has no
// floating-point from_chars, and a clang/libc++ build must read specs exactly as a gcc one does
// (determinism/compare.sh). The grammar is checked here; strtod, in the C locale the program
// never leaves, does the correctly rounded conversion in both builds.
std::optional<double> parse_number(std::string_view text) {
  constexpr std::size_t length_max = 64;
  if (text.empty() || text.size() > length_max) return std::nullopt;
  std::size_t at = text[0] == '-' ? 1 : 0;
  const std::size_t whole = digits_at(text, at);
  at += whole;
  std::size_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    fraction = digits_at(text, at + 1);
    at += 1 + fraction;
  }
  if (whole + fraction == 0) return std::nullopt;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    std::size_t sign = at + 1 < text.size() && (text[at + 1] == '+' || text[at + 1] == '-') ? 1 : 0;
    const std::size_t exponent = digits_at(text, at + 1 + sign);
    if (exponent == 0) return std::nullopt;
    at += 1 + sign + exponent;
  }
  if (at != text.size()) return std::nullopt;
  const std::string copy(text);  // strtod needs the terminating NUL
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (errno == ERANGE || end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<time_ns> parse_duration_ns(std::string_view text) {
  struct Unit { std::string_view suffix; double ns; };
  // Longest suffixes first so that "ms" is not read as "s".
  static constexpr Unit units[] = {{"min", 60e9}, {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (const Unit& unit : units) {
    if (!ends_with(text, unit.suffix)) continue;
    std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);
    const auto value = parse_number(number);
    if (!value) return std::nullopt;
    const double ns = *value * unit.ns;
    if (std::fabs(ns) > 9.0e15) return std::nullopt;  // about 104 days: beyond any run
    return static_cast<time_ns>(std::llround(ns));
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_ppm(std::string_view text) {
  double scale = 0;
  if (ends_with(text, "ppm")) { text.remove_suffix(3); scale = 1; }
  else if (ends_with(text, "%")) { text.remove_suffix(1); scale = 10'000; }
  else return std::nullopt;
  const auto value = parse_number(text);
  if (!value) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*value * scale));
}

std::optional<double> parse_probability(std::string_view text) {
  double scale = 1;
  if (ends_with(text, "%")) { text.remove_suffix(1); scale = 0.01; }
  const auto value = parse_number(text);
  if (!value || *value * scale < 0 || *value * scale > 1) return std::nullopt;
  return *value * scale;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string format_duration(time_ns ns) {
  if (ns == 0) return "0s";
  struct Unit { const char* suffix; time_ns ns; };
  static constexpr Unit units[] = {{"s", ns_per_s}, {"ms", ns_per_ms}, {"us", ns_per_us}};
  for (const Unit& unit : units) {
    if (ns % unit.ns == 0) return fmt::format("{}{}", ns / unit.ns, unit.suffix);
  }
  return fmt::format("{}ns", ns);
}

std::string format_duration_short(time_ns ns) {
  const double abs_ns = std::fabs(static_cast<double>(ns));
  if (abs_ns >= 1e9) return fmt::format("{:.3g}s", static_cast<double>(ns) / 1e9);
  if (abs_ns >= 1e6) return fmt::format("{:.3g}ms", static_cast<double>(ns) / 1e6);
  if (abs_ns >= 1e3) return fmt::format("{:.3g}us", static_cast<double>(ns) / 1e3);
  return fmt::format("{}ns", ns);
}

std::optional<std::uint64_t> parse_bytes(const std::string& text) {
  struct Unit { std::string_view suffix; double bytes; };
  // Longest suffixes first so that "MiB" is not read as "B"; the empty suffix last.
  static constexpr Unit units[] = {
      {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
      {"KB", 1e3},     {"MB", 1e6},        {"GB", 1e9},           {"TB", 1e12},
      {"K", 1024.0},   {"M", 1048576.0},   {"G", 1073741824.0},   {"B", 1},
      {"", 1}};
  const std::string_view view(text);
  for (const Unit& unit : units) {
    if (!ends_with(view, unit.suffix)) continue;
    const auto value = parse_number(view.substr(0, view.size() - unit.suffix.size()));
    if (!value || !(*value >= 0)) return std::nullopt;
    const double bytes = *value * unit.bytes;
    if (bytes >= 1.8e19) return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
  }
  return std::nullopt;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

}  // namespace corridor

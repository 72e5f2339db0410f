#include "explorers/exhaustive_options.hpp"

#include <fmt/core.h>

namespace corridor {

const char* to_string(ExhaustiveVerdict verdict) {
  switch (verdict) {
    case ExhaustiveVerdict::held: return "held";
    case ExhaustiveVerdict::violation: return "violation";
    case ExhaustiveVerdict::unknown: return "unknown";
  }
  return "?";
}

double fingerprint_collision_probability(std::uint64_t unique_states) {
  const double n = static_cast<double>(unique_states);
  return n * n / 36893488147419103232.0;  // 2^65
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

#pragma once
// True time and node-local time are int64 nanoseconds. Units are part of every name.
#include <cstdint>
#include <limits>

namespace corridor {

using time_ns = std::int64_t;

// 128-bit integers for exact products of times and rates (the extension marker keeps
// -Wpedantic quiet about a type every target compiler has).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

inline constexpr time_ns ns_per_us = 1'000;
inline constexpr time_ns ns_per_ms = 1'000'000;
inline constexpr time_ns ns_per_s = 1'000'000'000;
inline constexpr time_ns time_ns_max = std::numeric_limits<time_ns>::max() / 4;

constexpr time_ns us(std::int64_t n) { return n * ns_per_us; }
constexpr time_ns ms(std::int64_t n) { return n * ns_per_ms; }
constexpr time_ns seconds(std::int64_t n) { return n * ns_per_s; }

}  // namespace corridor

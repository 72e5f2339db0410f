#pragma once
// Durations and rates as people write them: "5ms", "-2s", "1.5s", "200us", "200ppm", "2%".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/time.hpp"

namespace corridor {

// Nanoseconds from "<number><unit>", unit one of ns us ms s min; a sign is allowed.
std::optional<time_ns> parse_duration_ns(std::string_view text);
// Parts per million from "<number>ppm" or "<number>%".
std::optional<std::int64_t> parse_ppm(std::string_view text);
// A probability from "0.02" or "2%".
std::optional<double> parse_probability(std::string_view text);
// An unsigned count.
std::optional<std::uint64_t> parse_count(std::string_view text);

// The exact duration in the largest unit that divides it ("2s", "1500ms", "17ns").
std::string format_duration(time_ns ns);
// A short human reading ("1.5s", "12.3ms").
std::string format_duration_short(time_ns ns);

// Bytes from "8GiB", "512MiB", "64KiB", "2GB" (powers of 1000), "1.5GiB", or a number of bytes.
std::optional<std::uint64_t> parse_bytes(const std::string& text);
// "1.5 GiB", "512 B": a size for people.
std::string format_bytes(std::uint64_t bytes);

}  // namespace corridor

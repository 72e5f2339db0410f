#pragma once
// True times in violation sentences: seconds with microsecond digits, because lease overlaps and
// fencing races are a few milliseconds wide and "1.23s" would hide them.
#include <string>

#include <fmt/format.h>

#include "model/time.hpp"

namespace corridor::invariants {

inline std::string time_text(time_ns t_ns) {
  if (t_ns >= time_ns_max) return "never";
  return fmt::format("{:.6f}s", static_cast<double>(t_ns) / static_cast<double>(ns_per_s));
}

}  // namespace corridor::invariants

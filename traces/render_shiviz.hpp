#pragma once
// A ShiViz log (https://bestchai.bitbucket.io/shiviz/): the parsing regex on the first line, an
// empty second line (no multiple-execution delimiter), then two lines per event: the host and its
// vector clock as JSON keyed by host name, and the event in words.
//
//   (?<host>\S*) (?<clock>{.*})\n(?<event>.*)
//
//   n0 {"n0":1}
//   n0 start
//   n0 {"n0":2}
//   n0 -> n1 #1 Ping{1}
//   n1 {"n0":2,"n1":2}
//   n1 <- n0 #1 Ping{1}
//
// The clocks are derived here for the logged events only (the engine's own clocks also count
// events that are not logged, and ShiViz wants each host's entry to start at 1 and rise by exactly
// 1 per logged event): a local event adds 1 to its host's entry; a receive takes the entrywise
// maximum of its previous clock and the logged send's clock, then adds 1. Network events (drops,
// partitions, heals) belong to no host: a dropped message's send says so instead.
#include <string>

#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

inline constexpr std::string_view shiviz_regex = R"((?<host>\S*) (?<clock>{.*})\n(?<event>.*))";

std::string render_shiviz(const Trace& trace, const TraceWindow& window);

}  // namespace corridor

#pragma once
// The terminal timeline: one line per event, a lane per actor, so who did what when reads
// top to bottom.
//
//    step  time       n0 n1 n2 c0   event
//      12  1.503ms    │  ●  │  │    n1 <- n0 #5 Ping{1}
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "traces/trace.hpp"

namespace corridor {

struct TimelineOptions {
  std::uint64_t from_step = 0;
  std::uint64_t to_step = UINT64_MAX;
  std::vector<NodeId> nodes;  // empty: all
  bool show_state = false;    // print each handler's resulting state under it
  bool color = false;         // ANSI colours for a terminal
  std::size_t max_summary = 100;
};

// One event in words ("n1 <- n0 #5 Ping{1}"), its summary cut to `max` characters; the other
// renderers use it for labels and hover text.
std::string describe_event(const EventRecord& event, std::uint32_t nodes, std::size_t max);

std::string render_timeline(const Trace& trace, const TimelineOptions& options);

}  // namespace corridor

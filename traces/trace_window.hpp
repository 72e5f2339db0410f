#pragma once
// The part of a trace a picture shows: a range of steps and a set of actors. Every renderer takes
// one, so `corridor render --from --to --nodes` means the same in every format.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "traces/trace.hpp"

namespace corridor {

struct TraceWindow {
  std::uint64_t from_step = 0;
  std::uint64_t to_step = UINT64_MAX;
  std::vector<NodeId> actors;  // empty: every node and client

  bool has_step(std::uint64_t step) const { return step >= from_step && step <= to_step; }
  bool has_actor(NodeId actor) const {
    return actors.empty() || std::find(actors.begin(), actors.end(), actor) != actors.end();
  }
  // The actors shown, in lane order (nodes first, then clients, as in the trace).
  std::vector<NodeId> lanes(const TraceHeader& header) const {
    std::vector<NodeId> out;
    for (NodeId a = 0; a < header.nodes + header.clients; ++a) {
      if (has_actor(a)) out.push_back(a);
    }
    return out;
  }
};

}  // namespace corridor

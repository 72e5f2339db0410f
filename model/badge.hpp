#pragma once
// A coherence badge: what an observation-only monitor emits when behaviour leaves the corridor of
// a declared timing assumption (bounded delay, bounded skew, heartbeat interval, ...). A badge is
// a record of what was seen, never an action: nothing in the run depends on it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/event.hpp"
#include "model/time.hpp"

namespace corridor {

struct Badge {
  std::string type = "COHERENCE_DRIFT";  // the badge type, as printed in the [BADGE] block
  std::string module;                    // the part of the system: "network", "clock", "replication", ...
  std::string monitor;                   // the monitor that emitted it: "message-delay", ...
  std::string boundary;                  // the boundary watched: "send/receive", "replica update", ...
  std::string view;                      // "node-local" (from what the node can see) or "omniscient"
  NodeId node = 0;                       // the observing node
  std::uint64_t step = 0;                // the engine step after which it was observed
  time_ns true_ns = 0;                   // true time of the observation
  time_ns local_ns = 0;                  // the observing node's wall clock then
  std::string context;                   // what left the corridor: "version_lag_exceeded", ...
  // Ids, versions, delays: ordered name/value pairs, printed as they are.
  std::vector<std::pair<std::string, std::string>> details;
  friend bool operator==(const Badge&, const Badge&) = default;
};

// What a badge monitor declares, for people (README, docs, `corridor scale`); the monitors live in
// invariants/badges/.
struct BadgeDeclaration {
  std::string monitor;     // "message-delay"
  std::string module;      // "network", "clock", "failure-detector", "replication", "leadership", "delivery"
  std::string assumption;  // one sentence
  std::string corridor;    // the bounds, units in names: "delay_ns_max = 15ms"
  std::string boundary;    // "send/receive", "replica update", ...
  friend bool operator==(const BadgeDeclaration&, const BadgeDeclaration&) = default;
};

}  // namespace corridor

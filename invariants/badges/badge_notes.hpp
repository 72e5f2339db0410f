#pragma once
// The notes a protocol writes so that badge monitors see its facts. Monitors read nothing else of
// the protocol, so a protocol author adds one line at each boundary:
//
//   ctx.note("heartbeat", peer, std::bit_cast<std::uint64_t>(sent_wall_ns));  // got peer's heartbeat,
//                                        // stamped with the peer's wall clock when it was sent
//   ctx.note("suspect", peer);           // a failure-detector timeout for peer fired
//   ctx.note("lead", 1) / ("lead", 0);   // this node now believes it leads / no longer does
//   ctx.note("head", version);           // a primary wrote `version`
//   ctx.note("applied", version);        // this replica now holds `version`
//
// Casts and deliveries for the causal-order badge use DeliveryNotes (invariants/delivery_notes.hpp).
// Message delay and the omniscient clock skew need no notes: they read send/deliver events.
#include <string_view>

namespace corridor::invariants {

struct BadgeNotes {
  std::string_view heartbeat = "heartbeat";
  std::string_view suspect = "suspect";
  std::string_view lead = "lead";
  std::string_view head = "head";
  std::string_view applied = "applied";
};

}  // namespace corridor::invariants

#include "invariants/badges/false_suspicion.hpp"

#include <fmt/format.h>

#include "model/units.hpp"

namespace corridor::invariants {

FalseSuspicionMonitor::FalseSuspicionMonitor(time_ns timeout_ns, BadgeNotes notes)
    : notes_(notes),
      declaration_{"false-suspicion", "failure-detector",
                   "A peer is suspected only after it has crashed.",
                   fmt::format("suspicions_of_live_peers_max = 0 (timeout {})", format_duration(timeout_ns)),
                   "timeout expiry"} {}

void FalseSuspicionMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind != EventKind::note || event.note != notes_.suspect || event.note_a >= world.node_count()) return;
  const auto peer = static_cast<NodeId>(event.note_a);
  if (!world.is_alive(peer)) return;
  Badge b = badge_at(event, world, event.actor, "omniscient", "false_suspicion");
  b.details = {{"peer", fmt::format("n{}", peer)}, {"peer_status", "alive"}};
  sink.append(std::move(b));
}

}  // namespace corridor::invariants

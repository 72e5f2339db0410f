#include "invariants/badges/heartbeat_gap.hpp"

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

HeartbeatGapMonitor::HeartbeatGapMonitor(time_ns gap_ns_max, BadgeNotes notes)
    : gap_ns_max_(gap_ns_max),
      notes_(notes),
      declaration_{"heartbeat-gap", "failure-detector",
                   fmt::format("A live peer's heartbeats arrive at most {} apart.", format_duration(gap_ns_max)),
                   fmt::format("gap_ns_max = {}", format_duration(gap_ns_max)), "receive (heartbeat)"} {
  CORRIDOR_ASSERT(gap_ns_max > 0);
}

void HeartbeatGapMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  last_ns_.assign(std::size_t{nodes_} * nodes_, never_ns);
}

void HeartbeatGapMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind == EventKind::crash && event.actor < nodes_) {
    // A restarted node starts counting afresh: its memory of heartbeats was volatile.
    std::fill_n(last_ns_.begin() + std::ptrdiff_t{event.actor} * nodes_, nodes_, never_ns);
    return;
  }
  if (event.kind != EventKind::note || event.note != notes_.heartbeat || event.actor >= nodes_ || event.note_a >= nodes_) return;
  time_ns& last_ns = last_ns_[std::size_t{event.actor} * nodes_ + event.note_a];
  const time_ns previous_ns = last_ns;
  last_ns = event.local_ns;
  if (previous_ns == never_ns || event.local_ns - previous_ns <= gap_ns_max_) return;
  Badge b = badge_at(event, world, event.actor, "node-local", "heartbeat_gap_exceeded");
  b.details = {{"peer", fmt::format("n{}", event.note_a)},
               {"gap", badge_duration_text(event.local_ns - previous_ns)},
               {"bound", format_duration(gap_ns_max_)}};
  sink.append(std::move(b));
}

}  // namespace corridor::invariants

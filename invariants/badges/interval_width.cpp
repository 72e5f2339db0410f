#include "invariants/badges/interval_width.hpp"

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

IntervalWidthMonitor::IntervalWidthMonitor(std::string note_name, time_ns width_ns_max)
    : note_name_(std::move(note_name)),
      width_ns_max_(width_ns_max),
      declaration_{"interval-width", "clock",
                   fmt::format("A node's clock interval is at most {} wide.", badge_duration_text(width_ns_max)),
                   fmt::format("width_ns_max = {}", badge_duration_text(width_ns_max)), "commit"} {
  CORRIDOR_ASSERT(width_ns_max > 0);
}

void IntervalWidthMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind != EventKind::note || event.note != note_name_) return;
  const auto width_ns = static_cast<time_ns>(event.note_b);
  if (width_ns <= width_ns_max_) return;
  Badge b = badge_at(event, world, event.actor, "node-local", "width_exceeded");
  b.details = {{"width", badge_duration_text(width_ns)}, {"bound", badge_duration_text(width_ns_max_)}};
  sink.append(std::move(b));
}

}  // namespace corridor::invariants

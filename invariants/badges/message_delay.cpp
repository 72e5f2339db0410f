#include "invariants/badges/message_delay.hpp"

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

MessageDelayMonitor::MessageDelayMonitor(time_ns delay_ns_max)
    : delay_ns_max_(delay_ns_max),
      declaration_{"message-delay", "network", fmt::format("Messages are delivered within {}.", format_duration(delay_ns_max)),
                   fmt::format("delay_ns_max = {}", format_duration(delay_ns_max)), "send/receive"} {
  CORRIDOR_ASSERT(delay_ns_max > 0);
}

void MessageDelayMonitor::on_run_start(const RunInfo&) { sent_.fill(Sent{}); }

void MessageDelayMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind == EventKind::send) {
    sent_[event.message_id % ring_size] = {event.message_id, event.true_ns};
    return;
  }
  if (event.kind != EventKind::deliver) return;
  const Sent& s = sent_[event.message_id % ring_size];
  if (s.id != event.message_id) return;
  const time_ns delay_ns = event.true_ns - s.sent_ns;
  if (delay_ns <= delay_ns_max_) return;
  Badge b = badge_at(event, world, event.target, "omniscient", "delay_exceeded");
  b.details = {{"message", fmt::format("{}", event.message_id)},
               {"from", fmt::format("n{}", event.source)},
               {"delay", badge_duration_text(delay_ns)},
               {"bound", format_duration(delay_ns_max_)}};
  sink.append(std::move(b));
}

}  // namespace corridor::invariants

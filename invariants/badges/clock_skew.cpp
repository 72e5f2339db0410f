#include "invariants/badges/clock_skew.hpp"

#include <bit>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

ClockSkewMonitor::ClockSkewMonitor(SkewView view, time_ns skew_ns_max, time_ns delay_ns_max, BadgeNotes notes)
    : view_(view),
      skew_ns_max_(skew_ns_max),
      delay_ns_max_(delay_ns_max),
      notes_(notes),
      declaration_{"clock-skew", "clock",
                   fmt::format("Any two nodes' clocks differ by at most {}, so their timestamps compare.",
                               format_duration(skew_ns_max)),
                   fmt::format("skew_ns_max = {}{}", format_duration(skew_ns_max),
                               view == SkewView::node_local ? fmt::format(", delay_ns_max = {}", format_duration(delay_ns_max)) : ""),
                   view == SkewView::node_local ? "send/receive (node-local: timestamps in messages)"
                                                : "send/receive (omniscient: true clocks at delivery)"} {
  CORRIDOR_ASSERT(skew_ns_max >= 0 && delay_ns_max >= 0);
}

void ClockSkewMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  outside_.assign(std::size_t{nodes_} * nodes_, false);
}

void ClockSkewMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (view_ == SkewView::omniscient) {
    if (event.kind != EventKind::deliver || event.source >= nodes_ || event.target >= nodes_) return;
    const time_ns offset_ns = world.wall_ns(event.target) - world.wall_ns(event.source);
    judge(event, world, sink, event.target, event.source, offset_ns, offset_ns > skew_ns_max_ || -offset_ns > skew_ns_max_);
    return;
  }
  if (event.kind != EventKind::note || event.note != notes_.heartbeat || event.actor >= nodes_ || event.note_a >= nodes_) return;
  const time_ns offset_ns = event.local_ns - std::bit_cast<time_ns>(event.note_b);
  judge(event, world, sink, event.actor, static_cast<NodeId>(event.note_a), offset_ns,
        offset_ns < -skew_ns_max_ || offset_ns > skew_ns_max_ + delay_ns_max_);
}

void ClockSkewMonitor::judge(const EventView& event, const WorldView& world, BadgeSink& sink, NodeId observer,
                             NodeId peer, time_ns offset_ns, bool outside) {
  // Omniscient skew is symmetric: one latch per unordered pair. Node-local is what each node sees.
  const bool unordered = view_ == SkewView::omniscient;
  const NodeId a = unordered ? std::min(observer, peer) : observer;
  const NodeId b = unordered ? std::max(observer, peer) : peer;
  std::vector<bool>::reference latch = outside_[std::size_t{a} * nodes_ + b];
  if (!outside) {
    latch = false;
    return;
  }
  if (latch) return;
  latch = true;
  const bool local = view_ == SkewView::node_local;
  Badge badge = badge_at(event, world, observer, local ? "node-local" : "omniscient", "clock_skew_exceeded");
  badge.details = {{"peer", fmt::format("n{}", peer)},
                   {local ? "apparent_offset" : "offset", badge_duration_text(offset_ns)},
                   {"bound", local ? fmt::format("[-{}, {}]", format_duration(skew_ns_max_), format_duration(skew_ns_max_ + delay_ns_max_))
                                   : format_duration(skew_ns_max_)}};
  sink.append(std::move(badge));
}

}  // namespace corridor::invariants

#include "invariants/eventual_delivery.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "invariants/cast_log.hpp"
#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

EventualDeliveryMonitor::EventualDeliveryMonitor(time_ns bound_ns, DeliveryNotes notes, std::string invariant)
    : bound_ns_(bound_ns), notes_(notes), invariant_(std::move(invariant)) {
  CORRIDOR_ASSERT(bound_ns_ > 0);
}

void EventualDeliveryMonitor::on_run_start(const RunInfo& info) {
  CORRIDOR_ASSERT(info.nodes <= nodes_max);
  nodes_ = info.nodes;
  last_heal_ns_ = info.last_heal_ns;
  late_.reset(bound_ns_);
  active_ = info.last_heal_ns < time_ns_max;
  casts_.clear();
  index_of_id_.clear();
  oldest_open_ = 0;
  last_step_ = 0;
  violation_.reset();
}

void EventualDeliveryMonitor::on_event(const EventView& view) {
  if (!active_ || violation_) return;
  last_step_ = view.step;
  if (view.kind == EventKind::drop || view.kind == EventKind::crash) {
    active_ = false;  // a broadcast without retransmission owes nothing once a message or a node is lost
    return;
  }
  late_.observe(view);
  if (view.kind == EventKind::note) on_note(view);
  check_deadline(view.step, view.true_ns);
}

void EventualDeliveryMonitor::on_note(const EventView& view) {
  if (view.actor >= nodes_) return;
  if (view.note == notes_.cast) {
    if (index_of_id_.contains(view.note_a)) return;  // a second cast of one id is the cast log's business
    CORRIDOR_ASSERT_MSG(casts_.size() < casts_max, "casts without bound");
    CORRIDOR_ASSERT_MSG(casts_.empty() || casts_.back().cast_ns <= view.true_ns, "casts arrive in true-time order");
    index_of_id_.emplace(view.note_a, static_cast<std::uint32_t>(casts_.size()));
    const time_ns deadline_ns = std::max(view.true_ns, last_heal_ns_) + bound_ns_;
    casts_.push_back(Cast{view.note_a, view.actor, view.true_ns, deadline_ns, 0, std::vector<std::uint8_t>(nodes_, 0)});
    return;
  }
  if (view.note != notes_.deliver) return;
  const auto it = index_of_id_.find(view.note_a);
  if (it == index_of_id_.end()) return;  // delivered but never cast: the safety monitors say so
  Cast& cast = casts_[it->second];
  if (cast.delivered[view.actor] != 0) return;
  cast.delivered[view.actor] = 1;
  ++cast.delivered_count;
  CORRIDOR_ASSERT(cast.delivered_count <= nodes_);
  while (oldest_open_ < casts_.size() && casts_[oldest_open_].delivered_count == nodes_) ++oldest_open_;
}

void EventualDeliveryMonitor::check_deadline(std::uint64_t step, time_ns now_ns) {
  if (oldest_open_ >= casts_.size()) return;
  const Cast& cast = casts_[oldest_open_];
  const time_ns deadline_ns = std::max(cast.deadline_ns, late_.late_arrival_ns() + bound_ns_);
  if (now_ns <= deadline_ns || late_.late_in_flight(now_ns)) return;
  std::vector<NodeId> missing;
  for (NodeId n = 0; n < nodes_; ++n) {
    if (cast.delivered[n] == 0) missing.push_back(n);
  }
  CORRIDOR_ASSERT(!missing.empty());
  violation_ = Violation{
      .invariant = invariant_, .verdict = Verdict::liveness, .step = step, .true_ns = now_ns, .nodes = missing,
      .message = fmt::format("message {} (cast by node {} at {}) was not delivered at node{} {} by {} ({} after {}); "
                             "still undelivered at {}",
                             cast_id_text(cast.id), cast.origin, time_text(cast.cast_ns), missing.size() > 1 ? "s" : "",
                             fmt::join(missing, ", "), time_text(deadline_ns), format_duration(bound_ns_),
                             deadline_ns > cast.deadline_ns ? "the last late message arrived"
                             : cast.cast_ns >= last_heal_ns_ ? "its cast"
                                                             : "the last fault healed", time_text(now_ns))};
}

void EventualDeliveryMonitor::on_run_end(time_ns end_ns) {
  if (!active_ || violation_) return;
  check_deadline(last_step_, end_ns);
}

}  // namespace corridor::invariants

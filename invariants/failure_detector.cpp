#include "invariants/failure_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

namespace {
constexpr time_ns never_ns = -1;
}  // namespace

FailureDetectorMonitor::FailureDetectorMonitor(DetectorProperty property, time_ns bound_ns, DetectorNotes notes)
    : property_(property),
      bound_ns_(bound_ns),
      notes_(notes),
      invariant_(property == DetectorProperty::completeness ? "detector-completeness" : "detector-accuracy") {
  CORRIDOR_ASSERT(bound_ns_ > 0);
}

void FailureDetectorMonitor::on_run_start(const RunInfo& info) {
  CORRIDOR_ASSERT_MSG(info.nodes <= nodes_max, "the failure-detector monitor's pair tables hold 1024 nodes");
  nodes_ = info.nodes;
  last_heal_ns_ = info.last_heal_ns;
  liveness_.reset(nodes_);
  earliest_crash_ns_ = time_ns_max;
  suspected_.assign(std::size_t{nodes_} * nodes_, 0);
  suspected_count_ = 0;
  last_arrival_ns_.assign(std::size_t{nodes_} * nodes_, never_ns);
  last_drop_ns_.assign(std::size_t{nodes_} * nodes_, never_ns);
  last_step_ = 0;
  violation_.reset();
}

void FailureDetectorMonitor::on_event(const EventView& view) {
  if (violation_) return;
  last_step_ = view.step;
  follow(view);
  check(view.step, view.true_ns);
}

void FailureDetectorMonitor::on_run_end(time_ns end_ns) {
  if (violation_) return;
  check(last_step_, end_ns);
}

// Each property keeps only the table it reads: arrivals for completeness, drops for accuracy.
void FailureDetectorMonitor::follow(const EventView& v) {
  const bool between_nodes = v.source < nodes_ && v.target < nodes_;
  switch (v.kind) {
    case EventKind::deliver:
      if (between_nodes && property_ == DetectorProperty::completeness) {
        last_arrival_ns_[pair(v.source, v.target)] = v.true_ns;
      }
      return;
    case EventKind::drop:
      if (between_nodes && property_ == DetectorProperty::accuracy) last_drop_ns_[pair(v.source, v.target)] = v.true_ns;
      return;
    case EventKind::note:
      // A note about an actor that is no node (or itself) is not the detector's: ignored.
      if (v.actor >= nodes_ || v.note_a >= nodes_ || v.note_a == v.actor) return;
      if (v.note == notes_.suspect) set_suspected(v.actor, static_cast<NodeId>(v.note_a), true);
      else if (v.note == notes_.trust) set_suspected(v.actor, static_cast<NodeId>(v.note_a), false);
      return;
    case EventKind::crash:
      if (v.actor < nodes_) forget_suspicions(v.actor);
      observe_liveness(v);
      return;
    default: observe_liveness(v); return;
  }
}

void FailureDetectorMonitor::observe_liveness(const EventView& v) {
  if (!liveness_.observe(v)) return;
  earliest_crash_ns_ = time_ns_max;
  for (NodeId n = 0; n < nodes_; ++n) {
    if (liveness_.crashed(n)) earliest_crash_ns_ = std::min(earliest_crash_ns_, liveness_.since_ns(n));
  }
}

void FailureDetectorMonitor::set_suspected(NodeId observer, NodeId peer, bool on) {
  std::uint8_t& cell = suspected_[pair(observer, peer)];
  if (cell == (on ? 1 : 0)) return;
  cell = on ? 1 : 0;
  if (on) ++suspected_count_;
  else --suspected_count_;
  CORRIDOR_ASSERT(suspected_count_ <= suspected_.size());
}

void FailureDetectorMonitor::forget_suspicions(NodeId observer) {
  for (NodeId peer = 0; peer < nodes_; ++peer) set_suspected(observer, peer, false);
}

void FailureDetectorMonitor::check(std::uint64_t step, time_ns now_ns) {
  if (property_ == DetectorProperty::completeness) check_completeness(step, now_ns);
  else check_accuracy(step, now_ns);
}

// Every deadline is at least bound_ns after a crash, so until the earliest crash is that old
// there is nothing to look at (most events of a run).
void FailureDetectorMonitor::check_completeness(std::uint64_t step, time_ns now_ns) {
  if (liveness_.crashed_count() == 0 || now_ns <= earliest_crash_ns_ + bound_ns_) return;
  for (NodeId p = 0; p < nodes_; ++p) {
    if (!liveness_.crashed(p)) continue;
    for (NodeId q = 0; q < nodes_; ++q) {
      if (q == p || !liveness_.live(q) || suspected_[pair(q, p)]) continue;
      const time_ns arrival_ns = last_arrival_ns_[pair(p, q)];
      const time_ns from_ns = std::max({liveness_.since_ns(p), arrival_ns, liveness_.since_ns(q)});
      if (now_ns <= from_ns + bound_ns_) continue;
      violation_ = Violation{
          .invariant = invariant_, .verdict = Verdict::liveness, .step = step, .true_ns = now_ns, .nodes = {q, p},
          .message = fmt::format(
              "node {} still trusts node {} at {}, which crashed at {}: it should suspect it within {} of {} ({})",
              q, p, time_text(now_ns), time_text(liveness_.since_ns(p)), format_duration(bound_ns_),
              from_ns == liveness_.since_ns(p) ? "the crash"
              : from_ns == arrival_ns          ? "the last message from it arriving"
                                               : "itself becoming live",
              time_text(from_ns))};
      return;
    }
  }
}

void FailureDetectorMonitor::check_accuracy(std::uint64_t step, time_ns now_ns) {
  if (last_heal_ns_ >= time_ns_max || suspected_count_ == 0 || now_ns <= last_heal_ns_ + bound_ns_) return;
  for (NodeId q = 0; q < nodes_; ++q) {
    if (!liveness_.live(q)) continue;
    for (NodeId p = 0; p < nodes_; ++p) {
      if (p == q || !suspected_[pair(q, p)] || !liveness_.live(p)) continue;
      const time_ns drop_ns = last_drop_ns_[pair(p, q)];
      const time_ns from_ns = std::max({last_heal_ns_, drop_ns, liveness_.since_ns(p), liveness_.since_ns(q)});
      if (now_ns <= from_ns + bound_ns_) continue;
      violation_ = Violation{
          .invariant = invariant_, .verdict = Verdict::liveness, .step = step, .true_ns = now_ns, .nodes = {q, p},
          .message = fmt::format(
              "node {} still suspects live node {} at {}: it should trust it again within {} of {} ({})", q, p,
              time_text(now_ns), format_duration(bound_ns_),
              from_ns == last_heal_ns_ ? "the last fault healing"
              : from_ns == drop_ns     ? "the last message from it being dropped"
                                       : "both being live",
              time_text(from_ns))};
      return;
    }
  }
}

}  // namespace corridor::invariants

#include "invariants/receipt_gap.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

ReceiptGapMonitor::ReceiptGapMonitor(time_ns gap_ns, std::string invariant, std::string what)
    : gap_ns_(gap_ns), invariant_(std::move(invariant)), what_(std::move(what)) {
  CORRIDOR_ASSERT(gap_ns_ > 0);
}

void ReceiptGapMonitor::on_run_start(const RunInfo& info) {
  CORRIDOR_ASSERT(info.nodes <= nodes_max);
  active_ = info.last_heal_ns < time_ns_max;
  last_heal_ns_ = info.last_heal_ns;
  liveness_.reset(info.nodes);
  late_.reset(gap_ns_);
  last_receipt_ns_.assign(info.nodes, 0);
  earliest_deadline_ns_ = last_heal_ns_ + gap_ns_;
  last_step_ = 0;
  violation_.reset();
}

void ReceiptGapMonitor::on_event(const EventView& view) {
  if (!active_ || violation_) return;
  last_step_ = view.step;
  if (view.kind == EventKind::drop || view.kind == EventKind::crash) {
    active_ = false;  // the one message in play may be gone: nothing is owed any more
    return;
  }
  late_.observe(view);
  // A node that becomes live owes from now on: the cached bound must not pass its deadline by.
  if (liveness_.observe(view) && liveness_.live(view.actor)) {
    earliest_deadline_ns_ = std::min(earliest_deadline_ns_, deadline_ns(view.actor));
  }
  if (view.kind == EventKind::deliver && view.actor < last_receipt_ns_.size()) last_receipt_ns_[view.actor] = view.true_ns;
  check(view.step, view.true_ns);
}

time_ns ReceiptGapMonitor::deadline_ns(NodeId n) const {
  return std::max({last_receipt_ns_[n], last_heal_ns_, liveness_.since_ns(n), late_.late_arrival_ns()}) + gap_ns_;
}

void ReceiptGapMonitor::check(std::uint64_t step, time_ns now_ns) {
  // Deadlines only move later, so the cached earliest one saves a scan on almost every event.
  if (now_ns <= earliest_deadline_ns_ || late_.late_in_flight(now_ns)) return;
  NodeId late = no_node;
  earliest_deadline_ns_ = time_ns_max;
  for (NodeId n = 0; n < liveness_.size(); ++n) {
    if (!liveness_.live(n)) continue;
    const time_ns d_ns = deadline_ns(n);
    if (d_ns < earliest_deadline_ns_) {
      earliest_deadline_ns_ = d_ns;
      late = n;
    }
  }
  if (late == no_node || now_ns <= earliest_deadline_ns_) return;
  const time_ns last_ns = last_receipt_ns_[late];
  violation_ = Violation{
      .invariant = invariant_, .verdict = Verdict::liveness, .step = step, .true_ns = now_ns, .nodes = {late},
      .message = fmt::format("node {} received nothing between {} and {}: {} stopped (it must arrive at every live "
                             "node within {} after the latest of its last arrival, the last fault healing and the "
                             "node becoming live)",
                             late, last_ns > 0 ? time_text(last_ns) : "the start", time_text(now_ns), what_,
                             format_duration(gap_ns_))};
}

void ReceiptGapMonitor::on_run_end(time_ns end_ns) {
  if (!active_ || violation_) return;
  check(last_step_, end_ns);
}

}  // namespace corridor::invariants

#include "invariants/completion_bound.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

CompletionBoundMonitor::CompletionBoundMonitor(CompletionNotes notes, time_ns bound_ns, std::string invariant)
    : notes_(notes), bound_ns_(bound_ns), invariant_(std::move(invariant)) {
  CORRIDOR_ASSERT(bound_ns_ > 0);
  CORRIDOR_ASSERT(!notes_.started.empty() && !notes_.completed.empty() && notes_.started != notes_.completed);
}

void CompletionBoundMonitor::on_run_start(const RunInfo& info) {
  active_ = info.last_heal_ns < time_ns_max;
  last_heal_ns_ = info.last_heal_ns;
  liveness_.reset(info.nodes);
  late_.reset(bound_ns_);
  open_.clear();
  earliest_deadline_ns_ = time_ns_max;
  last_step_ = 0;
  violation_.reset();
}

void CompletionBoundMonitor::on_event(const EventView& view) {
  if (!active_ || violation_) return;
  last_step_ = view.step;
  if (view.kind == EventKind::drop) {
    active_ = false;  // without retransmission, a lost marker or decision is never made up for
    return;
  }
  late_.observe(view);
  if (liveness_.observe(view) && liveness_.crashed(view.actor)) forget(view.actor);
  if (view.kind == EventKind::note) on_note(view);
  check_deadlines(view.step, view.true_ns);
}

void CompletionBoundMonitor::on_note(const EventView& view) {
  if (view.actor >= liveness_.size()) return;
  const auto key = std::make_pair(view.actor, view.note_a);
  if (view.note == notes_.started) {
    const time_ns from_ns = std::max({view.true_ns, last_heal_ns_, liveness_.since_ns(view.actor)});
    const Open open{view.true_ns, from_ns + bound_ns_};
    open_.emplace(key, open);  // a second start of one id keeps the first deadline
    earliest_deadline_ns_ = std::min(earliest_deadline_ns_, open.deadline_ns);
    CORRIDOR_ASSERT_MSG(open_.size() <= open_max, "open completions without bound");
  } else if (view.note == notes_.completed) {
    open_.erase(key);
  }
}

void CompletionBoundMonitor::forget(NodeId node) {
  std::erase_if(open_, [node](const auto& entry) { return entry.first.first == node; });
}

void CompletionBoundMonitor::check_deadlines(std::uint64_t step, time_ns now_ns) {
  if (late_.late_in_flight(now_ns)) return;
  earliest_deadline_ns_ = std::max(earliest_deadline_ns_, late_.late_arrival_ns() + bound_ns_);
  if (now_ns <= earliest_deadline_ns_) return;  // the cached bound saves a scan on almost every event
  const auto late = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
    return a.second.deadline_ns < b.second.deadline_ns;
  });
  earliest_deadline_ns_ = late == open_.end() ? time_ns_max
                                              : std::max(late->second.deadline_ns, late_.late_arrival_ns() + bound_ns_);
  if (now_ns <= earliest_deadline_ns_) return;
  const auto& [key, open] = *late;
  violation_ = Violation{
      .invariant = invariant_, .verdict = Verdict::liveness, .step = step, .true_ns = now_ns, .nodes = {key.first},
      .message = fmt::format("node {}'s {} {} started at {} did not complete by {} ({} after the latest of its start, "
                             "the last fault healing, the last late message and the node becoming live); still open at {}",
                             key.first, notes_.what, key.second, time_text(open.started_ns), time_text(earliest_deadline_ns_),
                             format_duration(bound_ns_), time_text(now_ns))};
}

void CompletionBoundMonitor::on_run_end(time_ns end_ns) {
  if (!active_ || violation_) return;
  check_deadlines(last_step_, end_ns);
}

}  // namespace corridor::invariants

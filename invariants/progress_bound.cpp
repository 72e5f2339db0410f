#include "invariants/progress_bound.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

void ProgressBoundMonitor::on_run_start(const RunInfo& info) {
  CORRIDOR_ASSERT(bound_ns_ > 0);
  active_ = info.last_heal_ns < time_ns_max;
  last_heal_ns_ = info.last_heal_ns;
  history_events_ = 0;
  open_.clear();
  earliest_deadline_ns_ = time_ns_max;
  last_step_ = 0;
  violation_.reset();
}

void ProgressBoundMonitor::on_event(const EventView& view) {
  if (!active_ || violation_) return;
  last_step_ = view.step;
  if (view.kind == EventKind::history && view.history != nullptr) on_history(view);
  if (!violation_) check_deadlines(view.step, view.true_ns);
}

void ProgressBoundMonitor::on_history(const EventView& view) {
  const HistoryEvent& h = *view.history;
  const std::uint64_t index = history_events_++;
  if (h.type == OpType::invoke) {
    // A process invokes one operation at a time; a second invoke replaces an abandoned first.
    const time_ns start_ns = std::max(view.true_ns, last_heal_ns_);
    open_[h.process] = Open{index, view.true_ns, start_ns + bound_ns_, h.f};
    CORRIDOR_ASSERT_MSG(open_.size() <= open_max, "open operations without bound");
  } else {
    open_.erase(h.process);  // ok, fail or info: the operation completed
  }
  earliest_deadline_ns_ = time_ns_max;
  for (const auto& [process, op] : open_) earliest_deadline_ns_ = std::min(earliest_deadline_ns_, op.deadline_ns);
}

void ProgressBoundMonitor::check_deadlines(std::uint64_t step, time_ns now_ns) {
  if (now_ns <= earliest_deadline_ns_) return;
  const auto late = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
    return a.second.deadline_ns < b.second.deadline_ns;
  });
  if (late == open_.end() || now_ns <= late->second.deadline_ns) return;
  const Open& op = late->second;
  violation_ = Violation{.invariant = invariant_, .verdict = Verdict::liveness, .step = step, .true_ns = now_ns,
                         .operations = {op.history_index},
                         .message = fmt::format("client {}'s {} invoked at {} did not complete by {} ({} after {}); still open at {}", late->first,
                  op.f, time_text(op.invoke_ns), time_text(op.deadline_ns), format_duration(bound_ns_),
                  op.invoke_ns >= last_heal_ns_ ? "its invoke" : "the last fault healed", time_text(now_ns))};
}

void ProgressBoundMonitor::on_run_end(time_ns end_ns) {
  if (!active_ || violation_) return;
  check_deadlines(last_step_, end_ns);
}

}  // namespace corridor::invariants

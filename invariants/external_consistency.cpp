#include "invariants/external_consistency.hpp"

#include <fmt/format.h>

#include "invariants/time_text.hpp"

namespace corridor::invariants {

void ExternalConsistencyMonitor::on_run_start(const RunInfo&) {
  invoked_.clear();
  open_.clear();
  largest_.reset();
  violation_.reset();
}

void ExternalConsistencyMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::history || view.history == nullptr) return;
  const HistoryEvent& h = *view.history;
  if (h.f != function_) return;
  switch (h.type) {
    case OpType::invoke: {
      const std::uint32_t op = ++invoked_[h.process];
      CORRIDOR_ASSERT_MSG(invoked_.size() <= processes_max, "more client processes than the monitor follows");
      open_[h.process] = Open{op, h.true_time_ns, largest_};
      break;
    }
    case OpType::ok: on_ok(view, h); break;
    case OpType::fail:
    case OpType::info: open_.erase(h.process); break;
  }
}

void ExternalConsistencyMonitor::on_ok(const EventView& view, const HistoryEvent& h) {
  const auto it = open_.find(h.process);
  const auto* timestamp = std::get_if<std::int64_t>(&h.value);
  if (it == open_.end() || timestamp == nullptr) return;  // not a transaction of this history's shape
  const Open open = it->second;
  open_.erase(it);
  const Committed mine{h.process, open.op, *timestamp, h.true_time_ns};
  if (open.before && open.before->timestamp_ns >= mine.timestamp_ns) {
    const Committed& t1 = *open.before;
    violation_ = Violation{
        .invariant = name_, .verdict = Verdict::safety, .step = view.step, .true_ns = view.true_ns,
        .nodes = {}, .operations = {},
        .message = fmt::format("client {}'s transaction {} was acknowledged with timestamp {} at true time {}, before "
                               "client {}'s transaction {} started at {}, yet that one committed with timestamp {}, "
                               "not above it",
                               t1.process, t1.op, t1.timestamp_ns, time_text(t1.ok_true_ns), mine.process, mine.op,
                               time_text(open.invoke_true_ns), mine.timestamp_ns)};
    return;
  }
  if (!largest_ || mine.timestamp_ns > largest_->timestamp_ns) largest_ = mine;
}

}  // namespace corridor::invariants

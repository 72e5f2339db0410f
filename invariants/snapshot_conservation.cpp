#include "invariants/snapshot_conservation.hpp"


#include <fmt/format.h>

#include "invariants/snapshot_notes.hpp"
#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void SnapshotConservationMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  expected_ = total_(info.nodes);
  snapshots_.clear();
  last_step_ = 0;
  violation_.reset();
}

SnapshotConservationMonitor::Snapshot& SnapshotConservationMonitor::snapshot(std::uint32_t id) {
  auto [it, fresh] = snapshots_.try_emplace(id);
  if (fresh) {
    CORRIDOR_ASSERT_MSG(snapshots_.size() <= snapshots_max, "snapshots without bound");
    it->second.state_recorded.assign(nodes_, false);
    it->second.channel_recorded.assign(std::size_t{nodes_} * nodes_, false);
  }
  return it->second;
}

void SnapshotConservationMonitor::on_event(const EventView& view) {
  last_step_ = view.step;
  if (violation_ || view.kind != EventKind::note || view.actor >= nodes_) return;
  if (view.note == snapshot_state_note) on_state(view);
  else if (view.note == snapshot_channel_note) on_channel(view);
}

void SnapshotConservationMonitor::on_state(const EventView& view) {
  const auto id = static_cast<std::uint32_t>(view.note_a);
  Snapshot& s = snapshot(id);
  if (s.state_recorded[view.actor]) {
    fail(view, {view.actor}, fmt::format("node {} recorded its state for snapshot {} twice", view.actor, id));
    return;
  }
  s.state_recorded[view.actor] = true;
  ++s.states;
  s.sum += static_cast<std::int64_t>(view.note_b);
  check_complete(view, id, s);
}

void SnapshotConservationMonitor::on_channel(const EventView& view) {
  const std::uint32_t id = snapshot_of_key(view.note_a);
  const NodeId from = from_of_key(view.note_a);
  Snapshot& s = snapshot(id);
  if (from >= nodes_ || from == view.actor) {
    fail(view, {view.actor}, fmt::format("node {} recorded channel {} -> {} for snapshot {}, which is no channel between "
                                         "two nodes", view.actor, from, view.actor, id));
    return;
  }
  const std::size_t channel = std::size_t{from} * nodes_ + view.actor;
  if (s.channel_recorded[channel]) {
    fail(view, {from, view.actor},
         fmt::format("node {} recorded channel {} -> {} for snapshot {} twice", view.actor, from, view.actor, id));
    return;
  }
  s.channel_recorded[channel] = true;
  ++s.channels;
  s.sum += static_cast<std::int64_t>(view.note_b);
  check_complete(view, id, s);
}

void SnapshotConservationMonitor::check_complete(const EventView& view, std::uint32_t id, Snapshot& s) {
  if (s.states < nodes_ || s.channels < nodes_ * (nodes_ - 1)) return;
  s.checked = true;
  if (s.sum == expected_) return;
  fail(view, {}, fmt::format("snapshot {} completed at {} with recorded states and channels summing to {}, but the "
                             "total is {} ({} {})",
                             id, time_text(view.true_ns), s.sum, expected_, s.sum > expected_ ? "counted" : "lost",
                             s.sum > expected_ ? s.sum - expected_ : expected_ - s.sum));
}

void SnapshotConservationMonitor::on_run_end(time_ns end_ns) {
  if (violation_) return;
  for (const auto& [id, s] : snapshots_) {
    if (s.checked) continue;
    violation_ = Violation{.invariant = invariant_, .verdict = Verdict::liveness, .step = last_step_,
                           .true_ns = end_ns,
                           .message = fmt::format("snapshot {} never completed: {} of {} states and {} of {} channels recorded by "
                                       "the end of the run",
                                       id, s.states, nodes_, s.channels, nodes_ * (nodes_ - 1))};
    return;
  }
}

void SnapshotConservationMonitor::fail(const EventView& view, std::vector<NodeId> nodes, std::string message) {
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                         .nodes = std::move(nodes), .message = std::move(message)};
}

}  // namespace corridor::invariants

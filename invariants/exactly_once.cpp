#include "invariants/exactly_once.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void ExactlyOnceMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  executed_.clear();
  violation_.reset();
}

void ExactlyOnceMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != execute_note_ || view.actor >= nodes_) return;
  const auto [it, fresh] = executed_.try_emplace(view.note_a, Execution{view.note_b, view.actor});
  if (fresh) {
    CORRIDOR_ASSERT(executed_.size() <= executions_max);
    return;
  }
  if (it->second.position == view.note_b) return;
  const Execution first = it->second;
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                         .nodes = {std::min(first.node, view.actor), std::max(first.node, view.actor)},
                         .message = fmt::format("node {} executed request {:#x} at log position {} at {}, but node {} had executed it "
                                     "at position {} (a retry or a duplicate was not recognised)",
                                     view.actor, view.note_a, view.note_b, time_text(view.true_ns), first.node,
                                     first.position)};
}

}  // namespace corridor::invariants

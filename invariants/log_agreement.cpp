#include "invariants/log_agreement.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void LogAgreementMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  decided_.clear();
  violation_.reset();
}

void LogAgreementMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != decide_note_ || view.actor >= nodes_) return;
  const auto [it, fresh] = decided_.try_emplace(view.note_a, Decision{view.note_b, view.actor, view.true_ns});
  if (fresh) {
    CORRIDOR_ASSERT(decided_.size() <= slots_max);
    return;
  }
  const Decision& first = it->second;
  if (first.digest == view.note_b) return;
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                         .nodes = {std::min(first.node, view.actor), std::max(first.node, view.actor)},
                         .message = fmt::format("node {} decided command {:016x} for slot {} at {}, but node {} had decided command "
                                     "{:016x} for it at {}",
                                     view.actor, view.note_b, view.note_a, time_text(view.true_ns), first.node, first.digest,
                                     time_text(first.true_ns))};
}

}  // namespace corridor::invariants

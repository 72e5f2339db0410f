#include "invariants/accept_keeps_promise.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void AcceptKeepsPromiseMonitor::on_run_start(const RunInfo& info) {
  promised_.assign(info.nodes, 0);
  violation_.reset();
}

void AcceptKeepsPromiseMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != accept_note_ || view.actor >= promised_.size()) return;
  const std::uint64_t ballot = view.note_a;
  std::uint64_t& promised = promised_[view.actor];
  const std::uint64_t promised_then = std::max(promised, view.note_b);
  if (ballot >= promised_then) {
    promised = ballot;
    CORRIDOR_ASSERT(promised_[view.actor] >= view.note_b);
    return;
  }
  const bool state_says = view.note_b > ballot;
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns, .nodes = {view.actor},
                         .message = fmt::format("node {} accepted ballot {} at {} after promising ballot {}{}: an "
                                                "acceptor may accept only at or above its promise",
                                                view.actor, ballot, time_text(view.true_ns), promised_then,
                                                state_says ? "" : " (its durable promise had gone back)")};
}

}  // namespace corridor::invariants

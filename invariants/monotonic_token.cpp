#include "invariants/monotonic_token.hpp"

#include <fmt/format.h>

#include "invariants/time_text.hpp"

namespace corridor::invariants {

void MonotonicTokenMonitor::on_run_start(const RunInfo&) {
  seen_ = false;
  highest_ = 0;
  highest_node_ = no_node;
  highest_ns_ = 0;
  violation_.reset();
}

void MonotonicTokenMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != note_name_) return;
  const std::uint64_t token = view.note_a;
  if (!seen_ || token >= highest_) {
    seen_ = true;
    highest_ = token;
    highest_node_ = view.actor;
    highest_ns_ = view.true_ns;
    return;
  }
  std::vector<NodeId> nodes = {view.actor};
  if (highest_node_ != view.actor) nodes.push_back(highest_node_);
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                         .nodes = std::move(nodes),
                         .message = fmt::format("node {} noted \"{}\" with token {} at {}, lower than token {} noted by node {} "
                                     "at {}: the token went backwards",
                                     view.actor, note_name_, token, time_text(view.true_ns), highest_, highest_node_,
                                     time_text(highest_ns_))};
}

}  // namespace corridor::invariants

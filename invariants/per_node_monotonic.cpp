#include "invariants/per_node_monotonic.hpp"

#include <fmt/format.h>

#include "invariants/time_text.hpp"

namespace corridor::invariants {

void PerNodeMonotonicMonitor::on_run_start(const RunInfo& info) {
  highest_.assign(std::size_t{info.nodes} + info.clients, 0);
  highest_ns_.assign(highest_.size(), 0);
  violation_.reset();
}

void PerNodeMonotonicMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != note_name_ || view.actor >= highest_.size()) return;
  std::uint64_t& highest = highest_[view.actor];
  if (view.note_a >= highest) {
    highest = view.note_a;
    highest_ns_[view.actor] = view.true_ns;
    return;
  }
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns, .nodes = {view.actor},
                         .message = fmt::format("node {} noted \"{}\" {} at {}, lower than the {} it noted at {}: it went backwards",
                                     view.actor, note_name_, view.note_a, time_text(view.true_ns), highest,
                                     time_text(highest_ns_[view.actor]))};
}

}  // namespace corridor::invariants

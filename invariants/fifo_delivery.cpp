#include "invariants/fifo_delivery.hpp"

#include <fmt/format.h>

#include "invariants/time_text.hpp"

namespace corridor::invariants {

void FifoDeliveryMonitor::on_run_start(const RunInfo& info) {
  width_ = info.nodes + info.clients;
  casts_.clear();
  delivered_.assign(std::size_t{width_} * width_, {});
  violation_.reset();
}

void FifoDeliveryMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.actor >= width_) return;
  if (view.note == notes_.cast) {
    if (!casts_.add(view)) return;
    delivered(view.actor, view.actor).mark(casts_.casts().back().index);
  } else if (view.note == notes_.deliver) {
    on_deliver(view);
  }
}

void FifoDeliveryMonitor::on_deliver(const EventView& view) {
  const NodeId node = view.actor;
  const CastLog::Cast* cast = casts_.find(view.note_a);
  if (cast == nullptr) {
    violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns, .nodes = {node},
                           .message = fmt::format("node {} delivered message {}, which no node has cast", node,
                                       cast_id_text(view.note_a))};
    return;
  }
  Delivered& pair = delivered(node, cast->origin);
  if (cast->index < pair.seen.size() && pair.seen[cast->index]) return;
  if (pair.prefix < cast->index) {
    const std::uint64_t missing = casts_.casts()[casts_.by_origin(cast->origin)[pair.prefix]].id;
    violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                           .nodes = {node, cast->origin},
                           .message = fmt::format("node {} delivered message {} at {} before message {}, which node {} cast "
                                       "earlier",
                                       node, cast_id_text(cast->id), time_text(view.true_ns), cast_id_text(missing),
                                       cast->origin)};
    return;
  }
  pair.mark(cast->index);
}

void FifoDeliveryMonitor::Delivered::mark(std::uint32_t index) {
  if (seen.size() <= index) seen.resize(std::size_t{index} + 1, false);
  seen[index] = true;
  while (prefix < seen.size() && seen[prefix]) ++prefix;
}

}  // namespace corridor::invariants

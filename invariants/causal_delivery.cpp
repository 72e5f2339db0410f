#include "invariants/causal_delivery.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void CausalDeliveryMonitor::on_run_start(const RunInfo& info) {
  width_ = info.nodes + info.clients;
  casts_.clear();
  past_.assign(std::size_t{width_} * width_, 0);
  cast_past_.clear();
  prefix_.assign(std::size_t{width_} * width_, 0);
  delivered_.assign(width_, {});
  violation_.reset();
}

void CausalDeliveryMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.actor >= width_) return;
  if (view.note == notes_.cast) on_cast(view);
  else if (view.note == notes_.deliver) on_deliver(view);
}

void CausalDeliveryMonitor::on_cast(const EventView& view) {
  if (!casts_.add(view)) return;
  const CastLog::Cast& cast = casts_.casts().back();
  std::uint32_t* past = &past_[std::size_t{view.actor} * width_];
  past[view.actor] = cast.index + 1;  // this cast joins its origin's causal past
  cast_past_.insert(cast_past_.end(), past, past + width_);
  // A node has its own message in hand from its cast on; its own "deliver" note, if the protocol
  // makes one, is then a duplicate.
  mark_delivered(view.actor, cast);
}

std::uint32_t CausalDeliveryMonitor::preceding(const CastLog::Cast& cast, NodeId origin) const {
  std::uint32_t count = 0;
  if (order_ == CausalOrder::delivered) {
    const auto self = static_cast<std::size_t>(&cast - casts_.casts().data());
    count = cast_past_[self * width_ + origin];
  } else {
    count = casts_.casts_up_to(origin, casts_.vc(cast)[origin]);
  }
  if (origin == cast.origin) {
    CORRIDOR_ASSERT(count == cast.index + 1);  // the cast itself is in its own past
    --count;
  }
  return count;
}

void CausalDeliveryMonitor::on_deliver(const EventView& view) {
  const NodeId node = view.actor;
  const CastLog::Cast* cast = casts_.find(view.note_a);
  if (cast == nullptr) {
    fail(view, {node}, fmt::format("node {} delivered message {}, which no node has cast", node, cast_id_text(view.note_a)));
    return;
  }
  const auto cast_index = static_cast<std::size_t>(cast - casts_.casts().data());
  auto& delivered = delivered_[node];
  if (cast_index < delivered.size() && delivered[cast_index]) return;  // a duplicate: not our concern
  for (NodeId origin = 0; origin < casts_.origin_count(); ++origin) {
    const std::uint32_t needed = preceding(*cast, origin);
    if (prefix(node, origin) >= needed) continue;
    const CastLog::Cast& missing = casts_.casts()[casts_.by_origin(origin)[prefix(node, origin)]];
    fail(view, {node, cast->origin, origin},
         fmt::format("node {} delivered message {} (cast by node {}) at {} before message {} (cast by node {}), "
                     "whose cast happened before it",
                     node, cast_id_text(cast->id), cast->origin, time_text(view.true_ns), cast_id_text(missing.id),
                     origin));
    return;
  }
  mark_delivered(node, *cast);
  if (order_ == CausalOrder::delivered) {
    const std::uint32_t* from = &cast_past_[cast_index * width_];
    std::uint32_t* past = &past_[std::size_t{node} * width_];
    for (std::uint32_t o = 0; o < width_; ++o) past[o] = std::max(past[o], from[o]);
  }
}

void CausalDeliveryMonitor::mark_delivered(NodeId node, const CastLog::Cast& cast) {
  const auto cast_index = static_cast<std::size_t>(&cast - casts_.casts().data());
  auto& delivered = delivered_[node];
  if (delivered.size() <= cast_index) delivered.resize(casts_.casts().size(), false);
  delivered[cast_index] = true;
  // Advance the gap-free prefix of this origin's casts delivered at this node.
  const auto& list = casts_.by_origin(cast.origin);
  std::uint32_t& p = prefix(node, cast.origin);
  while (p < list.size() && list[p] < delivered.size() && delivered[list[p]]) ++p;
}

void CausalDeliveryMonitor::fail(const EventView& view, std::vector<NodeId> nodes, std::string message) {
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                         .nodes = std::move(nodes), .message = std::move(message)};
}

}  // namespace corridor::invariants

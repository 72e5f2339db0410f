#include "invariants/total_order.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/cast_log.hpp"
#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void TotalOrderMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  order_.clear();
  first_at_.clear();
  count_.assign(nodes_, 0);
  seen_.assign(nodes_, {});
  last_step_ = 0;
  violation_.reset();
}

void TotalOrderMonitor::on_event(const EventView& view) {
  last_step_ = view.step;
  if (violation_ || view.kind != EventKind::note || view.note != deliver_note_ || view.actor >= nodes_) return;
  const NodeId node = view.actor;
  const std::uint64_t id = view.note_a;
  if (!seen_[node].insert(id).second) {
    fail(view.step, view.true_ns, {node},
         fmt::format("node {} delivered message {} a second time at {}", node, cast_id_text(id), time_text(view.true_ns)));
    return;
  }
  const std::uint32_t k = count_[node]++;
  CORRIDOR_ASSERT(k < deliveries_max);
  if (k == order_.size()) {
    order_.push_back(id);
    first_at_.push_back(node);
    return;
  }
  if (order_[k] == id) return;
  fail(view.step, view.true_ns, {node, first_at_[k]},
       fmt::format("node {} delivered message {} as its delivery #{} at {}, but node {} delivered message {} there",
                   node, cast_id_text(id), k + 1, time_text(view.true_ns), first_at_[k], cast_id_text(order_[k])));
}

void TotalOrderMonitor::on_run_end(time_ns end_ns) {
  if (violation_ || !expect_complete_) return;
  for (NodeId n = 0; n < nodes_; ++n) {
    if (count_[n] == order_.size()) continue;
    fail(last_step_, end_ns, {n, first_at_[count_[n]]},
         fmt::format("node {} delivered {} of the {} messages in the total order by the end of the run; message {} "
                     "(delivered by node {}) never arrived there",
                     n, count_[n], order_.size(), cast_id_text(order_[count_[n]]), first_at_[count_[n]]),
         Verdict::liveness);
    return;
  }
}

void TotalOrderMonitor::fail(std::uint64_t step, time_ns true_ns, std::vector<NodeId> nodes, std::string message,
                             Verdict verdict) {
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  violation_ = Violation{.invariant = invariant_, .verdict = verdict, .step = step, .true_ns = true_ns,
                         .nodes = std::move(nodes), .message = std::move(message)};
}

}  // namespace corridor::invariants

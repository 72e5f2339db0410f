#include "invariants/leader_stability.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

LeaderStabilityMonitor::LeaderStabilityMonitor(time_ns grace_ns, LeaderNotes notes, std::string invariant)
    : grace_ns_(grace_ns), notes_(notes), invariant_(std::move(invariant)) {
  CORRIDOR_ASSERT(grace_ns_ > 0);
}

void LeaderStabilityMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  last_heal_ns_ = info.last_heal_ns;
  liveness_.reset(info.nodes + info.clients);
  leading_.assign(info.nodes, Leading{});
  elections_.clear();
  elections_after_heal_ = 0;
  violation_.reset();
}

void LeaderStabilityMonitor::on_event(const EventView& view) {
  if (violation_ || last_heal_ns_ >= time_ns_max) return;
  liveness_.observe(view);
  if (view.kind == EventKind::crash && view.actor < nodes_) leading_[view.actor] = {};
  if (view.kind == EventKind::note && view.actor < nodes_) on_note(view);
}

void LeaderStabilityMonitor::on_note(const EventView& view) {
  if (view.note == notes_.leader) {
    leading_[view.actor] = {true, view.note_a, view.true_ns};
  } else if (view.note == notes_.step_down) {
    leading_[view.actor] = {};
  } else if (view.note == notes_.election) {
    on_election(view);
  }
}

void LeaderStabilityMonitor::on_election(const EventView& view) {
  if (view.true_ns < last_heal_ns_) return;
  ++elections_after_heal_;
  if (elections_.size() < elections_listed_max) elections_.push_back({view.actor, view.note_a, view.true_ns});
  const NodeId leader_node = leader(view.actor);
  if (leader_node == no_node) return;
  const Leading& l = leading_[leader_node];
  CORRIDOR_ASSERT_MSG(l.leads && liveness_.live(leader_node), "the leader leads and is live");
  const time_ns stable_from_ns = std::max(last_heal_ns_, l.since_ns) + grace_ns_;
  if (view.true_ns <= stable_from_ns) return;
  violation_ = Violation{
      .invariant = invariant_, .verdict = Verdict::liveness, .step = view.step, .true_ns = view.true_ns,
      .nodes = {view.actor, leader_node},
      .message = fmt::format(
          "node {} started an election (term {}) at {} while node {} led term {} since {}, live, with no fault "
          "active since {} (stable from {}, {} after the later of the two); elections since the last fault healed: {}",
          view.actor, view.note_a, time_text(view.true_ns), leader_node, l.term, time_text(l.since_ns),
          time_text(last_heal_ns_), time_text(stable_from_ns), format_duration(grace_ns_), elections_text())};
}

NodeId LeaderStabilityMonitor::leader(NodeId except) const {
  NodeId best = no_node;
  for (NodeId n = 0; n < nodes_; ++n) {
    if (n == except || !leading_[n].leads || !liveness_.live(n)) continue;
    if (best == no_node || leading_[n].term > leading_[best].term) best = n;
  }
  return best;
}

std::string LeaderStabilityMonitor::elections_text() const {
  std::string text;
  for (const Election& e : elections_) {
    if (!text.empty()) text += ", ";
    text += fmt::format("node {} term {} at {}", e.node, e.term, time_text(e.at_ns));
  }
  if (elections_after_heal_ > elections_.size()) {
    text += fmt::format(" and {} more", elections_after_heal_ - elections_.size());
  }
  return text;
}

}  // namespace corridor::invariants

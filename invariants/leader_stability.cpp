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
  leader_ = no_node;
  leader_term_ = 0;
  leader_since_ns_ = 0;
  elections_.clear();
  elections_after_heal_ = 0;
  violation_.reset();
}

void LeaderStabilityMonitor::on_event(const EventView& view) {
  if (violation_ || last_heal_ns_ >= time_ns_max) return;
  if (liveness_.observe(view) && view.actor == leader_ && !liveness_.live(leader_)) leader_ = no_node;
  if (view.kind == EventKind::note && view.actor < nodes_) on_note(view);
}

void LeaderStabilityMonitor::on_note(const EventView& view) {
  if (view.note == notes_.leader) {
    leader_ = view.actor;
    leader_term_ = view.note_a;
    leader_since_ns_ = view.true_ns;
  } else if (view.note == notes_.step_down) {
    if (view.actor == leader_) leader_ = no_node;
  } else if (view.note == notes_.election) {
    on_election(view);
  }
}

void LeaderStabilityMonitor::on_election(const EventView& view) {
  if (view.true_ns < last_heal_ns_) return;
  ++elections_after_heal_;
  if (elections_.size() < elections_listed_max) elections_.push_back({view.actor, view.note_a, view.true_ns});
  if (leader_ == no_node || leader_ == view.actor) return;
  CORRIDOR_ASSERT_MSG(liveness_.live(leader_), "a leader that crashed or paused is no leader");
  const time_ns stable_from_ns = std::max(last_heal_ns_, leader_since_ns_) + grace_ns_;
  if (view.true_ns <= stable_from_ns) return;
  violation_ = Violation{
      .invariant = invariant_, .verdict = Verdict::liveness, .step = view.step, .true_ns = view.true_ns,
      .nodes = {view.actor, leader_},
      .message = fmt::format(
          "node {} started an election (term {}) at {} while node {} led term {} since {}, live, with no fault "
          "active since {} (stable from {}, {} after the later of the two); elections since the last fault healed: {}",
          view.actor, view.note_a, time_text(view.true_ns), leader_, leader_term_, time_text(leader_since_ns_),
          time_text(last_heal_ns_), time_text(stable_from_ns), format_duration(grace_ns_), elections_text())};
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

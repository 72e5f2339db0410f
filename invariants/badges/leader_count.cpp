#include "invariants/badges/leader_count.hpp"

#include <fmt/format.h>

#include "model/assert.hpp"

namespace corridor::invariants {

LeaderCountMonitor::LeaderCountMonitor(std::uint32_t leaders_max, BadgeNotes notes)
    : leaders_max_(leaders_max),
      notes_(notes),
      declaration_{"leader-count", "leadership",
                   leaders_max == 1 ? std::string("At most one node believes it leads at any moment.")
                                    : fmt::format("At most {} nodes believe they lead at any moment.", leaders_max),
                   fmt::format("leaders_max = {}", leaders_max), "leader change"} {}

void LeaderCountMonitor::on_run_start(const RunInfo& info) {
  leads_.assign(info.nodes, false);
  count_ = 0;
  over_ = false;
}

void LeaderCountMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.actor >= leads_.size()) return;
  bool leads = false;
  if (event.kind == EventKind::crash) leads = false;
  else if (event.kind == EventKind::note && event.note == notes_.lead) leads = event.note_a != 0;
  else return;
  if (leads_[event.actor] != leads) {
    leads_[event.actor] = leads;
    count_ = leads ? count_ + 1 : count_ - 1;
  }
  CORRIDOR_ASSERT(count_ <= leads_.size());
  if (count_ <= leaders_max_) {
    over_ = false;
    return;
  }
  if (over_ || !leads) return;
  over_ = true;
  std::string who;
  for (NodeId n = 0; n < leads_.size(); ++n) {
    if (leads_[n]) who += fmt::format("{}n{}", who.empty() ? "" : ",", n);
  }
  Badge b = badge_at(event, world, event.actor, "omniscient", "multiple_leaders");
  b.details = {{"leaders", who}, {"count", fmt::format("{}", count_)}, {"bound", fmt::format("{}", leaders_max_)}};
  sink.append(std::move(b));
}

}  // namespace corridor::invariants

#include "invariants/badges/version_lag.hpp"

#include <fmt/format.h>

namespace corridor::invariants {

VersionLagMonitor::VersionLagMonitor(std::uint64_t version_lag_max, BadgeNotes notes)
    : version_lag_max_(version_lag_max),
      notes_(notes),
      declaration_{"version-lag", "replication",
                   fmt::format("Every live replica is at most {} versions behind the newest write.", version_lag_max),
                   fmt::format("version_lag_max = {}", version_lag_max), "replica update"} {}

void VersionLagMonitor::on_run_start(const RunInfo& info) {
  head_ = 0;
  applied_.assign(info.nodes, 0);
  lagging_.assign(info.nodes, false);
}

void VersionLagMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind != EventKind::note || event.actor >= applied_.size()) return;
  if (event.note == notes_.applied) {
    applied_[event.actor] = event.note_a;
    if (head_ - std::min(head_, event.note_a) <= version_lag_max_) lagging_[event.actor] = false;
    return;
  }
  if (event.note != notes_.head || event.note_a <= head_) return;
  head_ = event.note_a;
  for (NodeId n = 0; n < applied_.size(); ++n) {
    const std::uint64_t lag = head_ - std::min(head_, applied_[n]);
    if (lag <= version_lag_max_ || lagging_[n] || !world.is_alive(n)) continue;
    lagging_[n] = true;
    Badge b = badge_at(event, world, n, "omniscient", "version_lag_exceeded");
    b.details = {{"version", fmt::format("{}", applied_[n])},
                 {"head", fmt::format("{}", head_)},
                 {"lag", fmt::format("{}", lag)},
                 {"bound", fmt::format("{}", version_lag_max_)}};
    sink.append(std::move(b));
  }
}

}  // namespace corridor::invariants

#include "invariants/badges/replica_divergence.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/units.hpp"

namespace corridor::invariants {

ReplicaDivergenceMonitor::ReplicaDivergenceMonitor(time_ns divergence_ns_max, std::string_view update_note)
    : divergence_ns_max_(divergence_ns_max),
      update_note_(update_note),
      declaration_{"replica-divergence", "replication",
                   fmt::format("While no fault is active, every update reaches every live replica within {} of "
                               "true time.",
                               format_duration_short(divergence_ns_max)),
                   fmt::format("divergence_ns_max = {}", format_duration_short(divergence_ns_max)), "replica update"} {
  CORRIDOR_ASSERT(divergence_ns_max > 0);
}

std::uint32_t ReplicaDivergenceMonitor::event_kinds() const {
  std::uint32_t kinds = 0;
  for (const EventKind k : {EventKind::start, EventKind::recover, EventKind::deliver, EventKind::timer, EventKind::note,
                            EventKind::crash, EventKind::pause, EventKind::resume, EventKind::partition,
                            EventKind::heal, EventKind::loss_burst}) {
    kinds |= kind_bit(k);
  }
  return kinds;
}

void ReplicaDivergenceMonitor::on_run_start(const RunInfo& info) {
  latest_vc_.assign(info.nodes, std::vector<std::uint32_t>(info.nodes, 0));
  updates_.assign(info.nodes, 0);
  pending_.clear();
  partitions_ = down_ = paused_ = 0;
  quiet_since_ns_ = 0;
}

bool ReplicaDivergenceMonitor::track_faults(const EventView& event) {
  switch (event.kind) {
    case EventKind::partition: ++partitions_; break;
    case EventKind::heal: partitions_ -= partitions_ > 0 ? 1 : 0; break;
    case EventKind::crash: ++down_; break;
    case EventKind::recover: down_ -= down_ > 0 ? 1 : 0; break;
    case EventKind::pause: ++paused_; break;
    case EventKind::resume: paused_ -= paused_ > 0 ? 1 : 0; break;
    case EventKind::loss_burst: break;
    default: return false;
  }
  quiet_since_ns_ = event.true_ns;
  return true;
}

void ReplicaDivergenceMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  const bool fault = track_faults(event);
  const NodeId nodes = static_cast<NodeId>(latest_vc_.size());
  if (!fault && event.actor < nodes && event.vc.size() >= nodes) {
    std::copy_n(event.vc.begin(), nodes, latest_vc_[event.actor].begin());
    if (event.kind == EventKind::note && event.note == update_note_) {
      CORRIDOR_ASSERT_MSG(pending_.size() < pending_max, "more updates in flight than the monitor follows");
      pending_.push_back({event.actor, event.vc[event.actor], ++updates_[event.actor], event.true_ns,
                          std::vector<bool>(nodes, false)});
    }
  }
  check_pending(event, world, sink);
}

void ReplicaDivergenceMonitor::check_pending(const EventView& event, const WorldView& world, BadgeSink& sink) {
  const NodeId nodes = static_cast<NodeId>(latest_vc_.size());
  std::erase_if(pending_, [&](const Pending& p) {
    for (NodeId n = 0; n < nodes; ++n) {
      if (world.is_alive(n) && !reached(p, n)) return false;
    }
    return true;
  });
  if (fault_active()) return;
  for (Pending& p : pending_) {
    const time_ns diverged_ns = event.true_ns - std::max(p.at_ns, quiet_since_ns_);
    if (diverged_ns <= divergence_ns_max_) continue;
    for (NodeId n = 0; n < nodes; ++n) {
      if (!world.is_alive(n) || reached(p, n) || p.badged[n]) continue;
      p.badged[n] = true;
      Badge b = badge_at(event, world, n, "omniscient", "replica_divergence_exceeded");
      b.details = {{"update", fmt::format("{}:{}", p.origin, p.seq)},
                   {"divergence", badge_duration_text(diverged_ns)},
                   {"bound", badge_duration_text(divergence_ns_max_)}};
      sink.append(std::move(b));
    }
  }
}

}  // namespace corridor::invariants

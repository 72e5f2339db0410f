#pragma once
// Replica version lag. Assumption: every live replica is at most version_lag_max versions behind
// the newest write. Boundary: replica update (the "head" and "applied" notes). Omniscient: the
// newest version anywhere against each replica's own. One badge per replica when it falls out of
// the corridor, observed by that replica; it re-arms once the replica has caught up.
#include <cstdint>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"
#include "invariants/badges/badge_notes.hpp"

namespace corridor::invariants {

class VersionLagMonitor final : public BadgeMonitor {
 public:
  explicit VersionLagMonitor(std::uint64_t version_lag_max, BadgeNotes notes = {});
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::note); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  std::uint64_t version_lag_max_;
  BadgeNotes notes_;
  BadgeDeclaration declaration_;
  std::uint64_t head_ = 0;
  std::vector<std::uint64_t> applied_;  // per node
  std::vector<bool> lagging_;           // per node, latched
};

}  // namespace corridor::invariants

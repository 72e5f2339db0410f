#pragma once
// More than one node believing it leads. Assumption: at most leaders_max nodes (one) believe they
// lead at any moment. Boundary: leader change (the "lead" note; a crash ends a belief).
// Omniscient: beliefs of all nodes at once. One badge when the count leaves the corridor, observed
// by the node whose belief made it so; it re-arms once the count is back within.
#include <cstdint>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"
#include "invariants/badges/badge_notes.hpp"

namespace corridor::invariants {

class LeaderCountMonitor final : public BadgeMonitor {
 public:
  explicit LeaderCountMonitor(std::uint32_t leaders_max = 1, BadgeNotes notes = {});
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::note) | kind_bit(EventKind::crash); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  std::uint32_t leaders_max_;
  BadgeNotes notes_;
  BadgeDeclaration declaration_;
  std::vector<bool> leads_;  // per node
  std::uint32_t count_ = 0;
  bool over_ = false;        // latched
};

}  // namespace corridor::invariants

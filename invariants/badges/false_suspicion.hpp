#pragma once
// A timeout that fired while its peer was alive. Assumption: a failure detector suspects a peer
// only once it has crashed. Boundary: timeout expiry (the "suspect" note). Omniscient: whether the
// peer is alive (up or paused, not crashed) is what no node can know. One badge per such timeout.
#include "invariants/badges/badge_monitor.hpp"
#include "invariants/badges/badge_notes.hpp"

namespace corridor::invariants {

class FalseSuspicionMonitor final : public BadgeMonitor {
 public:
  explicit FalseSuspicionMonitor(time_ns timeout_ns, BadgeNotes notes = {});
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::note); }
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  BadgeNotes notes_;
  BadgeDeclaration declaration_;
};

}  // namespace corridor::invariants

#pragma once
// Uncertainty interval wider than its corridor. Assumption: a node's clock interval (a TrueTime
// API's [earliest, latest]) stays within width_ns_max, the bound its protocol derives from the
// delays and drift it assumes (every sync answered in time). Boundary: sync/commit, wherever the
// protocol notes the width it used: ctx.note(note_name, a, width_ns), a being the protocol's (a
// commit timestamp). Node-local: the node knows its own interval. One badge per note over bound,
// observed by the noting node. A wide interval is safe (the commit waits longer), which is why it
// is a badge and not an invariant: it marks where a pause, a loss or a partition from the time
// master took a run out of the latency the derivation promises.
#include <cstdint>
#include <string>

#include "invariants/badges/badge_monitor.hpp"

namespace corridor::invariants {

class IntervalWidthMonitor final : public BadgeMonitor {
 public:
  IntervalWidthMonitor(std::string note_name, time_ns width_ns_max);
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::note); }
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  std::string note_name_;
  time_ns width_ns_max_;
  BadgeDeclaration declaration_;
};

}  // namespace corridor::invariants

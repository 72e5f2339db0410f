#pragma once
// A causal order broken on delivery. Assumption: a node delivers a message only after every
// message whose cast happened before it. Boundary: delivery (DeliveryNotes "cast"/"deliver").
// What it knows is CausalDeliveryMonitor's (invariants/causal_delivery.hpp), used here as an
// observation: the first broken delivery of a run becomes a badge, observed by the delivering
// node. That monitor stops at its first finding, so this badge fires at most once per run.
#include <optional>

#include "invariants/badges/badge_monitor.hpp"
#include "invariants/causal_delivery.hpp"

namespace corridor::invariants {

class CausalOrderMonitor final : public BadgeMonitor {
 public:
  explicit CausalOrderMonitor(CausalOrder order = CausalOrder::delivered, DeliveryNotes notes = {});
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::note); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  CausalDeliveryMonitor causal_;
  BadgeDeclaration declaration_;
  bool reported_ = false;
};

}  // namespace corridor::invariants

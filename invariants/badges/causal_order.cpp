#include "invariants/badges/causal_order.hpp"

namespace corridor::invariants {

CausalOrderMonitor::CausalOrderMonitor(CausalOrder order, DeliveryNotes notes)
    : causal_(order, notes, "causal-order"),
      declaration_{"causal-order", "delivery",
                   "A node delivers a message only after every message whose cast happened before it.",
                   "causal_inversions_max = 0", "delivery"} {}

void CausalOrderMonitor::on_run_start(const RunInfo& info) {
  causal_.on_run_start(info);
  reported_ = false;
}

void CausalOrderMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (reported_ || event.kind != EventKind::note) return;
  causal_.on_event(event);
  const std::optional<Violation>& v = *causal_.violation();
  if (!v) return;
  reported_ = true;
  Badge b = badge_at(event, world, event.actor, "omniscient", "causal_order_broken");
  b.details = {{"message", cast_id_text(event.note_a)}, {"what", v->message}};
  sink.append(std::move(b));
}

}  // namespace corridor::invariants

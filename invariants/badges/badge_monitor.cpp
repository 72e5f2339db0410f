#include "invariants/badges/badge_monitor.hpp"

namespace corridor::invariants {

Badge BadgeMonitor::badge_at(const EventView& event, const WorldView& world, NodeId node, std::string view,
                             std::string context) const {
  const BadgeDeclaration& d = declaration();
  Badge b;
  b.module = d.module;
  b.monitor = d.monitor;
  b.boundary = d.boundary;
  b.view = std::move(view);
  b.node = node;
  b.step = event.step;
  b.true_ns = event.true_ns;
  b.local_ns = node == event.actor ? event.local_ns : world.wall_ns(node);
  b.context = std::move(context);
  return b;
}

}  // namespace corridor::invariants

#pragma once
// Clock skew between two nodes over bound. Assumption: any two nodes' wall clocks differ by at most
// skew_ns_max, so their timestamps can be compared. Boundary: send/receive. Two views, each
// labelled in Badge::view:
//   - node-local: from the timestamps carried in messages (the "heartbeat" note's stamp). The
//     receiver sees apparent = its wall clock at receipt - the sender's stamp = skew + delay; with
//     delays within [0, delay_ns_max] that lies in [-skew_ns_max, skew_ns_max + delay_ns_max], so
//     only an apparent offset outside that interval is evidence the node itself can hold.
//   - omniscient: at every delivery, the true difference of sender's and receiver's wall clocks at
//     that instant, which no node can read.
// One badge per pair of nodes when it leaves the corridor; the pair re-arms once back inside.
#include <cstdint>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"
#include "invariants/badges/badge_notes.hpp"

namespace corridor::invariants {

enum class SkewView : std::uint8_t { node_local, omniscient };

class ClockSkewMonitor final : public BadgeMonitor {
 public:
  ClockSkewMonitor(SkewView view, time_ns skew_ns_max, time_ns delay_ns_max, BadgeNotes notes = {});
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(view_ == SkewView::omniscient ? EventKind::deliver : EventKind::note); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  void judge(const EventView& event, const WorldView& world, BadgeSink& sink, NodeId observer, NodeId peer,
             time_ns offset_ns, bool outside);

  SkewView view_;
  time_ns skew_ns_max_;
  time_ns delay_ns_max_;
  BadgeNotes notes_;
  BadgeDeclaration declaration_;
  std::uint32_t nodes_ = 0;
  std::vector<bool> outside_;  // nodes x nodes: the pair is out of the corridor (latched)
};

}  // namespace corridor::invariants

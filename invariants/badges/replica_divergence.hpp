#pragma once
// Replica divergence. Assumption: while no fault is active, every update reaches every live
// replica within divergence_ns_max of true time, so replicas differ for no longer than that.
// Corridor: divergence_ns_max. Boundary: replica update (the "replica-update" note at the
// update's origin). Omniscient: an update has reached a replica once it happened before that
// replica's latest event (the engine's vector clocks), which is what state-based gossip of the
// whole replica gives. Fault-free time only: an update's clock starts at the later of its note
// and the last fault event, and stands still while a partition, a crash awaiting its restart or a
// pause is active (a crash-stop stays active for the rest of the run; a loss burst's begin and end
// both restart the clock). One badge per update and lagging replica, observed by that replica.
#include <cstdint>
#include <string_view>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"

namespace corridor::invariants {

class ReplicaDivergenceMonitor final : public BadgeMonitor {
 public:
  static constexpr std::size_t pending_max = 100'000;  // updates not yet everywhere

  explicit ReplicaDivergenceMonitor(time_ns divergence_ns_max, std::string_view update_note = "replica-update");
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override;
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  struct Pending {
    NodeId origin = 0;
    std::uint32_t counter = 0;  // the origin's vector-clock entry at the update's note
    std::uint32_t seq = 0;      // the origin's update number, for people
    time_ns at_ns = 0;
    std::vector<bool> badged;   // per replica: its badge for this update is out
  };

  // Fault events: true when `event` was one.
  bool track_faults(const EventView& event);
  bool fault_active() const { return partitions_ + down_ + paused_ > 0; }
  bool reached(const Pending& p, NodeId replica) const { return latest_vc_[replica][p.origin] >= p.counter; }
  void check_pending(const EventView& event, const WorldView& world, BadgeSink& sink);

  time_ns divergence_ns_max_;
  std::string_view update_note_;
  BadgeDeclaration declaration_;
  std::vector<std::vector<std::uint32_t>> latest_vc_;  // per replica, its vector clock (node entries)
  std::vector<std::uint32_t> updates_;                 // per origin, updates noted
  std::vector<Pending> pending_;
  std::uint32_t partitions_ = 0;
  std::uint32_t down_ = 0;
  std::uint32_t paused_ = 0;
  time_ns quiet_since_ns_ = 0;  // the last fault event
};

}  // namespace corridor::invariants

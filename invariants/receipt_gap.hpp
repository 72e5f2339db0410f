#pragma once
// Traffic that must keep going (liveness), for protocols whose whole job is to keep one message
// moving: ping-pong's ball, token-ring's token. Every live node receives a message at least every
// gap_ns, counted from the latest of its last receipt, the last fault healing
// (RunInfo.last_heal_ns) and the node becoming live. No note is needed: deliveries are engine
// events, so the protocols' traces stay as they were.
//
// What is owed is what a protocol without retransmission promises: one ball in play. Once the
// network drops a message or a node crashes, the ball may be gone for good in a correct protocol,
// so from then on nothing more is checked; a fault that never heals turns the check off too. A
// message in flight longer than the gap is a network fault (invariants/late_messages.hpp): nothing
// is owed while one is, and the gap counts from its arrival as from a heal.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "invariants/actor_liveness.hpp"
#include "invariants/late_messages.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

class ReceiptGapMonitor final : public RunObserver {
 public:
  ReceiptGapMonitor(time_ns gap_ns, std::string invariant, std::string what);

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  static constexpr std::uint32_t nodes_max = 1024;

  time_ns deadline_ns(NodeId n) const;
  void check(std::uint64_t step, time_ns now_ns);

  time_ns gap_ns_;
  std::string invariant_;
  std::string what_;  // for sentences: "the ball", "the token"

  bool active_ = false;
  time_ns last_heal_ns_ = 0;
  ActorLiveness liveness_;
  LateMessages late_;
  std::vector<time_ns> last_receipt_ns_;  // per node (0: none yet)
  time_ns earliest_deadline_ns_ = 0;      // a lower bound on the live nodes' deadlines
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants

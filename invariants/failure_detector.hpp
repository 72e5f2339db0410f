#pragma once
// Failure-detector properties as checks (Chandra and Toueg's completeness and accuracy, in timed
// form, as an eventually perfect detector promises them), read from the detector's notes:
//
//   ctx.note("suspect", peer);   // this node now suspects peer
//   ctx.note("trust", peer);     // this node trusts peer again
//
// A crash forgets the crashed node's suspicions (they are volatile state). Liveness (up, crashed,
// paused) comes from the event stream (invariants/actor_liveness.hpp).
//
// - completeness: a crashed node p is suspected by every live node q within bound_ns after the
//   latest of p's crash, the last message from p arriving at q (one still in flight when p
//   crashed re-arms q's timeout) and q becoming live. Checked only while p stays crashed.
// - accuracy (after stabilisation): a live node q does not suspect a live, connected node p
//   longer than bound_ns after the latest of the last fault healing (RunInfo.last_heal_ns), the
//   last message from p to q being dropped (loss goes on after the plan's faults: a link that
//   just lost a message is not connected) and either node becoming live. Not checked when a
//   fault never heals.
//
// Both are liveness properties (exit 2); a violation names the two nodes and the times.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/actor_liveness.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

struct DetectorNotes {
  std::string_view suspect = "suspect";
  std::string_view trust = "trust";
};

enum class DetectorProperty : std::uint8_t { completeness, accuracy };

class FailureDetectorMonitor final : public RunObserver {
 public:
  FailureDetectorMonitor(DetectorProperty property, time_ns bound_ns, DetectorNotes notes = {});

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  static constexpr std::uint32_t nodes_max = 1024;  // pair tables are nodes x nodes

  std::size_t pair(NodeId observer, NodeId peer) const { return std::size_t{observer} * nodes_ + peer; }
  void follow(const EventView& view);
  void observe_liveness(const EventView& view);
  void set_suspected(NodeId observer, NodeId peer, bool on);
  void forget_suspicions(NodeId observer);
  void check(std::uint64_t step, time_ns now_ns);
  void check_completeness(std::uint64_t step, time_ns now_ns);
  void check_accuracy(std::uint64_t step, time_ns now_ns);

  DetectorProperty property_;
  time_ns bound_ns_;
  DetectorNotes notes_;
  std::string invariant_;

  std::uint32_t nodes_ = 0;
  time_ns last_heal_ns_ = 0;
  ActorLiveness liveness_;
  time_ns earliest_crash_ns_ = time_ns_max;  // of the nodes crashed now
  std::vector<std::uint8_t> suspected_;  // observer x peer
  std::uint32_t suspected_count_ = 0;
  std::vector<time_ns> last_arrival_ns_;  // sender x receiver: the last delivery (-1: none)
  std::vector<time_ns> last_drop_ns_;     // sender x receiver: the last drop (-1: none)
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants

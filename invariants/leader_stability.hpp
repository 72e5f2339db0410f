#pragma once
// Leader stability (liveness): once no fault is active any more (RunInfo.last_heal_ns) and a
// leader is established, no node starts an election while that leader is live. An election
// that a fault explains (a node cut off from the leader stood for election, or a node that
// rejoins has not heard the leader yet) starts within `grace_ns` of the last fault healing or of
// the leader taking over; any later one is churn. Read from the protocol's notes:
//
//   ctx.note("election", term);    // this node starts an election (stands as a candidate)
//   ctx.note("leader", term);      // this node now leads `term`
//   ctx.note("step-down", term);   // this node no longer leads `term`
//
// The leader is the live node that leads the highest term (a paused one is not live, and leads
// again when it resumes until it hears of a higher term; a crash ends what it believed:
// invariants/actor_liveness.hpp). The violation lists the elections started since the last fault healed (the first few). Not
// checked when a fault never heals.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/actor_liveness.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

struct LeaderNotes {
  std::string_view election = "election";
  std::string_view leader = "leader";
  std::string_view step_down = "step-down";
};

class LeaderStabilityMonitor final : public RunObserver {
 public:
  explicit LeaderStabilityMonitor(time_ns grace_ns, LeaderNotes notes = {}, std::string invariant = "leader-stability");

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  struct Election {
    NodeId node = no_node;
    std::uint64_t term = 0;
    time_ns at_ns = 0;
  };
  static constexpr std::size_t elections_listed_max = 8;

  struct Leading {
    bool leads = false;
    std::uint64_t term = 0;
    time_ns since_ns = 0;
  };

  void on_note(const EventView& view);
  void on_election(const EventView& view);
  // The live node, other than `except`, that leads the highest term; no_node if none.
  NodeId leader(NodeId except) const;
  std::string elections_text() const;

  time_ns grace_ns_;
  LeaderNotes notes_;
  std::string invariant_;

  std::uint32_t nodes_ = 0;
  time_ns last_heal_ns_ = 0;
  ActorLiveness liveness_;
  std::vector<Leading> leading_;  // per node, from its notes
  std::vector<Election> elections_;  // since the last fault healed: the first few
  std::uint64_t elections_after_heal_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants

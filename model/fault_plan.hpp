#pragma once
// A fault plan is explicit data: a list of timed fault events, generated from the seed or written
// by hand, one per line in text form:
//
//   500ms crash n1                 crash-stop
//   500ms crash n1 for 2s          crash-restart: volatile state lost, durable kept, on_recover
//   1s pause n2 for 300ms          no handler runs on n2; its messages and timers wait
//   1s partition n0,n1 | n2 for 2s both directions between the groups
//   1s partition n0 -> n1,n2       only messages from n0 to n1 and n2 (one-way / asymmetric)
//   4s heal                        every link restored
//   3s jump n1 -2s                 n1's wall clock jumps (its monotonic clock does not)
//   0s drift n1 150ppm             n1's clock rate from now on
//   2s loss 0.5 for 200ms          extra loss on every link
//
// Lines may be separated by newlines or ';'; '#' starts a comment. Each entry is whole (a crash
// carries its restart), so the shrinker can remove entries one by one.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/event.hpp"
#include "model/sim_config.hpp"
#include "model/time.hpp"

namespace corridor {

enum class FaultKind : std::uint8_t { crash, pause, partition, heal, jump, drift, loss };

struct FaultEvent {
  time_ns at_ns = 0;
  FaultKind kind = FaultKind::crash;
  std::vector<NodeId> nodes;    // crash, pause, jump, drift: the target; partition: the sending side
  std::vector<NodeId> others;   // partition: the other side
  bool both_ways = true;        // partition: '|' (both directions) or '->' (from nodes to others)
  time_ns duration_ns = -1;     // crash/pause/partition/loss: how long; -1 for ever (crash-stop)
  time_ns amount_ns = 0;        // jump: the wall clock's change
  std::int64_t drift_ppm = 0;   // drift: the new rate
  double probability = 0.0;     // loss: the extra loss probability
  friend bool operator==(const FaultEvent&, const FaultEvent&) = default;
};

using FaultPlan = std::vector<FaultEvent>;

std::string format_fault(const FaultEvent& fault);
std::string format_fault_plan(const FaultPlan& plan, std::string_view separator = "\n");

// Parses plan text. `actors` bounds node ids. Throws InputError "<where>:<line>: ..." naming the
// entry and what was expected; `where` is a file name or "--fault-plan".
FaultPlan parse_fault_plan(std::string_view text, std::uint32_t actors, std::string_view where);

// Who faults may hit and how the run is laid out, from the protocol.
struct FaultTargets {
  std::vector<NodeId> nodes;   // nodes that may crash, pause or be partitioned
  std::uint32_t clock_nodes;   // clocks of nodes [0, clock_nodes) are skewed/drifted
};

// The usual targets: every one of `nodes` nodes may fail, and each has a clock of its own.
inline FaultTargets every_node_targets(std::uint32_t nodes) {
  FaultTargets t{{}, nodes};
  for (NodeId n = 0; n < nodes; ++n) t.nodes.push_back(n);
  return t;
}

// A plan drawn from the seed per the spec (counts) and the clock spec. Uses its own PRNG stream
// derived from the seed, so the run's choice log is not affected by how the plan was made.
FaultPlan generate_fault_plan(const SimConfig& config, const FaultTargets& targets, std::uint64_t seed);

// The true time after which no fault is active any more (a progress bound starts there);
// time_ns_max when a fault never heals (a partition without end).
time_ns last_heal_ns(const FaultPlan& plan);

}  // namespace corridor

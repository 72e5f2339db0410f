#pragma once
// Hybrid logical clocks (Kulkarni, Demirbas, Madappa, Avva and Leone, "Logical Physical Clocks",
// OPODIS 2014), checked from the outside. A protocol that keeps an HLC notes each HLC event as
// ctx.note("hlc", l, c) (l: the clock's physical part in ns, as a two's-complement int64; c: its
// logical counter), once per event and before a message stamped with it is sent, so that the
// engine's vector clock of the note is the event's: its receiver's notes then come after it.
//
// Three properties the paper proves, each its own invariant:
//   hlc-happened-before  if e happened before f (the engine's vector clocks, not the protocol's
//                        word), (l, c) of e is below (l, c) of f, lexicographically;
//   hlc-close-to-physical  0 <= l - pt <= epsilon at every event, pt being the node's wall clock
//                        then (what ctx.now() read): an HLC never falls behind its node's clock
//                        and runs ahead of it by at most the clocks' largest disagreement;
//   hlc-counter-bound    c of f is at most the number of HLC events g that happened before f with
//                        l of g equal to l of f: the counter only counts events that share an l.
// Each monitor checks one; they share the bookkeeping below.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/engine.hpp"
#include "model/sim_config.hpp"

namespace corridor::invariants {

// epsilon for a run under `config`: the largest amount by which one node's wall clock can be ahead
// of another's at any time of the run, from the clock model (protocols/hlc/README.md derives
// it): skew (initial offsets in [0, skew]) + 2 x drift x the run's time limit (one clock fast, one
// slow) + jumps x |jump| (a forward jump of one clock or a backward jump of another) + 1 us of
// integer rounding in the clocks.
time_ns hlc_epsilon_ns(const SimConfig& config);

struct HlcStamp {
  std::int64_t l = 0;
  std::uint64_t c = 0;
  friend auto operator<=>(const HlcStamp&, const HlcStamp&) = default;
};

class HybridClockMonitor : public RunObserver {
 public:
  enum class Check { happened_before, close_to_physical, counter_bound };
  static constexpr std::size_t events_max = 1'000'000;  // HLC events per run this monitor follows

  HybridClockMonitor(Check check, time_ns epsilon_ns) : check_(check), epsilon_ns_(epsilon_ns) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override;
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<HybridClockMonitor>(*this); }

 private:
  struct Event {
    std::uint32_t counter = 0;  // the node's own vector-clock entry at the note
    HlcStamp stamp;
  };

  void check_happened_before(const EventView& view, const HlcStamp& stamp);
  void check_close_to_physical(const EventView& view, const HlcStamp& stamp);
  void check_counter_bound(const EventView& view, const HlcStamp& stamp);
  // Node j's latest HLC event whose counter is at most `counter` (nullptr: none).
  const Event* latest_at_most(NodeId j, std::uint32_t counter) const;
  void fail(const EventView& view, std::string message);

  Check check_;
  time_ns epsilon_ns_;
  std::vector<std::vector<Event>> events_;  // per node, in counter order
  // Per l value: the (node, counter) of every HLC event with that l (the counter-bound check).
  std::map<std::int64_t, std::vector<std::pair<NodeId, std::uint32_t>>> by_l_;
  std::size_t events_seen_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants

#pragma once
// Clock synchronisation (Cristian's algorithm, Berkeley's), checked from the outside against the
// bounds protocols/clock_sync/README.md derives from the configured delays and drift:
//
//   clock-monotonic   no node's clock goes back when it is adjusted: each adjustment notes
//                     ctx.note("clock-adjust", steady before, steady after), the node's clock
//                     without its wall clock's own steps (monotonic() plus the software offset),
//                     read by the same code before and after the handler changes the offset;
//   clock-agreement   every pair of synchronised nodes reads within the sum of their shares of
//                     the error: 0 for the reference (Cristian's server, Berkeley's leader), the
//                     estimate error plus the drift over the freshness window for every other node
//                     (Berkeley: among the nodes that the same round steered);
//   clock-accuracy    every synchronised node reads within A(t) of true time (Berkeley: the
//                     average of good clocks stays within the clocks' own envelope, widened by the
//                     estimate error of each round; one bad clock averaged in pulls them all out).
//
// Both state checks read the clock at the current true time from the node's state and the engine's
// clocks, so a node is judged by what it would read if it ran a handler now. They run after every
// step. A node becomes synchronised between steps, when its adjustment has slewed in; from then on
// until its next step its reading moves only at its clock's rate, so a disagreement it starts with
// is seen at the next step (within a period: its next request or poll), changed by at most the
// drift of that interval.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/engine.hpp"
#include "model/sim_config.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

// A synchronisation protocol's timing, the constants its bounds are made of.
struct SyncTiming {
  time_ns period_ns = 0;     // a round (a request, a poll) every period_ns on the node's monotonic clock
  time_ns fresh_ns = 0;      // a node counts as synchronised for fresh_ns of its monotonic clock after a measurement
  time_ns rtt_ns_max = 0;    // round trips longer than this on the measuring node's monotonic clock are discarded
  time_ns outlier_ns = 0;    // Berkeley: readings farther than this from the median are not averaged
};

// The smallest one-way delay a link of `config` draws (0 where the distribution has no floor).
time_ns delay_ns_min(const SimConfig& config);
// The error of one round-trip estimate (Cristian's; Berkeley's leader estimating a follower):
// R / 2 - d_min + 1.5 rho R + 1 ns of integer halving, R = rtt_ns_max / (1 - rho) the longest true
// round trip an accepted measurement can have.
time_ns estimate_error_ns(const SimConfig& config, const SyncTiming& timing);
// A non-reference node's share of a pair's bound: estimate error + 2 rho fresh / (1 - rho)
// (its drift against the reference since the measurement) + 1 us of clock rounding.
time_ns sync_share_ns(const SimConfig& config, const SyncTiming& timing);
// Berkeley's accuracy at true time t: skew + rho t + rounds(t) x (2 x estimate error + 1 us), with
// rounds(t) = floor(t (1 + rho) / period) + 1 the rounds the leader can have begun by t; and, when
// the configured jump is small enough that the outlier filter may keep a jumped clock, rounds(t) x
// (outlier_ns + 2 x estimate error) more.
time_ns berkeley_accuracy_ns(const SimConfig& config, const SyncTiming& timing, time_ns true_ns);

// One node's clock as the state checks see it.
struct SyncedClock {
  bool synchronised = false;  // steered, its adjustment slewed in, fresh, and its wall clock not stepped since
  time_ns reading_ns = 0;     // what it reads now
  time_ns share_ns = 0;       // its share of a pair's bound (0 for the reference)
  std::uint64_t round = 0;    // the round that steered it (agreement compares within a round when asked to)
};
template <class E>
using SyncedClockFn = std::function<SyncedClock(const E&, NodeId)>;

template <class E>
StateInvariant<E> clock_agreement(SyncedClockFn<E> read, bool same_round_only) {
  auto check = [read = std::move(read), same_round_only](const E& engine) -> std::optional<Violation> {
    for (NodeId i = 0; i < engine.layout_nodes(); ++i) {
      if (!engine.is_running(i)) continue;
      const SyncedClock a = read(engine, i);
      if (!a.synchronised) continue;
      for (NodeId j = i + 1; j < engine.layout_nodes(); ++j) {
        if (!engine.is_running(j)) continue;
        const SyncedClock b = read(engine, j);
        if (!b.synchronised || (same_round_only && a.round != b.round)) continue;
        const time_ns apart_ns = a.reading_ns > b.reading_ns ? a.reading_ns - b.reading_ns : b.reading_ns - a.reading_ns;
        if (apart_ns <= a.share_ns + b.share_ns) continue;
        Violation v;
        v.verdict = Verdict::safety;
        v.nodes = {i, j};
        v.message = fmt::format("synchronised nodes {} and {} read {} apart (node {}: {}, node {}: {}) at true time {}, more "
                                "than their bound {}",
                                i, j, format_duration_short(apart_ns), i, time_text(a.reading_ns), j, time_text(b.reading_ns),
                                time_text(engine.now_ns()), format_duration_short(a.share_ns + b.share_ns));
        return v;
      }
    }
    return std::nullopt;
  };
  return StateInvariant<E>{"clock-agreement", std::move(check)};
}

template <class E>
StateInvariant<E> clock_accuracy(SyncedClockFn<E> read, std::function<time_ns(time_ns)> bound_at) {
  auto check = [read = std::move(read), bound_at = std::move(bound_at)](const E& engine) -> std::optional<Violation> {
    const time_ns bound_ns = bound_at(engine.now_ns());
    for (NodeId i = 0; i < engine.layout_nodes(); ++i) {
      if (!engine.is_running(i)) continue;
      const SyncedClock a = read(engine, i);
      const time_ns off_ns = a.reading_ns - engine.now_ns();
      if (!a.synchronised || (off_ns <= bound_ns && -off_ns <= bound_ns)) continue;
      Violation v;
      v.verdict = Verdict::safety;
      v.nodes = {i};
      v.message = fmt::format("synchronised node {} reads {} at true time {}: {} {} true time, more than the bound {}", i,
                              time_text(a.reading_ns), time_text(engine.now_ns()), format_duration_short(off_ns < 0 ? -off_ns : off_ns),
                              off_ns < 0 ? "behind" : "ahead of", format_duration_short(bound_ns));
      return v;
    }
    return std::nullopt;
  };
  return StateInvariant<E>{"clock-accuracy", std::move(check)};
}

// clock-monotonic, from the "clock-adjust" notes (steady before, steady after; two's complement).
class ClockAdjustMonitor : public RunObserver {
 public:
  void on_run_start(const RunInfo&) override { violation_.reset(); }
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return "clock-monotonic"; }
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<ClockAdjustMonitor>(*this); }

 private:
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants

#pragma once
// Client operation latency over a p99 bound. Assumption: the 99th percentile of a kind's client
// operations (the history's `f`: get, put, ...), from invoke to ok or fail, stays within
// p99_ns_max. Boundary: the client history (invoke, then ok/fail). Omniscient: latencies are in
// true time, as `corridor run`'s latency summary measures them (model/latency.hpp), with the same
// matching: a completion closes the open invoke of its process, a second invoke replaces the
// first, and an `info` completion (the client gave up) has no latency.
//
// The percentile is of a sliding window, the last window_ops completed operations of the kind
// (all of them until there are that many), not of the run so far: a run-so-far p99 grows
// stickier as a run goes on, so a slow phase late in a long run hardly moves it and one early
// never leaves it; a window leaves the corridor when recent operations are slow and comes back
// when they recover, so the badges mark when the latency drifted. The p99 is the nearest rank,
// the ceil(0.99 n)-th smallest of the n in the window: with n < 100 that is the window's maximum,
// so in a run of few operations the badge says one of them took longer than the bound.
//
// One badge each time a kind's p99 crosses from inside the corridor to outside (at the completion
// that pushed it over, observed by the client that completed it), none while it stays outside; it
// rearms when the p99 is back within the bound. The observing actor is the client, which for most
// protocols is an extra actor after the nodes (badge.node >= nodes): BadgeStats counts it per
// client, and the [BADGE] block names it c0, c1, ...
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"

namespace corridor::invariants {

class OperationLatencyMonitor final : public BadgeMonitor {
 public:
  static constexpr std::uint32_t window_ops_default = 100;
  static constexpr std::uint32_t window_ops_max = 10'000;
  // Kinds and processes followed; operations beyond them are not measured (a monitor must never
  // stop a run, and a protocol has a handful of each).
  static constexpr std::size_t kinds_max = 64;
  static constexpr std::size_t processes_max = 4096;

  // `derivation`: how the protocol's bound follows from its configuration, for people (the
  // declaration's corridor carries it).
  OperationLatencyMonitor(time_ns p99_ns_max, std::string derivation, std::uint32_t window_ops = window_ops_default);
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::history); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

  time_ns p99_ns_max() const { return p99_ns_max_; }

 private:
  static constexpr std::uint32_t no_kind = UINT32_MAX;
  struct Window {
    std::string f;                      // the operation kind
    std::vector<time_ns> latencies_ns;  // a ring of at most window_ops
    std::size_t next = 0;               // where the next latency goes once the ring is full
    bool outside = false;               // the p99 was over the bound at the last completion
  };
  struct Open {
    std::uint32_t kind = no_kind;  // its window's index; no_kind: the process has no invoke open
    time_ns invoke_ns = 0;
  };

  // The window of kind `f` (made at its first invoke), or no_kind past kinds_max. A linear search:
  // a protocol has a handful of kinds, and this runs at every history event.
  std::uint32_t kind_of(std::string_view f);
  void complete(const EventView& event, const WorldView& world, BadgeSink& sink, const Open& open);
  time_ns add_and_p99(Window& window, time_ns latency_ns);

  time_ns p99_ns_max_;
  std::uint32_t window_ops_;
  BadgeDeclaration declaration_;
  std::uint32_t nodes_ = 0;
  std::vector<Open> open_;  // by history process (clients are numbered from 0)
  std::vector<Window> windows_;
  std::vector<time_ns> scratch_ns_;  // a window's latencies, partly sorted to find its p99
};

}  // namespace corridor::invariants

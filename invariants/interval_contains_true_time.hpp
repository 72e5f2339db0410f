#pragma once
// An uncertainty interval contains true time: at no step does a running node's clock interval
// (what its TrueTime-style API would return if it ran a handler now, computed from its state and
// its own monotonic clock read at the current true time) lie wholly before or after true time.
// Crashed nodes hold no interval; paused ones are checked, since their clocks run on.
//
// Why checking after every step suffices for a correct interval: between two steps no state
// changes and no clock changes rate, so an interval whose earliest moves at most as fast as true
// time and whose latest at least as fast (the drift bound widening it) cannot leave true time
// between steps without having left it at the step before. An interval that grows too slowly
// (a planted bug) drifts away from true time between steps and is seen at the next one: a node's
// own sync timer is such a step, before the sync that would renew the interval.
#include <functional>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "model/engine.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

struct TimeInterval {
  time_ns earliest_ns = 0;
  time_ns latest_ns = 0;
  time_ns local_since_sync_ns = 0;  // the node's monotonic time since the interval was last renewed
};

// The node's interval at its monotonic reading (nullopt: it holds none, e.g. before a first sync).
template <class Node>
using IntervalFn = std::function<std::optional<TimeInterval>(const Node&, time_ns node_monotonic_now_ns)>;

// Seconds to the nanosecond: an interval that misses true time by 80 ns must say so.
inline std::string interval_time_text(time_ns t_ns) {
  const time_ns magnitude_ns = t_ns < 0 ? -t_ns : t_ns;
  return fmt::format("{}{}.{:09}s", t_ns < 0 ? "-" : "", magnitude_ns / ns_per_s, magnitude_ns % ns_per_s);
}

template <class E>
StateInvariant<E> interval_contains_true_time(IntervalFn<typename E::Node> interval_of, std::string name) {
  auto check = [interval_of = std::move(interval_of)](const E& engine) -> std::optional<Violation> {
    const time_ns true_ns = engine.now_ns();
    for (NodeId n = 0; n < engine.layout_nodes(); ++n) {
      if (!engine.is_running(n)) continue;
      const std::optional<TimeInterval> tt = interval_of(engine.node(n), engine.clock(n).monotonic(true_ns));
      if (!tt || (tt->earliest_ns <= true_ns && true_ns <= tt->latest_ns)) continue;
      const bool early = true_ns < tt->earliest_ns;
      Violation v;
      v.verdict = Verdict::safety;
      v.nodes = {n};
      v.message = fmt::format(
          "node {}'s TrueTime interval [{}, {}] misses true time {}: its {} is {} {} it, {} of its clock after its "
          "last sync",
          n, interval_time_text(tt->earliest_ns), interval_time_text(tt->latest_ns), interval_time_text(true_ns), early ? "earliest" : "latest",
          format_duration_short(early ? tt->earliest_ns - true_ns : true_ns - tt->latest_ns),
          early ? "ahead of" : "behind", format_duration_short(tt->local_since_sync_ns));
      return v;
    }
    return std::nullopt;
  };
  return StateInvariant<E>{std::move(name), std::move(check)};
}

}  // namespace corridor::invariants

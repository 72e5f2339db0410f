#pragma once
// Unique lease holder: at no true time do two nodes both believe they hold a valid lease. Each
// running node (up or paused; a crashed node believes nothing) is asked with its own monotonic
// clock read at the current true time, because that is what the node itself would compare its
// lease against if it ran a handler now.
//
// Why checking after every step is exact, although true time passes between steps: between two
// steps no state changes and no clock changes rate or jumps (drift changes and jumps are fault
// events, hence steps). Monotonic clocks only move forward, and a belief of the form
// "monotonic < lease_until" can only turn false as a clock moves forward. So between steps the
// set of believers can only shrink; an overlap of two beliefs, if there is one, begins at a step
// and the check after that step sees it. `believes_lease` must have that shape: for a fixed state,
// true at some monotonic time implies true at every earlier one.
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

template <class Node>
using BelievesLeaseFn = std::function<bool(const Node&, time_ns node_monotonic_now_ns)>;
// Optional: a few words on a holder's lease for the violation's sentence ("term 3, lease until
// 1.25s on its clock").
template <class Node>
using DescribeLeaseFn = std::function<std::string(const Node&)>;

template <class E>
StateInvariant<E> unique_lease_holder(BelievesLeaseFn<typename E::Node> believes_lease,
                                      std::string name = "unique-lease-holder",
                                      DescribeLeaseFn<typename E::Node> describe = {}) {
  auto check = [believes_lease = std::move(believes_lease),
                describe = std::move(describe)](const E& engine) -> std::optional<Violation> {
    auto holder_text = [&](NodeId n) {
      const bool paused = engine.status(n) == ActorStatus::paused;
      const std::string about = describe ? describe(engine.node(n)) : std::string();
      if (!paused && about.empty()) return fmt::format("node {}", n);
      return fmt::format("node {} ({}{}{})", n, paused ? "paused" : "", paused && !about.empty() ? "; " : "", about);
    };
    NodeId holder = no_node;
    for (NodeId n = 0; n < engine.layout_nodes(); ++n) {
      if (!engine.is_running(n)) continue;
      const time_ns monotonic_ns = engine.clock(n).monotonic(engine.now_ns());
      if (!believes_lease(engine.node(n), monotonic_ns)) continue;
      if (holder == no_node) {
        holder = n;
        continue;
      }
      Violation v;
      v.verdict = Verdict::safety;
      v.nodes = {holder, n};
      v.message = fmt::format("{} and {} both believe they hold a valid lease at true time {}", holder_text(holder),
                              holder_text(n), time_text(engine.now_ns()));
      return v;
    }
    return std::nullopt;
  };
  return StateInvariant<E>{std::move(name), std::move(check)};
}

}  // namespace corridor::invariants

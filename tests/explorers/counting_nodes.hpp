#pragma once
// A model for the exhaustive explorer's tests: `nodes` nodes, each counting to `top` on its own.
// Its reachable states are a grid of (top + 1)^nodes, and any two steps of different nodes
// commute, so sleep sets and POR have much to prune. Each test derives from it and adds its own
// invariant (`check`) or witnesses.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explorers/exhaustive.hpp"

namespace corridor::test_support {

struct CountingNodes {
  using State = std::uint64_t;  // one byte per node
  struct Action {
    std::uint8_t node = 0;
    friend bool operator==(const Action&, const Action&) = default;
  };
  std::uint32_t nodes = 3;
  std::uint32_t top = 3;

  static std::uint32_t count(State s, std::uint32_t node) { return (s >> (8 * node)) & 0xFF; }
  void initial_states(std::vector<State>& states) const { states.push_back(0); }
  void actions(const State& s, std::vector<Action>& out) const {
    for (std::uint32_t n = 0; n < nodes; ++n) {
      if (count(s, n) < top) out.push_back({static_cast<std::uint8_t>(n)});
    }
  }
  State next(const State& s, const Action& a) const { return s + (State{1} << (8 * a.node)); }
  void encode(const State& s, StateEncoder& e) const { e.u64(s); }
  std::optional<Violation> check(const State&) const { return std::nullopt; }
  std::uint32_t actor(const Action& a) const { return a.node; }
  std::string describe(const Action& a) const { return "step n" + std::to_string(a.node); }
};

}  // namespace corridor::test_support

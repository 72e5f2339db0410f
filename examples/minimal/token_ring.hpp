#pragma once
// A token ring written outside corridor: one token travels round the ring; the invariant
// single-token says at most one node holds it. Variant 1 ("buggy") makes a node sometimes keep a
// copy when it passes the token on. main.cpp drives it by hand with run_once; ring_tool.cpp
// registers it, and corridor_add_tool makes the whole corridor program over it (`ring`).
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace ring {

using namespace corridor;

struct TokenRing {
  struct Token { std::uint64_t hops = 0; };
  using Message = std::variant<Token>;
  using Ctx = Context<Message>;

  struct Node {
    bool holding = false;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) {
        holding = true;
        ctx.set_timer(ms(1), 0);
      }
    }
    void on_message(Ctx& ctx, NodeId, const Message&) {
      holding = true;
      ctx.set_timer(ms(1), 0);
    }
    void on_timer(Ctx& ctx, std::uint64_t) {
      holding = ctx.variant() == 1 && ctx.random(10) == 0;  // the bug: sometimes keep a copy
      ctx.send((ctx.self() + 1) % ctx.node_count(), Token{});
    }
  };
};

inline SimulationSpec<TokenRing> spec() {
  return {
      .layout = [](const SimConfig& c) { return Engine<TokenRing>::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig& c) { return FaultTargets{{}, c.nodes}; },
      .install = [](Engine<TokenRing>& engine, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
        engine.add_state_invariant({"single-token", [](const Engine<TokenRing>& e) -> std::optional<Violation> {
                                      std::vector<NodeId> holders;
                                      for (NodeId n = 0; n < e.layout_nodes(); ++n) {
                                        if (e.node(n).holding) holders.push_back(n);
                                      }
                                      if (holders.size() <= 1) return std::nullopt;
                                      return Violation{"", Verdict::safety, 0, 0, holders, {}, "two nodes hold the token"};
                                    }});
      },
  };
}

// The registration: every name written once, here.
inline ProtocolEntry token_ring_entry() {
  ProtocolEntry entry;
  entry.info = {
      .name = "token-ring",
      .description = "One token travels round the ring; at most one node holds it.",
      .variants = {{"correct", false, "a node passes the token on and keeps nothing"},
                   {"buggy", true, "a node sometimes keeps a copy of the token it passes on"}},
      .invariants = {"single-token"},
      .default_nodes = 4,
      .min_nodes = 2,
      .max_nodes = 16,
      .default_faults = "",
      .default_clock = "",
      .default_time_limit_ns = seconds(1),
  };
  entry.make = [] { return std::make_unique<SimulationOf<TokenRing>>(spec()); };
  return entry;
}

}  // namespace ring

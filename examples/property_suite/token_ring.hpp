#pragma once
// The token ring of this example: one token travels round the ring, and the invariant
// single-token says at most one node holds it. The variant `buggy` is the planted bug: a node
// sometimes keeps a copy of the token it passes on. Both the property suite (token_ring_test.cpp)
// and the `ring` program (ring_tool.cpp, corridor_add_tool) use it, so a trace the suite writes
// replays, shrinks and renders with `ring`. It is my-token-ring because corridor has a built-in
// token-ring, and a name is registered once.
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace ring {

using namespace corridor;

struct TokenRing {
  enum class Variant { correct, buggy };
  struct Token {};
  using Message = std::variant<Token>;
  enum class Timer { pass_on };
  using Ctx = Context<TokenRing>;

  struct Node {
    bool holding = false;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) take(ctx);
    }
    void on_message(Ctx& ctx, NodeId, const Message&) { take(ctx); }
    void on_timer(Ctx& ctx, const Timer&) {
      holding = ctx.variant() == Variant::buggy && ctx.random(10) == 0;  // the planted bug
      ctx.send((ctx.self() + 1) % ctx.node_count(), Token{});
    }
    void take(Ctx& ctx) {
      holding = true;
      ctx.set_timer(Timer::pass_on, ms(1));
    }
  };
};

inline std::optional<Violation> single_token(const Engine<TokenRing>& e) {
  std::vector<NodeId> holders;
  for (NodeId n = 0; n < e.layout_nodes(); ++n) {
    if (e.node(n).holding) holders.push_back(n);
  }
  if (holders.size() <= 1) return std::nullopt;
  return Violation{.nodes = holders, .message = fmt::format("nodes {} hold the token at once", fmt::join(holders, " and "))};
}

inline SimulationSpec<TokenRing> spec() {
  return {
      .layout = [](const SimConfig& c) { return Engine<TokenRing>::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install = [](Engine<TokenRing>& engine, std::vector<std::unique_ptr<RunObserver>>&,
                    const SimConfig&) { engine.add_state_invariant({"single-token", single_token}); },
  };
}

inline std::unique_ptr<Simulation> make_token_ring() { return std::make_unique<SimulationOf<TokenRing>>(spec()); }

// The registration `ring` adds: every name written once, here.
inline ProtocolEntry token_ring_entry() {
  return register_protocol<TokenRing>(
      {
          .name = "my-token-ring",
          .description = "One token travels round the ring; at most one node holds it.",
          .variants = {correct_variant(TokenRing::Variant::correct, "A node passes the token on and keeps nothing."),
                       planted_bug(TokenRing::Variant::buggy, "A node sometimes keeps a copy of the token it passes on.",
                                   "single-token")},
          .default_nodes = 4,
          .min_nodes = 2,
          .max_nodes = 16,
          .default_faults = "pause=2,partition=1,delay=uniform:1ms:5ms",
          .default_time_limit_ns = ms(200),
      },
      spec());
}

}  // namespace ring

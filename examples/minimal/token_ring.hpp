#pragma once
// A token ring written outside corridor: one token travels round the ring; the invariant
// single-token says at most one node holds it. The planted bug keeps_copy makes a node sometimes
// keep a copy when it passes the token on. main.cpp drives it by hand with run_once; ring_tool.cpp
// registers it, and corridor_add_tool makes the whole corridor program over it (`ring`).
//
// It is named my-token-ring: corridor has a built-in token-ring (README, "Writing a protocol"),
// and a name is registered once.
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace ring {

using namespace corridor;

struct TokenRing {
  enum class Variant { correct, keeps_copy };
  struct Token { std::uint64_t hops = 0; };
  using Message = std::variant<Token>;
  enum class Timer { pass_on };  // the holder passes the token on
  using Ctx = Context<TokenRing>;

  struct Node {
    bool holding = false;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) take(ctx);
    }
    void on_message(Ctx& ctx, NodeId, const Message&) { take(ctx); }
    void on_timer(Ctx& ctx, const Timer&) {
      holding = ctx.variant() == Variant::keeps_copy && ctx.random(10) == 0;  // the planted bug
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
  return Violation{.nodes = holders, .message = "two nodes hold the token"};
}

inline SimulationSpec<TokenRing> spec() {
  return {
      .layout = [](const SimConfig& c) { return Engine<TokenRing>::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install = [](Engine<TokenRing>& engine, std::vector<std::unique_ptr<RunObserver>>&,
                    const SimConfig&) { engine.add_state_invariant({"single-token", single_token}); },
  };
}

// The registration: every name written once, here; the invariants are read from spec()'s set-up.
inline ProtocolEntry token_ring_entry() {
  return register_protocol<TokenRing>(
      {
          .name = "my-token-ring",
          .description = "One token travels round the ring; at most one node holds it.",
          .variants = {correct_variant(TokenRing::Variant::correct, "A node passes the token on and keeps nothing."),
                       planted_bug(TokenRing::Variant::keeps_copy,
                                   "A node sometimes keeps a copy of the token it passes on.", "single-token")},
          .default_nodes = 4,
          .min_nodes = 2,
          .max_nodes = 16,
          .default_time_limit_ns = seconds(1),
      },
      spec());
}

}  // namespace ring

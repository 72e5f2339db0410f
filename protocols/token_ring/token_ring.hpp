#pragma once
// A token ring, the protocol of README's "Writing a protocol": node 0 starts with the token, and
// whoever holds it passes it to the next node 1 ms later. The invariant: at most one node holds
// the token. The planted bug `keeps-copy`: a node sometimes keeps a copy of the token it passes.
// Liveness: the token keeps circulating (`token-circulates`: every node takes it again within
// circulation_gap_ns after the last fault healed).
#include <cstdint>
#include <variant>

#include "model/engine.hpp"

namespace corridor::protocols {

struct TokenRing {
  enum class Variant { correct, keeps_copy };
  struct Token { std::uint64_t hops = 0; };
  using Message = std::variant<Token>;
  enum class Timer { pass_on };
  using Ctx = Context<TokenRing>;
  // Every node takes the token at least this often once no fault is active: a round is `nodes`
  // hops of 1 ms holding plus one delay (at most 5 ms in the fault model); twice that and 100 ms
  // leaves room for slower delay models.
  static time_ns circulation_gap_ns(std::uint32_t nodes) { return 2 * nodes * ms(6) + ms(100); }

  struct Node {
    bool holding = false;
    std::uint64_t hops = 0;  // the hops of the token this node last took

    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) take(ctx, Token{});
    }
    void on_message(Ctx& ctx, NodeId, const Message& m) { take(ctx, std::get<Token>(m)); }
    void on_timer(Ctx& ctx, const Timer&) {
      holding = ctx.variant() == Variant::keeps_copy && ctx.random(10) == 0;  // the planted bug
      ctx.send((ctx.self() + 1) % ctx.node_count(), Token{hops + 1});
    }
    void take(Ctx& ctx, const Token& t) {
      holding = true;
      hops = t.hops;
      ctx.set_timer(Timer::pass_on, ms(1));
    }
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry token_ring_entry();
}  // namespace corridor::protocols

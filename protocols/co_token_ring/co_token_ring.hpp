#pragma once
// The token ring (protocols/token_ring) written as coroutines: each node waits for the token,
// holds it 1 ms (co::after), and passes it on. Same invariant (single-token) and planted bug
// (keeps-copy: a node sometimes keeps a copy of the token it passes), found by the same campaign.
#include <cstdint>
#include <variant>

#include "model/co/node.hpp"
#include "model/units.hpp"
#include "protocols/token_ring/token_ring.hpp"

namespace corridor::protocols {

struct TokenRingCo {
  using Variant = TokenRing::Variant;  // the handler version's, so its registration serves both
  struct Token { std::uint64_t hops = 0; };
  using Message = std::variant<Token>;

  struct Node {
    bool holding = false;
    std::uint64_t hops = 0;  // the hops of the token this node last took

    // Runs until the node is destroyed; the engine's step and time budgets bound it.
    co::task<> main(co::Env<TokenRingCo>& env) {
      if (env.self() == 0) take(Token{});
      for (;;) {
        if (!holding) take((co_await env.receive<Token>()).message);
        co_await co::after(ms(1));
        holding = env.variant() == Variant::keeps_copy && env.random(10) == 0;  // the planted bug
        env.send((env.self() + 1) % env.node_count(), Token{hops + 1});
        if (holding) take((co_await env.receive<Token>()).message);
      }
    }
    void take(const Token& t) {
      holding = true;
      hops = t.hops;
    }
  };
};

using TokenRingCoProtocol = co::Protocol<TokenRingCo>;

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry co_token_ring_entry();
}  // namespace corridor::protocols

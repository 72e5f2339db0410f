#pragma once
// Causal broadcast with vector clocks (after Birman, Schiper and Stephenson): every node casts
// ten messages at random intervals; each carries the sender's count of delivered messages per
// origin. A receiver holds a message back until it has delivered everything the sender had
// delivered when it cast it, and the message is the sender's next one.
#include <cstdint>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

struct CausalBroadcast {
  enum class Variant {
    correct,
    fifo_only,  // checks the sender's entry only
    no_rescan,  // delivers at most one held message per arrival (the queue is not scanned again)
  };

  static constexpr std::uint32_t casts_per_node = 10;
  static constexpr time_ns cast_interval_min_ns = ms(10);
  static constexpr time_ns cast_interval_max_ns = ms(50);
  static constexpr std::size_t held_max = 4096;  // held-back messages per node
  // Every message is delivered everywhere within this after its cast (or the last fault healing):
  // chains of held-back messages take a few exponential delays (mean 20 ms), and 400 ms is past
  // the tail of any the campaigns drew (README, "Liveness").
  static constexpr time_ns delivery_bound_ns = ms(400);

  struct Cast {
    NodeId origin = no_node;
    std::vector<std::uint32_t> vc;  // per origin: messages delivered by the sender, this one included
  };
  using Message = std::variant<Cast>;
  enum class Timer { next_cast };
  using Ctx = Context<CausalBroadcast>;

  struct Node {
    std::vector<std::uint32_t> delivered;  // per origin: how many delivered, in order
    std::vector<Cast> held;                // received, not yet deliverable

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry causal_broadcast_entry();
}  // namespace corridor::protocols

#pragma once
// Hybrid logical clocks (Kulkarni et al., OPODIS 2014) stamping the messages of a gossiping chat:
// every node posts to a peer now and then; each post and each receipt is an HLC event. An HLC
// is (l, c): l the largest physical clock reading the node has heard of (its own, or one carried
// by a message), c a counter that orders events sharing an l. It gives the causality of a logical
// clock with timestamps that stay within the clocks' disagreement of physical time, across clock
// drift and jumps backwards (the node's l does not go back when its clock does).
//
// Checked by invariants/hybrid_clock.hpp from ctx.note("hlc", l, c) at every event: happened-
// before implies a larger stamp (engine vector clocks), 0 <= l - pt <= epsilon, and the counter
// bound.
#include <cstdint>
#include <variant>

#include "model/engine.hpp"

namespace corridor::protocols {

struct Hlc {
  enum class Variant {
    correct,
    receive_without_physical,  // a receipt takes max(l, l_m) and leaves the physical clock out
    reset_counter_on_receive,  // a receipt sets c = 0 whatever l it takes
    counter_never_reset,       // c counts up even when l advances
  };

  static constexpr std::uint32_t posts_per_node = 40;
  static constexpr time_ns post_interval_min_ns = ms(2);
  static constexpr time_ns post_interval_max_ns = ms(20);

  struct Stamp {
    std::int64_t l = 0;
    std::uint64_t c = 0;
  };
  struct Post {
    Stamp hlc;
  };
  using Message = std::variant<Post>;
  enum class Timer { next_post };
  using Ctx = Context<Hlc>;

  struct Node {
    Stamp hlc;
    std::uint32_t posted = 0;
    std::uint32_t took_remote_l = 0;  // receipts whose l came from the message (for a witness)

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
ProtocolEntry hlc_entry();
}  // namespace corridor::protocols

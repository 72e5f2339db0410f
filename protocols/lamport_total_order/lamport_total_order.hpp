#pragma once
// Total-order broadcast with Lamport timestamps (Lamport 1978, the state machine of "Time,
// Clocks, and the Ordering of Events"): a chat where every node posts a few messages. A post
// carries its Lamport timestamp; every receiver acknowledges it to everyone with its own
// (larger) timestamp. A node delivers the smallest pending post, by (timestamp, origin), once it
// has heard from every other node with a timestamp at least as large: links are FIFO, so nothing
// ordered before it can still arrive.
#include <cstdint>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

struct LamportTotalOrder {
  enum class Variant {
    correct,
    deliver_on_arrival,  // no waiting for acknowledgements
  };

  static constexpr std::uint32_t posts_per_node = 5;
  static constexpr time_ns post_interval_min_ns = ms(5);
  static constexpr time_ns post_interval_max_ns = ms(40);
  static constexpr std::size_t pending_max = 4096;  // posts received, not yet delivered
  // Every post is delivered everywhere within this after it is posted (or the last fault healed):
  // it waits for one post and one acknowledgement delay (exponential, mean 10 ms) per node.
  static constexpr time_ns delivery_bound_ns = ms(400);

  struct Post {
    std::uint64_t ts = 0;
    NodeId origin = no_node;
    std::uint32_t seq = 0;  // the origin's post count, from 1
  };
  struct Ack {
    std::uint64_t ts = 0;  // the acknowledging node's clock: it will never send anything older
  };
  using Message = std::variant<Post, Ack>;
  enum class Timer { next_post };
  using Ctx = Context<LamportTotalOrder>;

  struct Node {
    std::uint64_t clock = 0;                // Lamport clock
    std::uint32_t posted = 0;
    std::vector<std::uint64_t> heard_ts;    // per node: the largest timestamp received from it
    std::vector<std::uint32_t> received;    // per origin: the highest post seq received (FIFO links)
    std::vector<Post> pending;              // received or posted, not delivered; sorted by (ts, origin)
    std::uint32_t delivered = 0;

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
ProtocolEntry lamport_total_order_entry();
}  // namespace corridor::protocols

#pragma once
// Ping-pong: the smallest protocol. Node 0 pings node 1, which answers; forever. Its one promise
// is liveness, the exchange goes on (invariant `exchange-continues`, checked from deliveries
// alone); it has no timers and one variant, and exists to show the node API and to measure the
// engine's raw event rate.
#include <cstdint>
#include <variant>

#include "model/engine.hpp"

namespace corridor::protocols {

struct PingPong {
  struct Ping { std::uint64_t n = 0; };
  struct Pong { std::uint64_t n = 0; };
  using Message = std::variant<Ping, Pong>;
  using Ctx = Context<PingPong>;
  // Each node receives the ball at least this often once no fault is active: one round trip is
  // two delays (1 ms each in the fault model), so 100 ms leaves room for slow delay models.
  static constexpr time_ns exchange_gap_ns = ms(100);

  struct Node {
    std::uint64_t exchanges = 0;

    void on_start(Ctx& ctx) {
      if (ctx.self() == 0 && ctx.node_count() > 1) ctx.send(1, Ping{0});
    }
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      ++exchanges;
      if (const auto* ping = std::get_if<Ping>(&m)) ctx.send(from, Pong{ping->n});
      else ctx.send(from, Ping{std::get<Pong>(m).n + 1});
    }
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry ping_pong_entry();
}  // namespace corridor::protocols

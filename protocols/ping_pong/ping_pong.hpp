#pragma once
// Ping-pong: the smallest protocol. Node 0 pings node 1, which answers; forever. It has no
// invariants, no timers and one variant, and exists to show the node API and to measure the
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

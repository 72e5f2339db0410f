#pragma once
// Ping-pong written as coroutines (corridor::co): the same protocol as protocols/ping_pong, as
// one loop per node instead of a handler. Node 0 pings node 1, which answers; forever. It gives
// the same event stream and trace digest as the handler version (tests/co/ping_pong_co_test.cpp)
// and measures what the coroutine layer costs per event (bench/).
#include <cstdint>
#include <variant>

#include "model/co/node.hpp"

namespace corridor::protocols {

struct PingPongCo {
  struct Ping { std::uint64_t n = 0; };
  struct Pong { std::uint64_t n = 0; };
  using Message = std::variant<Ping, Pong>;
  using Env = co::Env<PingPongCo>;

  struct Node {
    std::uint64_t exchanges = 0;

    // Runs until the node is destroyed (a crash, or the end of the run); the engine's step and
    // time budgets bound it.
    co::task<> main(Env& env) {
      if (env.self() == 0 && env.node_count() > 1) env.send(1, Ping{0});
      for (;;) {
        auto [from, message] = co_await env.receive();
        ++exchanges;
        if (const auto* ping = std::get_if<Ping>(&message)) env.send(from, Pong{ping->n});
        else env.send(from, Ping{std::get<Pong>(message).n + 1});
      }
    }
  };
};

using PingPongCoProtocol = co::Protocol<PingPongCo>;

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry co_ping_pong_entry();
}  // namespace corridor::protocols

// A two-node ping-pong registered as "bad-proto" that misbehaves on seed 2 of 3: nothing.
#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <variant>

#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace bad {

using namespace corridor;

struct Ping { std::uint64_t n = 0; };

struct P {
  using Message = std::variant<Ping>;
  using Ctx = Context<P>;
  struct Node {
    std::uint64_t seen = 0;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) {
        if (ctx.random(3) == 1) misbehave();
        ctx.send(1, Ping{1});
      }
    }
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      seen = std::get<Ping>(m).n;
      if (seen < 20) ctx.send(from, Ping{seen + 1});
    }
    static void misbehave() {
      // nothing: this one is correct
    }
  };
};

ProtocolEntry entry() {
  return register_protocol<P>(
      {.name = "bad-proto",
       .description = "misbehaves",
       .variants = {correct_variant(OnlyVariant::correct, "As written.")},
       .default_nodes = 2,
       .min_nodes = 2,
       .max_nodes = 2},
      {
          .layout = [](const SimConfig& c) { return Engine<P>::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install = {},
      });
}

const ProtocolRegistrar registered{entry};

}  // namespace bad

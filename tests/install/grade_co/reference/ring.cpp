// A student's token ring written as coroutines (corridor::co), registered as "pset-co-ring":
// node 0 makes the token once (a durable flag, so a restart does not make a second one); each
// node waits for it, holds it 1 ms and passes it on. A node that has waited 50 ms goes on waiting.
#include <cstdint>
#include <optional>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/co/node.hpp"
#include "protocols/registry.hpp"

namespace ring {

using namespace corridor;

struct Ring {
  struct Token { std::uint64_t hops = 0; };
  using Message = std::variant<Token>;
  struct Durable {
    bool made = false;
    friend bool operator==(const Durable&, const Durable&) = default;
  };
  struct Node {
    bool holding = false;
    std::uint64_t hops = 0;

    co::task<> main(co::Env<Ring>& env) {
      if (env.self() == 0 && !env.durable().made) {
        env.durable().made = true;
        holding = true;
      }
      for (;;) {
        if (!holding) {
          auto got = co_await co::attempt(env.receive<Token>(), co::after(ms(50)));
          if (!got) continue;  // the token is late: it is still somewhere
          holding = true;
          hops = got->message.hops;
        }
        co_await co::after(ms(1));
        holding = false;
        env.send((env.self() + 1) % env.node_count(), Token{hops + 1});
      }
    }
  };
};

using P = co::Protocol<Ring>;
using E = Engine<P>;

std::optional<Violation> single_token(const E& world) {
  std::vector<NodeId> holders;
  for (NodeId n = 0; n < world.layout_nodes(); ++n) {
    if (world.node(n).user.holding) holders.push_back(n);
  }
  if (holders.size() <= 1) return std::nullopt;
  return Violation{.nodes = holders, .message = fmt::format("nodes {} hold the token at once", fmt::join(holders, " and "))};
}

ProtocolEntry entry() {
  return register_protocol<P>(
      {.name = "pset-co-ring",
       .description = "A token ring written as coroutines.",
       .variants = {correct_variant(OnlyVariant::correct, "As written.")},
       .default_nodes = 4,
       .min_nodes = 2,
       .max_nodes = 16,
       .default_faults = "delay=uniform:1ms:5ms",
       .default_time_limit_ns = seconds(1)},
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install = [](E& world, std::vector<std::unique_ptr<RunObserver>>&,
                        const SimConfig&) { world.add_state_invariant({"single-token", single_token}); },
      });
}

const ProtocolRegistrar registered{entry};

}  // namespace ring

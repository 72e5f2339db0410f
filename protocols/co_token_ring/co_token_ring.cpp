#include "protocols/co_token_ring/co_token_ring.hpp"

#include <fmt/ranges.h>

#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using E = Engine<TokenRingCoProtocol>;

// At most one node holds the token.
std::optional<Violation> single_token(const E& world) {
  std::vector<NodeId> holders;
  for (NodeId n = 0; n < world.layout_nodes(); ++n) {
    if (world.node(n).user.holding) holders.push_back(n);
  }
  if (holders.size() <= 1) return std::nullopt;
  return Violation{.nodes = holders,
                   .message = fmt::format("nodes {} hold the token at once", fmt::join(holders, " and "))};
}

}  // namespace

ProtocolEntry co_token_ring_entry() {
  return register_protocol<TokenRingCoProtocol>(
      {
          .name = "co-token-ring",
          .description = "The token ring written as coroutines (corridor::co); same invariant and planted bug.",
          .variants =
              {
                  correct_variant(TokenRingCo::Variant::correct, "A node passes the token on and keeps nothing."),
                  planted_bug(TokenRingCo::Variant::keeps_copy,
                              "A node sometimes keeps a copy of the token it passes on.", "single-token"),
              },
          .default_nodes = 4,
          .min_nodes = 2,
          .max_nodes = 64,
          .default_faults = "delay=uniform:1ms:5ms,pause=1",
          .default_time_limit_ns = seconds(1),
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install = [](E& world, std::vector<std::unique_ptr<RunObserver>>&,
                        const SimConfig&) { world.add_state_invariant({"single-token", single_token}); },
      });
}

}  // namespace corridor::protocols

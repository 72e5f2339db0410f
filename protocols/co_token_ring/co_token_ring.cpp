#include "protocols/co_token_ring/co_token_ring.hpp"

#include <fmt/ranges.h>

#include "invariants/receipt_gap.hpp"
#include "protocols/registry.hpp"
#include "protocols/token_ring/token_ring.hpp"

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

// The handler version's registration (variants, their planted bug and the invariant it breaks,
// node counts, fault model), under this protocol's name.
ProtocolEntry co_token_ring_entry() {
  ProtocolInfo info = token_ring_entry().info;
  info.name = "co-token-ring";
  info.description = "The token ring written as coroutines (corridor::co); same invariant and planted bug.";
  info.invariants.clear();  // register_protocol reads them from this protocol's set-up
  return register_protocol<TokenRingCoProtocol>(
      std::move(info),
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& world, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig& config) {
                world.add_state_invariant({"single-token", single_token});
                observers.push_back(std::make_unique<invariants::ReceiptGapMonitor>(
                    TokenRing::circulation_gap_ns(config.nodes), "token-circulates", "the token"));
              },
          .witnesses = {{"token-passed", "a node other than n0 took the token",
                         [](const E& w) { return w.layout_nodes() > 1 && w.node(1).user.hops >= 1; }},
                        {"token-round-trip", "the token came back to n0 round the whole ring",
                         [](const E& w) { return w.node(0).user.hops >= w.layout_nodes(); }}},
      });
}

}  // namespace corridor::protocols

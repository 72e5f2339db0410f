#include "protocols/token_ring/token_ring.hpp"

#include <fmt/ranges.h>

#include "invariants/receipt_gap.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using E = Engine<TokenRing>;

// At most one node holds the token.
std::optional<Violation> single_token(const E& world) {
  std::vector<NodeId> holders;
  for (NodeId n = 0; n < world.layout_nodes(); ++n) {
    if (world.node(n).holding) holders.push_back(n);
  }
  if (holders.size() <= 1) return std::nullopt;
  return Violation{.nodes = holders,
                   .message = fmt::format("nodes {} hold the token at once", fmt::join(holders, " and "))};
}

}  // namespace

ProtocolEntry token_ring_entry() {
  return register_protocol<TokenRing>(
      {
          .name = "token-ring",
          .description = "One token passed round a ring; README's \"Writing a protocol\" builds it step by step.",
          .variants =
              {
                  correct_variant(TokenRing::Variant::correct, "A node passes the token on and keeps nothing."),
                  planted_bug(TokenRing::Variant::keeps_copy,
                              "A node sometimes keeps a copy of the token it passes on.", "single-token"),
              },
          .default_nodes = 4,
          .min_nodes = 2,
          .max_nodes = 64,
          .default_faults = "delay=uniform:1ms:5ms,pause=1",
          .campaign_nodes = {2, 4, 5},
          .default_time_limit_ns = seconds(1),
      },
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
                         [](const E& w) { return w.layout_nodes() > 1 && w.node(1).hops >= 1; }},
                        {"token-round-trip", "the token came back to n0 round the whole ring",
                         [](const E& w) { return w.node(0).hops >= w.layout_nodes(); }}},
      });
}

}  // namespace corridor::protocols

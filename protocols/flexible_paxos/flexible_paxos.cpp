#include "protocols/flexible_paxos/flexible_paxos.hpp"

#include "model/assert.hpp"
#include "protocols/multi_paxos_kv/shared.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

PaxosQuorums FlexiblePaxos::quorums(Variant variant, std::uint32_t nodes) {
  CORRIDOR_ASSERT_MSG(nodes >= nodes_min, "flexible-paxos runs with phase2_nodes + 1 replicas or more");
  const std::uint32_t missing = variant == Variant::q1_plus_q2_equals_n ? 1 : 0;
  const PaxosQuorums q{.phase1_nodes = nodes - phase2_nodes + 1 - missing, .phase2_nodes = phase2_nodes};
  CORRIDOR_ASSERT_MSG(q.intersect(nodes) == (variant == Variant::correct), "only the planted bug's quorums can miss");
  return q;
}

namespace {

using FP = FlexiblePaxos;

ProtocolInfo flexible_paxos_info() {
  ProtocolInfo info = multi_paxos_kv_info(
      "flexible-paxos",
      "multi-paxos-kv's store with separate quorums (Flexible Paxos): a slot is decided by 2 accepts, a leader "
      "elected by n - 1 promises, so every phase-1 quorum meets every phase-2 quorum.");
  info.variants = {
      correct_variant(FP::Variant::correct, "Phase 2 takes 2 accepts and phase 1 n - 1 promises: q1 + q2 = n + 1."),
      planted_bug(FP::Variant::q1_plus_q2_equals_n,
                  "Phase 1 takes n - 2 promises: q1 + q2 = n, so a new leader's promises can all come from replicas "
                  "outside the phase-2 quorum that decided a slot, and it fills the slot again (with another command, "
                  "or with the same one twice).",
                  "log-agreement or exactly-once"),
  };
  info.default_nodes = 5;
  info.min_nodes = FP::nodes_min;
  // 3 nodes: both quorums 2 (majorities); 5 and 7: the flexible quorums (4 and 2, 6 and 2).
  info.campaign_nodes = {3, 5, 7};
  return info;
}

}  // namespace

ProtocolEntry flexible_paxos_entry() {
  using E = Engine<FlexiblePaxos>;
  return register_protocol<FlexiblePaxos>(
      flexible_paxos_info(),
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, MultiPaxosKv::clients}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                install_multi_paxos_kv_checks(engine, observers);
              },
          .witnesses = multi_paxos_kv_witnesses<E>(
              [](const E& w, NodeId n) -> const MultiPaxosKv::Node& { return w.node(n).replica; }),
      });
}

}  // namespace corridor::protocols

#pragma once
// flexible-paxos: the Multi-Paxos kv store of protocols/multi_paxos_kv (its replicas, clients,
// recovery, catch-up and truncation, unchanged) run with separate phase-1 and phase-2 quorums
// (Howard, Malkhi and Spiegelman, "Flexible Paxos: Quorum intersection revisited", 2016). A slot
// is decided by phase2_nodes accepts, the leader's own included, whatever the number of replicas:
// the common case (one round of accepts per command under a stable leader) waits for the fastest
// phase2_nodes - 1 followers only. Safety then rests on phase 1: a candidate needs
// nodes - phase2_nodes + 1 promises, so every phase-1 quorum meets every phase-2 quorum and a new
// leader hears of each value a past leader may have decided. Elections need more replicas up than
// a majority (4 of 5), which is the price.
//
// Quorums are a function of the variant and the node count only (FlexiblePaxos::quorums), so the
// registration is the one place they are declared and a campaign's sizes choose them: at 3 nodes
// both quorums are 2 (majorities), at 5 nodes 4 and 2, at 7 nodes 6 and 2.
#include <cstdint>

#include "model/engine.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"

namespace corridor::protocols {

struct FlexiblePaxos {
  enum class Variant {
    correct,
    q1_plus_q2_equals_n,  // phase 1 takes nodes - phase2_nodes promises: q1 + q2 = n, quorums can miss
  };

  static constexpr std::uint32_t phase2_nodes = 2;
  // The planted bug's phase-1 quorum, nodes - phase2_nodes, is at least one replica from 3 nodes on.
  static constexpr std::uint32_t nodes_min = phase2_nodes + 1;

  // The bundle's answers to the store (PaxosStore<FlexiblePaxos>): none of multi-paxos-kv's
  // planted bugs, and the quorums of `variant` at `nodes` replicas.
  static constexpr MultiPaxosKv::Variant store_variant(Variant) { return MultiPaxosKv::Variant::correct; }
  static PaxosQuorums quorums(Variant variant, std::uint32_t nodes);

  using Message = MultiPaxosKv::Message;
  using Durable = MultiPaxosKv::Durable;
  using Timer = MultiPaxosKv::Timer;
  using Ctx = Context<FlexiblePaxos>;

  struct Node {
    MultiPaxosKv::Node replica;

    void on_start(Ctx& ctx) { PaxosStore<FlexiblePaxos>::start(replica, ctx); }
    void on_recover(Ctx& ctx) { PaxosStore<FlexiblePaxos>::start(replica, ctx); }
    void on_message(Ctx& ctx, NodeId from, const Message& m) { PaxosStore<FlexiblePaxos>::message(replica, ctx, from, m); }
    void on_timer(Ctx& ctx, const Timer& timer) { PaxosStore<FlexiblePaxos>::timer(replica, ctx, timer); }
  };

  struct Client {
    MultiPaxosKv::Client client;

    void on_start(Ctx& ctx) { PaxosStore<FlexiblePaxos>::start(client, ctx); }
    void on_message(Ctx& ctx, NodeId from, const Message& m) { PaxosStore<FlexiblePaxos>::message(client, ctx, from, m); }
    void on_timer(Ctx& ctx, const Timer& timer) { PaxosStore<FlexiblePaxos>::timer(client, ctx, timer); }
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry flexible_paxos_entry();
}  // namespace corridor::protocols

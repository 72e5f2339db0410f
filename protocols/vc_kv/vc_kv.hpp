#pragma once
// A leaderless replicated key-value store in the style of Dynamo (DeCandia et al., SOSP 2007) and
// Riak: every replica stores every key; a client sends a get or a put to any replica, which
// coordinates it. A put is stored at the coordinator and sent to every other replica, and
// acknowledged once W = a majority stored it; a get asks every replica and answers once R = a
// majority replied, with the merge of what they hold. Versions carry vector clocks (one entry per
// replica): the coordinator of a put takes the client's context (the merged clock of what the
// client read), raises its own entry past every clock it has made, and stores the result.
// Replicas keep every version no other version dominates, so concurrent writes survive as
// siblings; a get returns them all, and the client resolves them by writing with their merged
// clock as context. Read repair (a get's merge is sent back to the replicas) and anti-entropy
// gossip (each replica now and then sends a peer what it holds) make replicas converge.
//
// Checked from the client history by invariants/sibling_causality.hpp (no-lost-write,
// siblings-concurrent): put values are unique per run, so a sibling names the write it came from.
//
// Durable (survives crash-restart): the store, the clock counter, the coordinator's op counter.
// Layout: replicas 0..N-1, then `clients` clients. Faults hit replicas only.
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

struct VcKv {
  enum class Variant {
    correct,
    lww_wall_clock,   // a replica keeps one version per key: the one with the later coordinator wall clock
    context_ignored,  // a put's clock leaves out the client's context: a resolving write stays a sibling
  };

  static constexpr std::uint32_t nodes_max = 8;  // entries of a vector clock
  static constexpr std::uint32_t clients = 3;
  static constexpr std::uint32_t ops_per_client = 12;
  static constexpr std::uint32_t keys = 2;
  static constexpr std::size_t siblings_max = clients * ops_per_client;  // every put of a run, at most
  static constexpr std::size_t pending_max = 64;  // operations a coordinator has in progress
  static constexpr time_ns client_timeout_ns = ms(100);
  static constexpr time_ns client_think_max_ns = ms(30);
  static constexpr time_ns gossip_interval_min_ns = ms(20);
  static constexpr time_ns gossip_interval_max_ns = ms(60);

  using Clock = std::array<std::uint32_t, nodes_max>;  // entries past the run's nodes stay 0
  struct Version {
    std::int64_t value = 0;
    Clock clock{};
    time_ns written_ns = 0;  // the coordinator's wall clock at the put (lww-wall-clock orders by it)
  };
  using Siblings = std::vector<Version>;

  struct Put { std::uint64_t request = 0; std::uint32_t key = 0; std::int64_t value = 0; Clock context{}; };
  struct PutOk { std::uint64_t request = 0; Clock clock{}; };
  struct Get { std::uint64_t request = 0; std::uint32_t key = 0; };
  struct GetOk { std::uint64_t request = 0; Siblings siblings; };
  struct Store { std::uint64_t op = 0; std::uint32_t key = 0; Version version; };
  struct StoreAck { std::uint64_t op = 0; };
  struct Fetch { std::uint64_t op = 0; std::uint32_t key = 0; };
  struct FetchReply { std::uint64_t op = 0; Siblings siblings; };
  struct Sync { std::uint32_t key = 0; Siblings siblings; };  // read repair and anti-entropy
  using Message = std::variant<Put, PutOk, Get, GetOk, Store, StoreAck, Fetch, FetchReply, Sync>;

  struct Durable {
    std::map<std::uint32_t, Siblings> store;  // by key
    std::uint32_t counter = 0;  // this replica's clock entry in the latest version it made
    std::uint64_t ops = 0;      // operations coordinated (their ids), so replies from before a restart miss
  };

  enum class Timer { gossip, request_timeout, think };
  using Ctx = Context<VcKv>;

  // Sibling reconciliation: `v` joins `siblings` unless a sibling's clock is at or above its own;
  // the siblings it dominates leave. lww-wall-clock keeps one version, the later written. Returns
  // whether `siblings` changed.
  static bool reconcile(Siblings& siblings, const Version& v, Variant variant);
  // The clock of what a reader saw: the entrywise maximum of the siblings' clocks.
  static Clock merged_clock(std::span<const Version> siblings);

  struct PendingPut {
    NodeId client = no_node;
    std::uint64_t request = 0;
    Clock clock{};
    NodeSet acks;
    time_ns started_ns = 0;  // monotonic: pending operations older than a client's timeout are dropped
  };
  struct PendingGet {
    NodeId client = no_node;
    std::uint64_t request = 0;
    std::uint32_t key = 0;
    Siblings merged;
    NodeSet replied;
    time_ns started_ns = 0;
  };

  struct Node {
    std::map<std::uint64_t, PendingPut> puts;  // by op
    std::map<std::uint64_t, PendingGet> gets;
    std::uint32_t siblings_seen_max = 0;  // the most siblings one key had here (for a witness)

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };

  struct Client {
    NodeId target = 0;  // the open operation's coordinator
    std::uint32_t issued = 0;
    std::uint64_t request = 0;  // the open operation's; 0 when idle
    bool open_is_put = false;
    std::uint32_t key = 0;
    std::int64_t value = 0;
    std::array<Clock, keys> context{};  // per key: the clock of what this client last read or wrote
    TimerId timeout = 0;

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry vc_kv_entry();
}  // namespace corridor::protocols

#pragma once
// A Multi-Paxos replicated key-value store (after Lamport's "Paxos Made Simple" and the
// Multi-Paxos of "Paxos Made Live" / "Paxos Made Moderately Complex"). One stable leader runs
// phase 1 once for all slots and then one round of accepts per client command; a follower that
// has not heard from a leader for an election timeout (its monotonic clock) runs phase 1 with a
// higher ballot, recovers every value a majority reports accepted and re-proposes it (gaps get
// no-ops). Replicas apply decided slots in order. Clients retry with the same request id; the
// state machine keeps a session per client (its latest request and result), so a retried or
// duplicated request executes once. A lagging or restarted replica catches up from the leader's
// decided log, or from its snapshot when the log is truncated: every `truncate_every` applied
// slots a replica snapshots its state machine (durable) and drops the accepted prefix.
//
// Durable (survives crash-restart): the promised ballot, accepted entries, the snapshot.
// Layout: replicas 0..N-1, then `clients` clients. Faults hit replicas only.
//
// How many promises elect a candidate (phase 1) and how many accepts decide a slot (phase 2) is
// the run's PaxosQuorums, asked of the protocol bundle (P::quorums): majorities for both here;
// protocols/flexible_paxos runs this same store with a large phase-1 and a small phase-2 quorum.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/engine.hpp"
#include "model/node_set.hpp"

namespace corridor::protocols {

// The two quorums of a Paxos run, as counts of replicas. Agreement needs every phase-1 quorum to
// meet every phase-2 quorum (Howard, Malkhi and Spiegelman, "Flexible Paxos", 2016): a new leader
// then hears of every value a phase-2 quorum accepted, which holds for all sets of those sizes
// exactly when phase1_nodes + phase2_nodes > nodes. Majorities are the case where both are equal.
struct PaxosQuorums {
  std::uint32_t phase1_nodes = 0;  // promises that elect a candidate (its own included)
  std::uint32_t phase2_nodes = 0;  // accepts that decide a slot (the leader's own included)

  static constexpr PaxosQuorums majorities(std::uint32_t nodes) { return {majority(nodes), majority(nodes)}; }
  constexpr bool intersect(std::uint32_t nodes) const { return phase1_nodes + phase2_nodes > nodes; }
  constexpr bool elects(NodeSet promises) const { return promises.size() >= phase1_nodes; }
  constexpr bool decides(NodeSet acks) const { return acks.size() >= phase2_nodes; }
  friend constexpr bool operator==(const PaxosQuorums&, const PaxosQuorums&) = default;
};

struct MultiPaxosKv {
  enum class Variant {
    correct,
    reply_before_majority,  // the leader decides on its own accept
    no_dedup,               // retried requests execute again
    accept_below_promise,   // acceptors ignore their promise
    skip_recovery,          // a new leader ignores accepted values
    election_timer_not_reset,  // a heartbeat does not reset a follower's election timer
  };

  // What a protocol bundle running this store tells it (PaxosStore<P> asks P): which of the
  // store's behaviours a variant plants, and the quorums of a run of `nodes` replicas.
  static constexpr Variant store_variant(Variant v) { return v; }
  static constexpr PaxosQuorums quorums(Variant, std::uint32_t nodes) { return PaxosQuorums::majorities(nodes); }

  static constexpr std::uint32_t clients = 3;
  static constexpr std::uint32_t ops_per_client = 12;
  static constexpr std::uint32_t keys = 2;
  static constexpr std::uint32_t nodes_max = NodeSet::capacity - 1;  // promise and ack sets are NodeSets
  static constexpr time_ns tick_ns = ms(10);                 // each replica's periodic timer
  static constexpr time_ns heartbeat_ns = ms(30);
  static constexpr time_ns election_timeout_min_ns = ms(150);
  static constexpr time_ns election_timeout_max_ns = ms(300);
  // Leader stability (invariants/leader_stability.hpp): an election a fault explains starts
  // within this long after the last fault heals or a leader takes over. A candidate cut off by a
  // partition campaigns again within one election timeout of the heal, and its higher ballot
  // deposes the leader; a follower whose timeout was running out when a new leader took over
  // stands before that leader's first heartbeat reaches it. Two heartbeat periods more leave room
  // for the message delays.
  static constexpr time_ns stability_grace_ns = election_timeout_max_ns + 2 * heartbeat_ns;
  static constexpr time_ns catch_up_gap_ns = ms(20);         // between catch-up requests
  static constexpr time_ns client_timeout_ns = ms(100);
  static constexpr time_ns client_think_max_ns = ms(30);
  static constexpr std::uint64_t truncate_every = 8;         // applied slots between snapshots
  static constexpr std::size_t proposals_max = 64;           // undecided slots at a leader
  static constexpr std::size_t catch_up_entries_max = 64;
  static constexpr std::size_t decided_ahead_max = 4096;     // decided slots waiting for a gap

  enum class Op : std::uint8_t { noop, get, put, cas, del };

  struct Command {
    Op op = Op::noop;
    NodeId client = no_node;
    std::uint64_t request = 0;  // unique per client operation; retries keep it
    std::uint32_t key = 0;
    std::int64_t a = 0;         // put: the value; cas: expected
    std::int64_t b = 0;         // cas: new
  };
  struct Result {
    bool ok = false;     // cas: matched
    bool found = false;  // get: the key has a value
    std::int64_t value = 0;
  };
  struct Session {
    std::uint64_t request = 0;  // the client's latest executed request
    Result result;
  };
  struct Snapshot {
    std::uint64_t slot = 0;                     // every slot up to here is applied in it
    std::map<std::uint32_t, std::int64_t> kv;
    std::map<NodeId, Session> sessions;
  };
  struct AcceptedEntry {
    std::uint64_t ballot = 0;
    Command cmd;
  };
  struct SlotEntry {
    std::uint64_t slot = 0;
    std::uint64_t ballot = 0;
    Command cmd;
  };

  struct Request { Command cmd; };
  struct Reply { std::uint64_t request = 0; Result result; };
  struct Redirect { std::uint64_t request = 0; NodeId hint = no_node; };
  struct Prepare { std::uint64_t ballot = 0; std::uint64_t applied = 0; };
  struct Promise {
    std::uint64_t ballot = 0;
    std::vector<SlotEntry> accepted;  // slots after the candidate's applied
    bool has_snapshot = false;        // when this replica's snapshot is ahead of the candidate
    Snapshot snapshot;
  };
  struct Nack { std::uint64_t promised = 0; };
  struct Accept { std::uint64_t ballot = 0; std::uint64_t slot = 0; Command cmd; };
  struct Accepted { std::uint64_t ballot = 0; std::uint64_t slot = 0; };
  struct Decide { std::uint64_t slot = 0; Command cmd; };
  struct Heartbeat { std::uint64_t ballot = 0; std::uint64_t applied = 0; };
  struct CatchUp { std::uint64_t from_slot = 0; };
  struct CatchUpReply {
    bool has_snapshot = false;
    Snapshot snapshot;
    std::vector<SlotEntry> entries;  // decided, in slot order (ballot unused)
  };
  using Message = std::variant<Request, Reply, Redirect, Prepare, Promise, Nack, Accept, Accepted, Decide, Heartbeat,
                               CatchUp, CatchUpReply>;

  struct Durable {
    std::uint64_t promised = 0;
    std::map<std::uint64_t, AcceptedEntry> accepted;  // slots after snapshot.slot
    Snapshot snapshot;
  };

  // Timers: a replica's periodic tick (elections, heartbeats); a client's request timeout (void
  // once the client moved to a later operation) and its think time before the next operation.
  struct Tick {};
  struct ClientTimeout { std::uint32_t issued = 0; };
  struct ClientThink {};
  using Timer = std::variant<Tick, ClientTimeout, ClientThink>;

  using Ctx = Context<MultiPaxosKv>;

  enum class Role : std::uint8_t { follower, candidate, leader };

  struct Proposal {
    Command cmd;
    NodeSet acks;  // replicas
  };

  struct Node {
    // The state machine: applied up to `applied`, decided slots waiting for a gap, and the
    // applied log after the snapshot (served to lagging replicas).
    std::uint64_t applied = 0;
    std::map<std::uint32_t, std::int64_t> kv;
    std::map<NodeId, Session> sessions;
    std::map<std::uint64_t, Command> decided;
    std::map<std::uint64_t, Command> log;
    // Roles.
    Role role = Role::follower;
    std::uint64_t ballot = 0;          // as candidate or leader
    NodeId leader_hint = no_node;
    time_ns heard_ns = 0;              // monotonic: the last sign of a leader (or own candidacy)
    time_ns election_timeout_ns = 0;
    time_ns heartbeat_sent_ns = 0;
    time_ns catch_up_sent_ns = -catch_up_gap_ns;
    // Candidate.
    NodeSet promises;
    std::map<std::uint64_t, AcceptedEntry> recovered;
    bool has_recovered_snapshot = false;
    Snapshot recovered_snapshot;
    // Leader.
    std::uint64_t next_slot = 1;
    std::map<std::uint64_t, Proposal> proposals;

    void on_start(Ctx& ctx);
    void on_recover(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };

  struct Client {
    NodeId target = 0;
    std::uint32_t issued = 0;
    Command cmd;                 // the open operation; request 0 when idle
    TimerId timeout = 0;

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };
};

// The store's handlers for a protocol bundle P that runs MultiPaxosKv's replicas and clients under
// its own variants and quorums: P::store_variant(variant) says which of the store's planted bugs
// a run has, P::quorums(variant, nodes) its quorums. Defined in multi_paxos_kv.cpp and
// instantiated there for every bundle that runs the store (multi-paxos-kv, flexible-paxos).
template <class P>
struct PaxosStore {
  using Ctx = Context<P>;
  static void start(MultiPaxosKv::Node& node, Ctx& ctx);
  static void message(MultiPaxosKv::Node& node, Ctx& ctx, NodeId from, const MultiPaxosKv::Message& m);
  static void timer(MultiPaxosKv::Node& node, Ctx& ctx, const MultiPaxosKv::Timer& timer);
  static void start(MultiPaxosKv::Client& client, Ctx& ctx);
  static void message(MultiPaxosKv::Client& client, Ctx& ctx, NodeId from, const MultiPaxosKv::Message& m);
  static void timer(MultiPaxosKv::Client& client, Ctx& ctx, const MultiPaxosKv::Timer& timer);
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry multi_paxos_kv_entry();
}  // namespace corridor::protocols

#pragma once
// A Raft replicated key-value store (Ongaro and Ousterhout, "In Search of an Understandable
// Consensus Algorithm", 2014): leader election with randomised timeouts (on the monotonic clock),
// log replication by AppendEntries with the consistency check on the previous entry, and a leader
// that commits an entry only once a majority stores it and it is of the leader's current term
// (figure 8 of the paper: an older entry commits with it, never by counting its own replicas).
// Every command, gets included, goes through the log ("reads through the log"), so a read is
// linearizable without a lease. The state machine keeps one session per client (its latest
// request and result): a retried or duplicated request executes once. A leader that finds a
// retried request in its log from an earlier term appends it again; the session drops the copy.
//
// Durable (survives crash-restart, written before any reply that depends on it): the current
// term, the vote of that term and the log. Commit index, applied state and roles are volatile: a
// restarted node relearns them from the leader and re-applies its log from index 1.
// Layout: replicas 0..N-1, then `clients` clients. Faults hit replicas only.
//
// The client commands and results are Multi-Paxos kv's (protocols/multi_paxos_kv): the same kv
// model of corridor's linearizability checker judges both.
#include <cstdint>
#include <map>
#include <variant>
#include <vector>

#include "model/engine.hpp"
#include "model/node_set.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"

namespace corridor::protocols {

struct RaftKv {
  enum class Variant {
    correct,
    vote_not_persisted,        // the vote lives in volatile state: a restarted node votes again in its term
    truncate_on_stale_append,  // a follower drops every entry after prev_index, even ones the append matches
    read_from_deposed_leader,  // a leader answers a get from its own state machine, without the log
  };

  static constexpr std::uint32_t clients = 3;
  static constexpr std::uint32_t ops_per_client = 12;
  static constexpr std::uint32_t keys = 2;
  static constexpr std::uint32_t nodes_max = NodeSet::capacity - 1;  // vote sets are NodeSets
  static constexpr time_ns tick_ns = ms(10);  // each replica's periodic timer
  static constexpr time_ns heartbeat_ns = ms(30);
  static constexpr time_ns election_timeout_min_ns = ms(150);
  static constexpr time_ns election_timeout_max_ns = ms(300);
  static constexpr time_ns client_timeout_ns = ms(100);
  static constexpr time_ns client_think_max_ns = ms(30);
  static constexpr std::size_t append_entries_max = 16;  // entries in one AppendEntries
  // Clients x operations commands, each appended at most once per term by a leader that finds it
  // missing: a log longer than this means a leak, and the node throws rather than grow.
  static constexpr std::size_t log_entries_max = 4096;

  using Op = MultiPaxosKv::Op;
  using Command = MultiPaxosKv::Command;
  using Result = MultiPaxosKv::Result;
  using Session = MultiPaxosKv::Session;

  struct Entry {
    std::uint64_t term = 0;
    Command cmd;
  };

  struct Request { Command cmd; };
  struct Reply { std::uint64_t request = 0; Result result; };
  struct Redirect { std::uint64_t request = 0; NodeId hint = no_node; };
  struct RequestVote { std::uint64_t term = 0; std::uint64_t last_index = 0; std::uint64_t last_term = 0; };
  struct Vote { std::uint64_t term = 0; bool granted = false; };
  struct AppendEntries {
    std::uint64_t term = 0;
    std::uint64_t prev_index = 0;
    std::uint64_t prev_term = 0;
    std::vector<Entry> entries;
    std::uint64_t leader_commit = 0;
  };
  // success: the follower's log matches the leader's through `index`; otherwise `index` is where
  // the follower's log ends, or the entry before the mismatch (the leader retries from after it).
  struct AppendReply { std::uint64_t term = 0; bool success = false; std::uint64_t index = 0; };
  using Message = std::variant<Request, Reply, Redirect, RequestVote, Vote, AppendEntries, AppendReply>;

  struct Durable {
    std::uint64_t term = 0;
    NodeId voted_for = no_node;  // in `term`
    std::vector<Entry> log;      // index i (from 1) is log[i - 1]
  };

  struct Tick {};
  // Void unless it is of the client's latest send: a redirect resends before it fires.
  struct ClientTimeout { std::uint32_t issued = 0; std::uint32_t sends = 0; };
  struct ClientThink {};
  using Timer = std::variant<Tick, ClientTimeout, ClientThink>;

  using Ctx = Context<RaftKv>;

  enum class Role : std::uint8_t { follower, candidate, leader };

  struct Node {
    // The state machine: every log entry up to `applied` is applied.
    std::uint64_t commit = 0;
    std::uint64_t applied = 0;
    std::map<std::uint32_t, std::int64_t> kv;
    std::map<NodeId, Session> sessions;
    // Roles.
    Role role = Role::follower;
    std::uint64_t led_term = 0;      // the term this node was elected leader of (its durable term while it leads)
    NodeId leader_hint = no_node;
    NodeId volatile_vote = no_node;  // the planted vote-not-persisted keeps its vote here
    time_ns heard_ns = 0;            // monotonic: the last sign of a leader (or own candidacy)
    time_ns election_timeout_ns = 0;
    time_ns heartbeat_sent_ns = 0;
    NodeSet votes;                   // candidate
    std::vector<std::uint64_t> next_index;   // leader, per replica
    std::vector<std::uint64_t> match_index;  // leader, per replica

    void on_start(Ctx& ctx);
    void on_recover(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };

  struct Client {
    NodeId target = 0;
    std::uint32_t issued = 0;
    Command cmd;             // the open operation; request 0 when idle
    std::uint32_t sends = 0;  // of the open operation; names its live timeout (no TimerId kept in the state)

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
ProtocolEntry raft_kv_entry();
}  // namespace corridor::protocols

#pragma once
// The Multi-Paxos kv (protocols/multi_paxos_kv) written as coroutines (corridor::co), in the shape
// of the course's problem set: a versioned store (get, put, cas, remove; every key counts its
// writes, and every reply carries that version) replicated by Multi-Paxos, and clients that run a
// lock-sequence workload: each takes a lock kept in the store, appends its token to a shared
// sequence, and lets the lock go, so the sequence shows any write that was lost, executed twice or
// reordered (the `lock-sequence` check, next to the handler version's invariants).
//
// A replica is two coroutines: one handles each message as it comes (`co_await env.receive()`),
// the other is, in turn, a follower, a candidate and a leader, each role a loop that waits for
// its deadline (election timeout, the end of a campaign, the next heartbeat), which moves the role
// on; a candidate waits for `co::first(co::at(deadline), role changed)`, so that a majority's
// promises make it lead at once.
// A client operation is `co_await call(...)`: send, then wait for the reply or a timeout, retry
// with the same request id at the next replica or at a redirect's leader hint.
//
// Same variants (MultiPaxosKv::Variant, declared once in protocols/multi_paxos_kv/shared.hpp),
// same fault model and invariants as the handler version, and its log truncation: every
// MP::truncate_every applied slots a replica snapshots its state machine (durable) and drops the
// accepted entries and the log up to there, so a lagging replica, a restarted one or a candidate
// whose promises come from ahead of it receives that snapshot instead of the slots it covers.
// Durable: the promised ballot, the accepted entries after the snapshot, the snapshot.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/co/node.hpp"
#include "protocols/co_multi_paxos_kv/flat_map.hpp"
#include "protocols/co_multi_paxos_kv/shared_optional.hpp"
#include "protocols/co_multi_paxos_kv/shared_text.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"

namespace corridor::protocols {

struct MultiPaxosKvCo {
  using Variant = MultiPaxosKv::Variant;
  using MP = MultiPaxosKv;

  static constexpr std::uint32_t clients = 3;
  static constexpr std::uint32_t rounds = 3;                 // critical sections per client
  static constexpr std::uint32_t acquire_tries_max = 64;     // cas attempts on the lock per round
  static constexpr std::uint32_t lock_wait_tries_max = 64;   // reads of the lock before it exists
  static constexpr time_ns backoff_min_ns = ms(5);           // between tries for the lock
  static constexpr time_ns backoff_max_ns = ms(25);
  static constexpr std::size_t promise_entries_max = 4096;   // accepted entries a promise carries

  enum class Op : std::uint8_t { noop, get, put, cas, remove };
  // The keys of the workload: the lock, the sequence, and one key per client (it writes it when it
  // joins and removes it when it is done).
  static constexpr std::uint32_t lock_key = 0;
  static constexpr std::uint32_t seq_key = 1;
  static constexpr std::uint32_t member_key_first = 2;

  struct Command {
    Op op = Op::noop;
    NodeId client = no_node;
    std::uint64_t request = 0;  // unique per client operation; retries keep it
    std::uint32_t key = 0;
    SharedText a;               // put: the value; cas: expected
    SharedText b;               // cas: new
  };
  struct Result {
    bool ok = false;            // cas: matched
    bool found = false;         // get: the key has a value
    SharedText value;
    std::uint64_t version = 0;  // the key's writes so far, after this operation
  };
  struct Session {
    std::uint64_t request = 0;  // the client's latest executed request
    Result result;
  };
  struct Cell {
    bool present = false;
    SharedText value;
    std::uint64_t version = 0;
  };
  struct Snapshot {
    std::uint64_t slot = 0;  // every slot up to here is applied in it
    FlatMap<std::uint32_t, Cell> kv;
    FlatMap<NodeId, Session> sessions;
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
    std::vector<SlotEntry> accepted;   // slots after the candidate's applied
    SharedOptional<Snapshot> snapshot;  // when this replica's snapshot is ahead of the candidate
  };
  struct Nack { std::uint64_t promised = 0; };
  struct Accept { std::uint64_t ballot = 0; std::uint64_t slot = 0; Command cmd; };
  struct Accepted { std::uint64_t ballot = 0; std::uint64_t slot = 0; };
  struct Decide { std::uint64_t slot = 0; Command cmd; };
  struct Heartbeat { std::uint64_t ballot = 0; std::uint64_t applied = 0; };
  struct CatchUp { std::uint64_t from_slot = 0; };
  struct CatchUpReply {
    SharedOptional<Snapshot> snapshot;  // when the slots asked for start at or before it
    std::vector<SlotEntry> entries;    // decided, in slot order (ballot unused)
  };
  using Message = std::variant<Request, Reply, Redirect, Prepare, Promise, Nack, Accept, Accepted, Decide, Heartbeat,
                               CatchUp, CatchUpReply>;

  struct Durable {
    std::uint64_t promised = 0;
    FlatMap<std::uint64_t, AcceptedEntry> accepted;  // slots after snapshot.slot
    Snapshot snapshot;
  };

  using Env = co::Env<MultiPaxosKvCo>;
  enum class Role : std::uint8_t { follower, candidate, leader };
  struct Proposal {
    Command cmd;
    NodeSet acks;  // replicas
  };

  // How serve() tells a sleeping role loop that a message changed the role: a one-shot event,
  // made afresh for each wait. It lives in main()'s frame, not in the node's (reflected) state.
  class RoleChange {
   public:
    co::event& arm() {
      changed_.reset();
      return changed_.emplace();
    }
    void signal() {
      if (changed_) changed_->trigger();
    }

   private:
    std::optional<co::event> changed_;
  };

  struct Node {
    // The state machine: applied up to `applied`, decided slots waiting for a gap, and the
    // applied log after the durable snapshot (served to lagging replicas).
    std::uint64_t applied = 0;
    FlatMap<std::uint32_t, Cell> kv;
    FlatMap<NodeId, Session> sessions;
    FlatMap<std::uint64_t, Command> decided;
    FlatMap<std::uint64_t, Command> log;
    // Roles.
    Role role = Role::follower;
    std::uint64_t ballot = 0;  // as candidate or leader
    NodeId leader_hint = no_node;
    time_ns heard_ns = 0;      // monotonic: the last sign of a leader
    time_ns election_timeout_ns = 0;
    time_ns heartbeat_sent_ns = 0;
    time_ns catch_up_sent_ns = -MP::catch_up_gap_ns;
    // Candidate.
    NodeSet promises;
    FlatMap<std::uint64_t, AcceptedEntry> recovered;
    SharedOptional<Snapshot> recovered_snapshot;  // the furthest a promise carried (shared with it)
    // Leader.
    std::uint64_t next_slot = 1;
    FlatMap<std::uint64_t, Proposal> proposals;

    co::task<> main(Env& env);
    co::task<> serve(Env& env, RoleChange& change);
    co::task<> follow(Env& env);
    co::task<> campaign(Env& env, RoleChange& change);
    co::task<> lead(Env& env);
  };

  struct Client {
    NodeId target = 0;
    std::uint32_t issued = 0;
    std::uint32_t round = 0;
    bool holding = false;  // the lock, as this client believes

    co::task<> main(Env& env);
    co::task<Result> call(Env& env, Command cmd);
    co::task<bool> acquire(Env& env, const std::string& token);
  };
};

using MultiPaxosKvCoProtocol = co::Protocol<MultiPaxosKvCo>;

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry co_multi_paxos_kv_entry();
}  // namespace corridor::protocols

#pragma once
// Leader election with leases and fencing tokens (Raft-like terms and votes, leases in the style
// of Chubby and of Raft's leader leases), and a storage node that checks the tokens.
//
// Layout: lease nodes 0..N-1 (the members), the storage node N (a helper), then two clients.
// Faults hit lease nodes only.
//
// The lease argument. A voter that grants a vote or acknowledges a heartbeat promises, for one
// lease on its own clock, to vote for nobody else; a node that restarts keeps quiet for one lease
// (its promise was volatile), and a follower stands for election only once its own promise has run
// out. A leader whose heartbeat round sent at s (its monotonic clock) is acknowledged by a
// majority holds its lease until s + lease - margin; a new leader needs a majority too, so some
// voter v acknowledged that round and then granted the new vote. With every clock's rate within
// 1 +- D of true time:
//   the old lease ends, in true time, no later than  true(s) + (lease - margin) / (1 - D)
//   (the old leader's clock running slow), and v grants the new vote no earlier than
//   true(s) + lease / (1 + D) (v received the heartbeat after s; its clock running fast).
// The new leader's lease starts after that grant, so the leases never overlap iff
//   (lease - margin) / (1 - D) <= lease / (1 + D)  <=>  margin >= lease * 2D / (1 + D).
// We take margin = lease * 2D (a little more). Election leases are the same argument with s the
// candidate's send time t0, and the leader's own self-acknowledgement is its promise from s.
// Delays do not enter: they only move acknowledgements later. Nothing bounds how late a leader
// acts on a lease it checked, though: a write checked under the lease and sent after a pause lands
// after the lease ended, which is what the storage node's fencing tokens are for.
#include <array>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

struct LeaderLease {
  enum class Variant {
    correct,
    no_drift_margin,  // margin 0: two leases overlap once clocks drift
    no_fencing,       // storage accepts any token
    heartbeat_not_rearmed,  // the leader's heartbeat timer is not set again after a round
  };

  static constexpr time_ns lease_ns = ms(500);
  static constexpr std::int64_t drift_assumed_ppm = 50'000;
  static constexpr time_ns margin_ns = lease_ns * 2 * drift_assumed_ppm / 1'000'000;
  static constexpr time_ns election_timeout_min_ns = ms(300);
  static constexpr time_ns election_timeout_max_ns = ms(600);
  static constexpr time_ns election_jitter_ns = ms(5);  // after a promise expires
  static constexpr time_ns heartbeat_ns = ms(100);
  static constexpr time_ns vote_retry_ns = ms(20);
  // Leader stability (invariants/leader_stability.hpp): an election a fault explains starts
  // within this long after the last fault heals or a leader takes over. A node that was cut off
  // may stand before the leader's next heartbeat round reaches it (within heartbeat_ns plus a
  // delay) and its higher term then deposes the leader through a refused acknowledgement (a
  // second delay); two rounds leave 100ms for those two delays.
  static constexpr time_ns stability_grace_ns = 2 * heartbeat_ns;
  static constexpr time_ns flush_delay_ns = ms(5);
  static constexpr time_ns client_timeout_ns = ms(200);
  static constexpr time_ns client_think_ns = ms(20);
  static constexpr std::uint32_t lease_nodes_max = NodeSet::capacity - 1;  // votes and acks are NodeSets; + storage
  static constexpr std::size_t rounds_kept = 8;          // heartbeat rounds whose acks still count
  static constexpr std::size_t batch_writes_max = 64;
  static constexpr std::size_t batches_in_flight_max = 64;

  struct RequestVote { std::uint64_t term = 0; };
  struct Vote { std::uint64_t term = 0; bool granted = false; };
  struct Heartbeat { std::uint64_t term = 0; std::uint64_t round = 0; };
  struct HeartbeatAck { std::uint64_t term = 0; std::uint64_t round = 0; bool ok = false; };
  // `attempt` counts a request's sends, so that a client follows only the answer to its latest.
  struct Write { std::uint64_t request = 0; std::uint32_t attempt = 0; std::int64_t value = 0; };
  struct NotLeader { std::uint64_t request = 0; std::uint32_t attempt = 0; NodeId hint = no_node; };
  struct WriteOk { std::uint64_t request = 0; };
  struct StoreBatch { std::uint64_t token = 0; std::uint64_t batch = 0; std::vector<std::int64_t> values; };
  struct StoreAck { std::uint64_t batch = 0; bool accepted = false; std::uint64_t highest_token = 0; };
  using Message = std::variant<RequestVote, Vote, Heartbeat, HeartbeatAck, Write, NotLeader, WriteOk, StoreBatch,
                               StoreAck>;

  struct Durable {
    std::uint64_t term = 0;
    NodeId voted_for = no_node;      // in `term`
    std::uint64_t store_token = 0;   // storage: the highest token accepted
    friend bool operator==(const Durable&, const Durable&) = default;
  };

  // Timers: an election check; a leader's heartbeat round and a candidate's vote retry, both void
  // once the role they were set in has ended (its epoch); a batch's flush; a client's request
  // timeout and think time, void once the client has moved to another operation.
  struct Election {};
  struct HeartbeatDue { std::uint64_t epoch = 0; };
  struct VoteRetry { std::uint64_t epoch = 0; };
  struct Flush { std::uint64_t batch = 0; };
  struct ClientTimeout { std::uint64_t issued = 0; };
  struct ClientThink { std::uint64_t issued = 0; };
  using Timer = std::variant<Election, HeartbeatDue, VoteRetry, Flush, ClientTimeout, ClientThink>;

  using Ctx = Context<LeaderLease>;

  enum class Role : std::uint8_t { follower, candidate, leader, storage };

  struct Round {
    std::uint64_t round = 0;
    time_ns sent_ns = 0;    // leader's monotonic clock
    NodeSet acks;           // lease nodes, the leader's own included
  };
  struct ClientWrite {
    NodeId client = no_node;
    std::uint64_t request = 0;
    std::uint32_t attempt = 0;
  };
  struct Batch {
    std::uint64_t id = 0;
    std::uint64_t token = 0;  // the leader's term when the batch opened
    std::vector<ClientWrite> writes;
    std::vector<std::int64_t> values;
  };

  struct Node {
    Role role = Role::follower;
    std::uint64_t lead_term = 0;      // the term this node leads; 0 when not leader
    NodeId leader_hint = no_node;
    time_ns promise_until_ns = 0;     // monotonic: no vote for another node before this
    time_ns lease_until_ns = 0;       // monotonic: leader only
    time_ns candidacy_ns = 0;         // monotonic: when this node last asked for votes
    NodeSet votes;                    // lease nodes
    NodeId asked_by = no_node;        // a candidate that asked while the promise held
    std::uint64_t asked_term = 0;     // ... and its term
    std::uint64_t epoch = 0;          // bumped at every role change; timers of an older role are void
    std::uint64_t next_round = 0;
    std::array<Round, rounds_kept> rounds{};
    std::optional<Batch> open_batch;
    std::vector<Batch> in_flight;
    std::uint64_t next_batch = 0;
    std::uint64_t writes_stored = 0;  // storage only

    void on_start(Ctx& ctx);
    void on_recover(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);

    // What the invariants read.
    std::optional<std::uint64_t> leading_term() const {
      return role == Role::leader ? std::optional<std::uint64_t>(lead_term) : std::nullopt;
    }
    bool believes_lease(time_ns monotonic_ns) const { return role == Role::leader && monotonic_ns < lease_until_ns; }
  };

  struct Client {
    NodeId target = no_node;
    std::uint64_t issued = 0;      // operations invoked so far
    std::uint64_t request = 0;     // the open request's id; 0 when idle
    std::uint32_t attempt = 0;     // sends of the open request
    std::int64_t value = 0;
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
ProtocolEntry leader_lease_entry();
}  // namespace corridor::protocols

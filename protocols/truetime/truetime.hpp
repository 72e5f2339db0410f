#pragma once
// A TrueTime API and a Spanner-style commit with commit wait (Corbett et al., "Spanner: Google's
// Globally-Distributed Database", OSDI 2012, sections 3 and 4.1.2).
//
// Layout: members 0..N-1 (each keeps a TrueTime interval and is the leader of the keys k with
// k mod N equal to its id), the time master N (a helper: its clock is true time, because the
// fault model drifts, skews and jumps only the members' clocks), then two clients.
//
// TrueTime. Every sync_interval_ns of its monotonic clock a member asks the master for its time.
// The master answers with its reading r. The member measured the round trip on its own monotonic
// clock (rtt_local); each message took at least delay_min_ns_assumed, and the member's clock runs at
// a rate within drift_ppm_assumed of true time, so at the reply the master's time (true time) is in
//   [r + delay_min, r + rtt_local / (1 - drift) - delay_min].
// (intersected with the interval held until then, carried to the reply). From then on TT.now()
// widens it by the drift bound times the local time elapsed since the sync (elapsed / (1 + drift)
// to elapsed / (1 - drift) of true time), plus 1 us of rounding.
// protocols/truetime/README.md derives epsilon (half the width) from these constants.
//
// Commit. A client sends a transaction (a write of one key) to the key's leader. The leader picks
// s = max(TT.now().latest, its previous s + 1), waits until TT.now().earliest > s (commit wait),
// then acknowledges s. Invariants, read on the engine side: every member's interval contains true
// time at every step (`tt-contains-true-time`); if T1's ok precedes T2's invoke, s1 < s2
// (`external-consistency`, from the client history).
#include <cstdint>
#include <map>
#include <optional>
#include <variant>

#include "model/engine.hpp"

namespace corridor::protocols {

struct Truetime {
  enum class Variant {
    correct,
    no_commit_wait,        // the leader acknowledges s as soon as it picks it
    epsilon_ignores_drift, // the interval is not widened by the drift bound
  };

  // The assumptions TT.now() is built on: the fault model's (README, "epsilon, derived").
  static constexpr time_ns delay_min_ns_assumed = ms(1);
  static constexpr std::int64_t drift_ppm_assumed = 1000;
  static constexpr time_ns rounding_ns = us(1);  // integer rounding of the simulated clocks
  static constexpr time_ns sync_interval_ns = ms(200);
  // The widest TT.now() while every sync is answered within the fault model's 10 ms a message:
  // 2 epsilon = 18.040 ms after a sync + 0.440 ms of drift until the next + 2 us of rounding
  // (README, "epsilon, derived"). Only the interval-width badge reads it: a wider interval is safe.
  static constexpr time_ns width_ns_max = 18'482'080;

  static constexpr std::uint32_t members_max = 16;
  static constexpr std::uint32_t clients = 2;
  static constexpr std::uint32_t keys = 4;
  static constexpr std::uint32_t txns_per_client = 40;  // about 1.2 s of the 2 s run: faults start in 0.1-1 s
  static constexpr std::size_t pending_max = 16;  // commits a leader has waiting at once
  static constexpr time_ns client_timeout_ns = ms(100);
  static constexpr time_ns client_think_min_ns = 0;
  static constexpr time_ns client_think_max_ns = ms(10);
  static constexpr time_ns client_first_think_ns = ms(30);  // members have had time to sync

  // Like NTP's origin timestamp: the request carries the member's monotonic reading at its send and
  // the reply echoes it, so a reply is matched to the send it answers even across a restart (a
  // counter in volatile state would start again at 1 and take a stale reply for a fresh one).
  struct SyncRequest { time_ns origin_monotonic_ns = 0; };
  struct SyncReply { time_ns origin_monotonic_ns = 0; std::int64_t reading_ns = 0; };
  struct Commit { std::uint64_t request = 0; std::uint32_t key = 0; };
  struct CommitOk { std::uint64_t request = 0; std::int64_t timestamp_ns = 0; };
  struct Refused { std::uint64_t request = 0; };  // not synced yet, or too many commits waiting
  using Message = std::variant<SyncRequest, SyncReply, Commit, CommitOk, Refused>;

  struct SyncDue {};
  struct CommitWait { std::uint64_t txn = 0; };
  struct ClientTimeout { std::uint32_t issued = 0; };
  struct ClientThink {};
  using Timer = std::variant<SyncDue, CommitWait, ClientTimeout, ClientThink>;
  using Ctx = Context<Truetime>;

  struct Interval {
    std::int64_t earliest_ns = 0;
    std::int64_t latest_ns = 0;
  };

  // What the last sync established: true time was in [earliest, latest] when the member's
  // monotonic clock read at_monotonic_ns.
  struct SyncPoint {
    std::int64_t earliest_ns = 0;
    std::int64_t latest_ns = 0;
    time_ns at_monotonic_ns = 0;
  };

  struct PendingCommit {
    NodeId client = no_node;
    std::uint64_t request = 0;
    std::int64_t timestamp_ns = 0;
  };

  struct Node {
    std::optional<SyncPoint> sync;
    time_ns sync_sent_monotonic_ns = 0;  // the latest request's; replies to others are ignored
    bool sync_outstanding = false;
    std::int64_t last_timestamp_ns = 0;  // timestamps this leader assigns only go up
    std::uint64_t txns = 0;              // commits started here (their ids)
    std::map<std::uint64_t, PendingCommit> waiting;  // by txn id: commits in their commit wait
    std::uint32_t commits_waited = 0;    // commits acknowledged after a wait (for a witness)

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);

    // TT.now() at monotonic reading monotonic_ns: nothing before the first sync.
    std::optional<Interval> interval(time_ns monotonic_ns, Variant variant) const;

   private:
    void on_sync_reply(Ctx& ctx, const SyncReply& r);
    void on_commit(Ctx& ctx, NodeId client, const Commit& c);
    void finish_or_wait(Ctx& ctx, std::uint64_t txn);
  };

  struct Client {
    std::uint32_t issued = 0;
    std::uint64_t request = 0;  // the open transaction's; 0 when idle
    TimerId timeout = 0;

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);

   private:
    void next_transaction(Ctx& ctx);
    void finish(Ctx& ctx);
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry truetime_entry();
}  // namespace corridor::protocols

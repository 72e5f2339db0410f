#include "protocols/truetime/truetime.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "invariants/badges/badge_observer.hpp"
#include "invariants/badges/interval_width.hpp"
#include "invariants/external_consistency.hpp"
#include "invariants/interval_contains_true_time.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using Ctx = Truetime::Ctx;
using Variant = Truetime::Variant;
using Interval = Truetime::Interval;

constexpr std::int64_t ppm_scale = 1'000'000;

// The true time that can have passed while a clock within drift_ppm_assumed of true time moved by
// local_ns: at most local / (1 - drift), rounded up; at least local / (1 + drift), rounded down.
time_ns true_elapsed_max_ns(time_ns local_ns) {
  const int128 num = int128{local_ns} * ppm_scale;
  const int128 den = ppm_scale - Truetime::drift_ppm_assumed;
  return static_cast<time_ns>((num + den - 1) / den);
}
time_ns true_elapsed_min_ns(time_ns local_ns) {
  return static_cast<time_ns>(int128{local_ns} * ppm_scale / (ppm_scale + Truetime::drift_ppm_assumed));
}
// The least local time whose true_elapsed_min_ns is at least true_ns (its inverse, rounded up).
time_ns local_for_true_min_ns(time_ns true_ns) {
  const int128 num = int128{true_ns} * (ppm_scale + Truetime::drift_ppm_assumed);
  return static_cast<time_ns>((num + ppm_scale - 1) / ppm_scale);
}

bool ignores_drift(Variant v) { return v == Variant::epsilon_ignores_drift; }

void send_sync_request(Truetime::Node& n, Ctx& ctx) {
  n.sync_outstanding = true;
  n.sync_sent_monotonic_ns = ctx.monotonic();
  ctx.send(ctx.helper_id(0), Truetime::SyncRequest{n.sync_sent_monotonic_ns});
}

std::string key_name(std::uint32_t key) { return fmt::format("k{}", key); }

}  // namespace

std::optional<Interval> Truetime::Node::interval(time_ns monotonic_ns, Variant variant) const {
  if (!sync) return std::nullopt;
  const time_ns local_ns = monotonic_ns - sync->at_monotonic_ns;
  CORRIDOR_ASSERT_MSG(local_ns >= 0, "a monotonic clock never goes back");
  if (ignores_drift(variant)) return Interval{sync->earliest_ns + local_ns, sync->latest_ns + local_ns};
  return Interval{sync->earliest_ns + true_elapsed_min_ns(local_ns) - rounding_ns,
                  sync->latest_ns + true_elapsed_max_ns(local_ns) + rounding_ns};
}

void Truetime::Node::on_start(Ctx& ctx) {
  if (!ctx.is_member(ctx.self())) return;  // the master only answers
  CORRIDOR_ASSERT(ctx.member_count() <= members_max);
  send_sync_request(*this, ctx);
  ctx.set_timer(SyncDue{}, sync_interval_ns);
}

// The reply left the master at least delay_min after the request left here, and reached here at
// least delay_min after it left the master: true time now lies in
// [r + delay_min, r + (true round trip) - delay_min].
void Truetime::Node::on_sync_reply(Ctx& ctx, const SyncReply& r) {
  // A duplicate, or the answer to an older request (perhaps from before a restart).
  if (!sync_outstanding || r.origin_monotonic_ns != sync_sent_monotonic_ns) return;
  sync_outstanding = false;
  const time_ns now_monotonic_ns = ctx.monotonic();
  const time_ns rtt_local_ns = now_monotonic_ns - sync_sent_monotonic_ns;
  const time_ns rtt_true_max_ns = ignores_drift(ctx.variant()) ? rtt_local_ns : true_elapsed_max_ns(rtt_local_ns);
  std::int64_t earliest_ns = r.reading_ns + delay_min_ns_assumed;
  // Only a run outside the assumptions (delays below delay_min) can make this interval empty.
  std::int64_t latest_ns = std::max(earliest_ns, r.reading_ns + rtt_true_max_ns - delay_min_ns_assumed);
  // The interval held so far, carried to now, contains true time too, and so does the intersection
  // of the two: a sample with a long round trip (a pause held the reply) does not widen TT.now().
  if (const std::optional<Interval> held = interval(now_monotonic_ns, ctx.variant())) {
    const std::int64_t both_earliest_ns = std::max(earliest_ns, held->earliest_ns);
    const std::int64_t both_latest_ns = std::min(latest_ns, held->latest_ns);
    // Disjoint only outside the assumptions (or in a planted bug): the new sample then wins.
    if (both_earliest_ns <= both_latest_ns) {
      earliest_ns = both_earliest_ns;
      latest_ns = both_latest_ns;
    }
  }
  sync = SyncPoint{earliest_ns, latest_ns, now_monotonic_ns};
  ctx.note("tt-sync", static_cast<std::uint64_t>(earliest_ns), static_cast<std::uint64_t>(latest_ns));
}

// s is at least TT.now().latest, hence above the true time at which the request arrived, and so
// above the timestamp of every transaction whose commit wait ended before then.
void Truetime::Node::on_commit(Ctx& ctx, NodeId client, const Commit& c) {
  const std::optional<Interval> tt = interval(ctx.monotonic(), ctx.variant());
  if (!tt || waiting.size() >= pending_max || c.key >= keys) {
    ctx.send(client, Refused{c.request});
    return;
  }
  const std::int64_t s = std::max(tt->latest_ns, last_timestamp_ns + 1);
  last_timestamp_ns = s;
  // The width it commits with: about how long the commit wait lasts (the interval-width badge).
  ctx.note("tt-commit", static_cast<std::uint64_t>(s), static_cast<std::uint64_t>(tt->latest_ns - tt->earliest_ns));
  const std::uint64_t txn = ++txns;
  waiting[txn] = {client, c.request, s};
  finish_or_wait(ctx, txn);
}

// Commit wait: the ack goes out once TT.now().earliest > s, that is once s has certainly passed.
void Truetime::Node::finish_or_wait(Ctx& ctx, std::uint64_t txn) {
  const auto it = waiting.find(txn);
  CORRIDOR_ASSERT(it != waiting.end() && sync);
  const PendingCommit p = it->second;
  const time_ns now_monotonic_ns = ctx.monotonic();
  const std::int64_t earliest_ns = interval(now_monotonic_ns, ctx.variant())->earliest_ns;
  if (ctx.variant() == Variant::no_commit_wait || earliest_ns > p.timestamp_ns) {
    if (earliest_ns > p.timestamp_ns) ++commits_waited;  // earliest <= latest <= s when s was picked
    ctx.send(p.client, CommitOk{p.request, p.timestamp_ns});
    waiting.erase(it);
    return;
  }
  // The local time at which earliest passes s under the current sync point (a later sync may
  // move it: the timer then checks again).
  const std::int64_t true_needed_ns = p.timestamp_ns - sync->earliest_ns + 1;
  const time_ns local_needed_ns = ignores_drift(ctx.variant()) ? true_needed_ns
                                                               : local_for_true_min_ns(true_needed_ns + rounding_ns);
  const time_ns wait_ns = std::max<time_ns>(sync->at_monotonic_ns + local_needed_ns - now_monotonic_ns, 1);
  ctx.set_timer(CommitWait{txn}, wait_ns);
}

void Truetime::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (const auto* q = std::get_if<SyncRequest>(&m)) {
    // The master's clock is true time: the fault model leaves it alone (clock_nodes).
    if (ctx.is_helper(ctx.self()) && ctx.is_member(from)) ctx.send(from, SyncReply{q->origin_monotonic_ns, ctx.now()});
  } else if (const auto* r = std::get_if<SyncReply>(&m)) {
    if (ctx.is_member(ctx.self()) && ctx.is_helper(from)) on_sync_reply(ctx, *r);
  } else if (const auto* c = std::get_if<Commit>(&m)) {
    if (ctx.is_member(ctx.self()) && ctx.is_client(from)) on_commit(ctx, from, *c);
  }
}

void Truetime::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (std::holds_alternative<SyncDue>(timer)) {
    send_sync_request(*this, ctx);  // an unanswered request is simply superseded
    ctx.set_timer(SyncDue{}, sync_interval_ns);
  } else if (const auto* w = std::get_if<CommitWait>(&timer); w && waiting.contains(w->txn)) {
    finish_or_wait(ctx, w->txn);
  }
}

// --- clients ---

void Truetime::Client::on_start(Ctx& ctx) { ctx.set_timer(ClientThink{}, client_first_think_ns); }

void Truetime::Client::next_transaction(Ctx& ctx) {
  if (issued >= txns_per_client || !ctx.start_operation()) return;
  ++issued;
  request = (std::uint64_t{ctx.client_index()} + 1) << 32 | issued;
  const auto key = static_cast<std::uint32_t>(ctx.random(keys));
  ctx.record(OpType::invoke, "commit", key_name(key), static_cast<std::int64_t>(request));
  ctx.send(key % ctx.member_count(), Commit{request, key});  // the key's leader
  timeout = ctx.set_timer(ClientTimeout{issued}, client_timeout_ns);
}

void Truetime::Client::finish(Ctx& ctx) {
  ctx.cancel_timer(timeout);
  request = 0;
  ctx.set_timer(ClientThink{}, client_think_min_ns, client_think_max_ns);
}

void Truetime::Client::on_message(Ctx& ctx, NodeId, const Message& m) {
  if (request == 0) return;
  if (const auto* ok = std::get_if<CommitOk>(&m); ok && ok->request == request) {
    ctx.record(OpType::ok, "commit", {}, ok->timestamp_ns);
    finish(ctx);
  } else if (const auto* no = std::get_if<Refused>(&m); no && no->request == request) {
    ctx.record(OpType::fail, "commit", {}, static_cast<std::int64_t>(request));
    finish(ctx);
  }
}

// A transaction whose ack did not come may have committed: its outcome is unknown (info).
void Truetime::Client::on_timer(Ctx& ctx, const Timer& timer) {
  if (const auto* t = std::get_if<ClientTimeout>(&timer); t && t->issued == issued && request != 0) {
    ctx.record(OpType::info, "commit", {}, static_cast<std::int64_t>(request));
    finish(ctx);
  } else if (std::holds_alternative<ClientThink>(timer) && request == 0) {
    next_transaction(ctx);
  }
}

// --- registry entry ---

namespace {

using E = Engine<Truetime>;

std::vector<Witness<E>> truetime_witnesses() {
  const auto on_some_member = [](auto holds) {
    return [holds](const E& w) {
      for (NodeId n = 0; n + w.layout_helpers() < w.layout_nodes(); ++n) {
        if (holds(w.node(n))) return true;
      }
      return false;
    };
  };
  return {{"synced", "a member holds a TrueTime interval from the master",
           on_some_member([](const Truetime::Node& n) { return n.sync.has_value(); })},
          {"commit-waited", "a leader acknowledged a commit after waiting out its timestamp",
           on_some_member([](const Truetime::Node& n) { return n.commits_waited > 0; })},
          operation_completed<E>("a client's transaction was acknowledged")};
}

// The corridor the protocol's epsilon is derived for: an interval no wider than width_ns_max.
std::vector<std::unique_ptr<invariants::BadgeMonitor>> truetime_badge_monitors() {
  std::vector<std::unique_ptr<invariants::BadgeMonitor>> m;
  m.push_back(std::make_unique<invariants::IntervalWidthMonitor>("tt-commit", Truetime::width_ns_max));
  return m;
}

SimulationSpec<Truetime> truetime_spec() {
  return {
      .layout = [](const SimConfig& c) { return E::Layout{.nodes = c.nodes + 1, .clients = Truetime::clients, .helpers = 1}; },
      // Every node may fail, the master too; only the members' clocks drift, skew and jump.
      .targets =
          [](const SimConfig& c) {
            FaultTargets t = every_node_targets(c.nodes + 1);
            t.clock_nodes = c.nodes;
            return t;
          },
      .install =
          [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig& config) {
            const auto variant = static_cast<Variant>(config.variant);
            engine.add_state_invariant(invariants::interval_contains_true_time<E>(
                [variant](const Truetime::Node& n, time_ns monotonic_ns) -> std::optional<invariants::TimeInterval> {
                  const std::optional<Interval> tt = n.interval(monotonic_ns, variant);
                  if (!tt) return std::nullopt;
                  return invariants::TimeInterval{tt->earliest_ns, tt->latest_ns,
                                                  monotonic_ns - n.sync->at_monotonic_ns};
                },
                "tt-contains-true-time"));
            observers.push_back(std::make_unique<invariants::ExternalConsistencyMonitor>("commit", "external-consistency"));
          },
      .install_badges =
          [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
             std::vector<Badge>& badges) {
            auto observer = std::make_unique<invariants::BadgeObserver<E>>(engine, badges);
            for (auto& m : truetime_badge_monitors()) observer->add(std::move(m));
            observers.push_back(std::move(observer));
          },
      .witnesses = truetime_witnesses(),
  };
}

}  // namespace

ProtocolEntry truetime_entry() {
  constexpr const char* faults = "crash=1,partition=1,pause=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms";
  constexpr const char* clock = "drift=1000ppm,skew=20ms,jump=-15ms,jumps=1";
  ProtocolEntry entry = register_protocol<Truetime>(
      {
          .name = "truetime",
          .description = "A TrueTime API (an interval that contains true time, from syncs with a time master "
                         "widened by the drift bound) and a Spanner-style commit with commit wait.",
          .variants =
              {
                  correct_variant(Variant::correct,
                                  "s = TT.now().latest; the ack waits until TT.now().earliest > s; the interval widens "
                                  "by the drift bound times the local time since the last sync."),
                  planted_bug(Variant::no_commit_wait,
                              "The leader acknowledges s as soon as it picks it, so a transaction that starts after "
                              "the ack, at a leader whose interval lies lower, gets a smaller timestamp.",
                              "external-consistency"),
                  planted_bug(Variant::epsilon_ignores_drift,
                              "The interval after a sync keeps its width (the round trip and the local time since "
                              "are taken as true time), so once clocks drift it misses true time.",
                              "tt-contains-true-time"),
              },
          .default_nodes = 3,
          .min_nodes = 1,
          .max_nodes = Truetime::members_max,
          .default_faults = faults,
          .default_clock = clock,
          .campaign_nodes = {1, 3, 5},
          // TT reads monotonic() only: skew and wall-clock jumps either way must change nothing.
          .campaign_clocks = {clock, "drift=1000ppm,skew=20ms,jump=15ms,jumps=1"},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(2),
          .operation_bound_ns = ms(300),  // a client gives up on a transaction after 100 ms
          .demo_faults = faults,
          .demo_clock = clock,
      },
      truetime_spec());
  for (const auto& m : truetime_badge_monitors()) entry.info.badge_monitors.push_back(m->declaration());
  return entry;
}

}  // namespace corridor::protocols

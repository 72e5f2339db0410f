#include "protocols/leader_lease/leader_lease.hpp"

#include <algorithm>
#include <bit>
#include <memory>

#include "invariants/monotonic_token.hpp"
#include "invariants/progress_bound.hpp"
#include "invariants/unique_lease_holder.hpp"
#include "invariants/unique_leader_per_term.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using LL = LeaderLease;
using Ctx = LL::Ctx;
using Role = LL::Role;
using Node = LL::Node;

// A timer's tag: its kind in the low byte, a value (an epoch, a batch id, a request) above it.
enum class TimerKind : std::uint8_t { election = 1, heartbeat, vote_retry, flush, client_timeout, client_think };
constexpr std::uint64_t tag_of(TimerKind kind, std::uint64_t value) { return static_cast<std::uint64_t>(kind) | (value << 8); }
constexpr TimerKind kind_of(std::uint64_t tag) { return static_cast<TimerKind>(tag & 0xFF); }
constexpr std::uint64_t value_of(std::uint64_t tag) { return tag >> 8; }

std::uint32_t lease_node_count(const Ctx& ctx) { return ctx.node_count() - 1; }
NodeId storage_node(const Ctx& ctx) { return ctx.node_count() - 1; }
std::uint32_t majority(const Ctx& ctx) { return lease_node_count(ctx) / 2 + 1; }
std::uint64_t bit(NodeId n) { return std::uint64_t{1} << n; }
bool has_majority(const Ctx& ctx, std::uint64_t mask) { return static_cast<std::uint32_t>(std::popcount(mask)) >= majority(ctx); }
time_ns margin_ns(const Ctx& ctx) { return ctx.variant() == LL::no_drift_margin ? 0 : LL::margin_ns; }
time_ns random_between(Ctx& ctx, time_ns lo_ns, time_ns hi_ns) {
  return lo_ns + static_cast<time_ns>(ctx.random(static_cast<std::uint64_t>(hi_ns - lo_ns) + 1));
}

void arm_election(Ctx& ctx, time_ns delay_ns) { ctx.set_timer(delay_ns, tag_of(TimerKind::election, 0)); }
void promise(Node& node, Ctx& ctx) { node.promise_until_ns = std::max(node.promise_until_ns, ctx.monotonic() + LL::lease_ns); }

// The open batch's clients learn that this node cannot take their writes.
void fail_open_batch(Node& node, Ctx& ctx) {
  if (!node.open_batch) return;
  for (const LL::ClientWrite& w : node.open_batch->writes) ctx.send(w.client, LL::NotLeader{w.request, w.attempt, no_node});
  node.open_batch.reset();
}

void step_down(Node& node, Ctx& ctx) {
  if (node.role == Role::follower) return;
  node.role = Role::follower;
  node.lead_term = 0;
  node.lease_until_ns = 0;
  node.leader_hint = no_node;
  ++node.epoch;
  fail_open_batch(node, ctx);
}

void adopt_term(Node& node, Ctx& ctx, std::uint64_t term) {
  LL::Durable& d = ctx.durable();
  if (term <= d.term) return;
  d.term = term;
  d.voted_for = no_node;
  step_down(node, ctx);
}

// --- election ---

void request_votes(Node& node, Ctx& ctx) {
  for (NodeId peer = 0; peer < lease_node_count(ctx); ++peer) {
    if ((node.votes & bit(peer)) == 0) ctx.send(peer, LL::RequestVote{ctx.durable().term});
  }
}

void send_heartbeats(Node& node, Ctx& ctx);

void become_leader(Node& node, Ctx& ctx) {
  node.role = Role::leader;
  node.lead_term = ctx.durable().term;
  node.leader_hint = ctx.self();
  ++node.epoch;
  node.lease_until_ns = node.candidacy_ns + LL::lease_ns - margin_ns(ctx);
  node.rounds = {};
  send_heartbeats(node, ctx);
  ctx.set_timer(LL::heartbeat_ns, tag_of(TimerKind::heartbeat, node.epoch));
}

void start_candidacy(Node& node, Ctx& ctx) {
  LL::Durable& d = ctx.durable();
  ++d.term;
  d.voted_for = ctx.self();
  node.role = Role::candidate;
  node.lead_term = 0;
  node.leader_hint = no_node;
  ++node.epoch;
  // No promise for its own vote: it serves only this candidacy, and if the candidacy wins, the
  // leader's first heartbeat round makes the promise (from a time after candidacy_ns).
  node.candidacy_ns = ctx.monotonic();
  node.votes = bit(ctx.self());
  if (has_majority(ctx, node.votes)) {
    become_leader(node, ctx);
    return;
  }
  request_votes(node, ctx);
  ctx.set_timer(LL::vote_retry_ns, tag_of(TimerKind::vote_retry, node.epoch));
}

// Whether `candidate` may have this node's vote in `term`, promises aside: one vote per term.
bool may_vote(Ctx& ctx, std::uint64_t term, NodeId candidate) {
  const LL::Durable& d = ctx.durable();
  if (candidate == no_node) return false;
  return term > d.term || (term == d.term && (d.voted_for == no_node || d.voted_for == candidate));
}

void grant_vote(Node& node, Ctx& ctx, NodeId candidate) {
  ctx.durable().voted_for = candidate;
  promise(node, ctx);
  node.asked_by = no_node;
  ctx.send(candidate, LL::Vote{ctx.durable().term, true});
}

// A follower stands only once its promise has run out (a leader's heartbeats keep renewing it).
// If a candidate asked in the meantime it gets the vote instead: two followers whose promises
// end together would otherwise both stand and split the vote.
void on_election_timer(Node& node, Ctx& ctx) {
  const time_ns now_ns = ctx.monotonic();
  const time_ns timeout_ns = random_between(ctx, LL::election_timeout_min_ns, LL::election_timeout_max_ns);
  if (node.role == Role::leader) {
    arm_election(ctx, timeout_ns);
  } else if (now_ns < node.promise_until_ns) {
    arm_election(ctx, node.promise_until_ns - now_ns + random_between(ctx, 0, LL::election_jitter_ns));
  } else if (may_vote(ctx, node.asked_term, node.asked_by)) {
    adopt_term(node, ctx, node.asked_term);
    grant_vote(node, ctx, node.asked_by);
    arm_election(ctx, timeout_ns);
  } else {
    start_candidacy(node, ctx);
    arm_election(ctx, timeout_ns);
  }
}

void on_request_vote(Node& node, Ctx& ctx, NodeId from, const LL::RequestVote& m) {
  LL::Durable& d = ctx.durable();
  // Two candidates of one term: the higher id withdraws and gives its vote to the lower. Its vote
  // for itself served only its own candidacy, which ends here, so nothing relies on it.
  if (node.role == Role::candidate && m.term == d.term && from < ctx.self()) {
    step_down(node, ctx);
    grant_vote(node, ctx, from);
    return;
  }
  // While a promise holds the request is not even looked at, its term included: a leader with
  // live followers is not deposed by a node that merely stopped hearing it.
  if (ctx.monotonic() < node.promise_until_ns) {
    if (may_vote(ctx, m.term, from) && m.term >= node.asked_term) {
      node.asked_by = from;
      node.asked_term = m.term;
    }
    ctx.send(from, LL::Vote{d.term, false});
    return;
  }
  if (may_vote(ctx, m.term, from)) {
    adopt_term(node, ctx, m.term);
    grant_vote(node, ctx, from);
    return;
  }
  ctx.send(from, LL::Vote{d.term, false});
}

void on_vote(Node& node, Ctx& ctx, NodeId from, const LL::Vote& m) {
  if (m.term > ctx.durable().term) {
    adopt_term(node, ctx, m.term);
    return;
  }
  if (node.role != Role::candidate || m.term != ctx.durable().term || !m.granted) return;
  node.votes |= bit(from);
  if (has_majority(ctx, node.votes)) become_leader(node, ctx);
}

// --- leadership ---

void count_round(Node& node, Ctx& ctx, LL::Round& round) {
  if (!has_majority(ctx, round.acks)) return;
  node.lease_until_ns = std::max(node.lease_until_ns, round.sent_ns + LL::lease_ns - margin_ns(ctx));
}

void send_heartbeats(Node& node, Ctx& ctx) {
  const std::uint64_t r = ++node.next_round;
  LL::Round& round = node.rounds[r % LL::rounds_kept];
  round = {r, ctx.monotonic(), bit(ctx.self())};
  promise(node, ctx);  // the leader acknowledges its own round
  for (NodeId peer = 0; peer < lease_node_count(ctx); ++peer) {
    if (peer != ctx.self()) ctx.send(peer, LL::Heartbeat{node.lead_term, r});
  }
  count_round(node, ctx, round);
}

// A leader that has not heard a majority for a whole lease stops leading.
void on_heartbeat_timer(Node& node, Ctx& ctx) {
  if (ctx.monotonic() >= node.lease_until_ns) {
    step_down(node, ctx);
    return;
  }
  send_heartbeats(node, ctx);
  ctx.set_timer(LL::heartbeat_ns, tag_of(TimerKind::heartbeat, node.epoch));
}

void on_heartbeat(Node& node, Ctx& ctx, NodeId from, const LL::Heartbeat& m) {
  if (m.term < ctx.durable().term) {
    ctx.send(from, LL::HeartbeatAck{ctx.durable().term, m.round, false});
    return;
  }
  adopt_term(node, ctx, m.term);
  step_down(node, ctx);  // a candidate of this term lost to `from`
  node.leader_hint = from;
  promise(node, ctx);
  ctx.send(from, LL::HeartbeatAck{m.term, m.round, true});
}

void on_heartbeat_ack(Node& node, Ctx& ctx, NodeId from, const LL::HeartbeatAck& m) {
  if (m.term > ctx.durable().term) {
    adopt_term(node, ctx, m.term);
    return;
  }
  if (!m.ok || node.role != Role::leader || m.term != node.lead_term) return;
  LL::Round& round = node.rounds[m.round % LL::rounds_kept];
  if (round.round != m.round) return;  // too old to count
  round.acks |= bit(from);
  count_round(node, ctx, round);
}

// --- client writes, batches and storage ---

// The lease is checked here, when the write joins a batch; the flush 5 ms later does not check it
// again (a pause between check and write, as a garbage collector makes, is the fencing case).
void on_write(Node& node, Ctx& ctx, NodeId from, const LL::Write& m) {
  const bool leading = node.role == Role::leader && ctx.monotonic() < node.lease_until_ns;
  if (!leading || (node.open_batch && node.open_batch->writes.size() >= LL::batch_writes_max)) {
    ctx.send(from, LL::NotLeader{m.request, m.attempt, node.leader_hint == ctx.self() ? no_node : node.leader_hint});
    return;
  }
  if (!node.open_batch) {
    node.open_batch = LL::Batch{++node.next_batch, node.lead_term, {}, {}};
    ctx.set_timer(LL::flush_delay_ns, tag_of(TimerKind::flush, node.open_batch->id));
  }
  node.open_batch->writes.push_back({from, m.request, m.attempt});
  node.open_batch->values.push_back(m.value);
}

void on_flush_timer(Node& node, Ctx& ctx, std::uint64_t batch_id) {
  if (!node.open_batch || node.open_batch->id != batch_id) return;
  if (node.in_flight.size() >= LL::batches_in_flight_max) {  // storage unreachable for long
    fail_open_batch(node, ctx);
    return;
  }
  ctx.send(storage_node(ctx), LL::StoreBatch{node.open_batch->token, batch_id, node.open_batch->values});
  node.in_flight.push_back(std::move(*node.open_batch));
  node.open_batch.reset();
}

void on_store_ack(Node& node, Ctx& ctx, const LL::StoreAck& m) {
  const auto it = std::find_if(node.in_flight.begin(), node.in_flight.end(), [&](const LL::Batch& b) { return b.id == m.batch; });
  if (it == node.in_flight.end()) return;
  for (const LL::ClientWrite& w : it->writes) {
    if (m.accepted) ctx.send(w.client, LL::WriteOk{w.request});
    else ctx.send(w.client, LL::NotLeader{w.request, w.attempt, no_node});
  }
  const std::uint64_t token = it->token;
  node.in_flight.erase(it);
  // Storage has seen a newer leader's token: this node's leadership is over.
  if (!m.accepted && node.role == Role::leader && node.lead_term <= token) step_down(node, ctx);
}

void on_store_batch(Node& node, Ctx& ctx, NodeId from, const LL::StoreBatch& m) {
  LL::Durable& d = ctx.durable();
  const bool accepted = ctx.variant() == LL::no_fencing || m.token >= d.store_token;
  if (accepted) {
    d.store_token = std::max(d.store_token, m.token);
    node.writes_stored += m.values.size();
    ctx.note("accept", m.token);
  }
  ctx.send(from, LL::StoreAck{m.batch, accepted, d.store_token});
}

}  // namespace

void LeaderLease::Node::on_start(Ctx& ctx) {
  if (ctx.self() == storage_node(ctx)) {
    role = Role::storage;
    return;
  }
  arm_election(ctx, random_between(ctx, election_timeout_min_ns, election_timeout_max_ns));
}

// The promises made before the crash were volatile: keep quiet for one lease instead.
void LeaderLease::Node::on_recover(Ctx& ctx) {
  if (ctx.self() == storage_node(ctx)) {
    role = Role::storage;
    return;
  }
  promise(*this, ctx);
  arm_election(ctx, random_between(ctx, election_timeout_min_ns, election_timeout_max_ns));
}

void LeaderLease::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  std::visit(
      [&](const auto& msg) {
        using M = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<M, RequestVote>) on_request_vote(*this, ctx, from, msg);
        else if constexpr (std::is_same_v<M, Vote>) on_vote(*this, ctx, from, msg);
        else if constexpr (std::is_same_v<M, Heartbeat>) on_heartbeat(*this, ctx, from, msg);
        else if constexpr (std::is_same_v<M, HeartbeatAck>) on_heartbeat_ack(*this, ctx, from, msg);
        else if constexpr (std::is_same_v<M, Write>) on_write(*this, ctx, from, msg);
        else if constexpr (std::is_same_v<M, StoreBatch>) on_store_batch(*this, ctx, from, msg);
        else if constexpr (std::is_same_v<M, StoreAck>) on_store_ack(*this, ctx, msg);
        // NotLeader and WriteOk are for clients.
      },
      m);
}

void LeaderLease::Node::on_timer(Ctx& ctx, std::uint64_t tag) {
  const std::uint64_t value = value_of(tag);
  switch (kind_of(tag)) {
    case TimerKind::election: on_election_timer(*this, ctx); break;
    case TimerKind::heartbeat:
      if (role == Role::leader && value == epoch) on_heartbeat_timer(*this, ctx);
      break;
    case TimerKind::vote_retry:
      if (role == Role::candidate && value == epoch) {
        request_votes(*this, ctx);
        ctx.set_timer(vote_retry_ns, tag_of(TimerKind::vote_retry, epoch));
      }
      break;
    case TimerKind::flush: on_flush_timer(*this, ctx, value); break;
    case TimerKind::client_timeout:
    case TimerKind::client_think: break;
  }
}

// --- clients ---

namespace {

using Client = LL::Client;

void send_request(Client& c, Ctx& ctx) {
  ++c.attempt;
  ctx.send(c.target, LL::Write{c.request, c.attempt, c.value});
  c.timeout = ctx.set_timer(LL::client_timeout_ns, tag_of(TimerKind::client_timeout, c.issued));
}

void next_operation(Client& c, Ctx& ctx) {
  if (!ctx.start_operation()) return;  // the workload's budget is spent: the client stays idle
  ++c.issued;
  c.request = (std::uint64_t{ctx.self() - ctx.first_client()} + 1) << 32 | c.issued;
  c.value = static_cast<std::int64_t>(ctx.random(1'000'000));
  ctx.record(OpType::invoke, "write", {}, c.value);
  send_request(c, ctx);
}

void retry_at(Client& c, Ctx& ctx, NodeId target) {
  ctx.cancel_timer(c.timeout);
  c.target = target;
  send_request(c, ctx);
}

NodeId next_node(const Client& c, const Ctx& ctx) { return (c.target + 1) % lease_node_count(ctx); }

}  // namespace

void LeaderLease::Client::on_start(Ctx& ctx) {
  target = static_cast<NodeId>(ctx.random(lease_node_count(ctx)));
  next_operation(*this, ctx);
}

void LeaderLease::Client::on_message(Ctx& ctx, NodeId, const Message& m) {
  if (const auto* ok = std::get_if<WriteOk>(&m); ok && ok->request == request && request != 0) {
    ctx.cancel_timer(timeout);
    ctx.record(OpType::ok, "write", {}, value);
    request = 0;
    ctx.set_timer(client_think_ns, tag_of(TimerKind::client_think, issued));
  } else if (const auto* no = std::get_if<NotLeader>(&m);
             no && no->request == request && no->attempt == attempt && request != 0) {
    const bool useful_hint = no->hint < lease_node_count(ctx) && no->hint != target;
    retry_at(*this, ctx, useful_hint ? no->hint : next_node(*this, ctx));
  }
}

void LeaderLease::Client::on_timer(Ctx& ctx, std::uint64_t tag) {
  if (value_of(tag) != issued) return;
  if (kind_of(tag) == TimerKind::client_timeout && request != 0) retry_at(*this, ctx, next_node(*this, ctx));
  else if (kind_of(tag) == TimerKind::client_think && request == 0) next_operation(*this, ctx);
}

// --- registry entry ---

namespace {

SimulationSpec<LeaderLease> leader_lease_spec() {
  using E = Engine<LeaderLease>;
  return {
      .layout = [](const SimConfig& c) { return E::Layout{c.nodes + 1, 2}; },
      .targets =
          [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install =
          [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
            engine.add_state_invariant(invariants::unique_leader_per_term<E>(
                [](const LL::Node& n) { return n.leading_term(); }, "unique-leader"));
            engine.add_state_invariant(invariants::unique_lease_holder<E>(
                [](const LL::Node& n, time_ns monotonic_ns) { return n.believes_lease(monotonic_ns); },
                "unique-lease-holder",
                [](const LL::Node& n) {
                  return fmt::format("term {}, lease until {} on its clock", n.lead_term,
                                     invariants::time_text(n.lease_until_ns));
                }));
            observers.push_back(std::make_unique<invariants::MonotonicTokenMonitor>("accept", "fencing-monotonic"));
            observers.push_back(std::make_unique<invariants::ProgressBoundMonitor>(seconds(3), "progress-bound"));
          },
  };
}

}  // namespace

ProtocolEntry leader_lease_entry() {
  ProtocolEntry entry;
  entry.info = {
      .name = "leader-lease",
      .description = "Leader election with leases and fencing tokens; a storage node checks the tokens.",
      .variants =
          {
              {"correct", false, "Leases end a drift margin early and storage rejects tokens older than the highest."},
              {"no-drift-margin", true, "Leases last the full lease on the leader's clock, so a slow clock outlives a "
                                        "fast voter's promise and two leaders hold a lease at once."},
              {"no-fencing", true, "Storage accepts every write, so a leader paused between its lease check and its "
                                   "write overwrites its successor's writes."},
          },
      .invariants = {"unique-leader", "unique-lease-holder", "fencing-monotonic", "progress-bound"},
      .default_nodes = 3,
      .min_nodes = 1,
      .max_nodes = LL::lease_nodes_max,
      .default_faults = "crash=1,partition=1,pause=1,delay=uniform:1ms:10ms",
      .default_clock = "drift=50000ppm",
      .default_time_limit_ns = seconds(10),
      .demo_faults = "partition=2,pause=4,delay=uniform:1ms:10ms",
      .demo_clock = "drift=50000ppm",
  };
  entry.make = [] { return std::make_unique<SimulationOf<LeaderLease>>(leader_lease_spec()); };
  return entry;
}

}  // namespace corridor::protocols

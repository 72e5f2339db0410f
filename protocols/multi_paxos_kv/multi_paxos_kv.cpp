#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"

#include <algorithm>
#include <bit>
#include <memory>
#include <stdexcept>

#include "invariants/accept_keeps_promise.hpp"
#include "invariants/badges/operation_latency.hpp"
#include "invariants/exactly_once.hpp"
#include "invariants/leader_stability.hpp"
#include "invariants/linearizability.hpp"
#include "invariants/log_agreement.hpp"
#include "model/reflect.hpp"
#include "model/assert.hpp"
#include "protocols/flexible_paxos/flexible_paxos.hpp"
#include "protocols/multi_paxos_kv/shared.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using MP = MultiPaxosKv;
using Node = MP::Node;
using Role = MP::Role;
using Op = MP::Op;

using Variant = MP::Variant;

// Every function below is a template over the Context of the bundle P running the store; these
// two are all that it asks of P.
template <class P>
Variant store_variant(const Context<P>& ctx) { return P::store_variant(ctx.variant()); }
template <class P>
PaxosQuorums quorums(const Context<P>& ctx) {
  const PaxosQuorums q = P::quorums(ctx.variant(), ctx.node_count());
  CORRIDOR_ASSERT(q.phase1_nodes >= 1 && q.phase1_nodes <= ctx.node_count());
  CORRIDOR_ASSERT(q.phase2_nodes >= 1 && q.phase2_nodes <= ctx.node_count());
  return q;
}

// --- the state machine ---

template <class Ctx>
bool executes(const Node& node, const Ctx& ctx, const MP::Command& c) {
  if (c.op == Op::noop) return false;
  if (store_variant(ctx) == Variant::no_dedup) return true;
  const auto it = node.sessions.find(c.client);
  return it == node.sessions.end() || it->second.request < c.request;
}

MP::Result execute(Node& node, const MP::Command& c) { return kv_store::execute(node.kv, c); }

template <class Ctx>
void take_snapshot(Node& node, Ctx& ctx) {
  MP::Durable& d = ctx.durable();
  d.snapshot = MP::Snapshot{node.applied, node.kv, node.sessions};
  d.accepted.erase(d.accepted.begin(), d.accepted.upper_bound(node.applied));
  node.log.clear();
}

template <class Ctx>
void install_snapshot(Node& node, Ctx& ctx, const MP::Snapshot& s) {
  if (s.slot <= node.applied) return;
  node.applied = s.slot;
  node.kv = s.kv;
  node.sessions = s.sessions;
  node.log.clear();
  node.decided.erase(node.decided.begin(), node.decided.upper_bound(s.slot));
  MP::Durable& d = ctx.durable();
  if (s.slot > d.snapshot.slot) {
    d.snapshot = s;
    d.accepted.erase(d.accepted.begin(), d.accepted.upper_bound(s.slot));
  }
}

template <class Ctx>
void apply_one(Node& node, Ctx& ctx, std::uint64_t slot, const MP::Command& c) {
  ctx.note("decide", slot, hash_of(c));
  MP::Result result;
  if (executes(node, ctx, c)) {
    ctx.note("execute", c.request, slot);
    result = execute(node, c);
    node.sessions[c.client] = MP::Session{c.request, result};
  } else if (c.op != Op::noop) {
    const MP::Session& s = node.sessions[c.client];
    if (s.request != c.request) return;  // an older request: its client has moved on
    result = s.result;
  }
  if (node.role == Role::leader && c.op != Op::noop) ctx.send(c.client, MP::Reply{c.request, result});
}

template <class Ctx>
void apply_decided(Node& node, Ctx& ctx) {
  for (auto it = node.decided.begin(); it != node.decided.end() && it->first == node.applied + 1;) {
    const MP::Command c = it->second;
    it = node.decided.erase(it);
    ++node.applied;
    CORRIDOR_ASSERT_MSG(node.log.empty() || node.log.rbegin()->first < node.applied, "slots apply once, in order");
    apply_one(node, ctx, node.applied, c);
    node.log.emplace(node.applied, c);
  }
  if (node.applied - ctx.durable().snapshot.slot >= MP::truncate_every) take_snapshot(node, ctx);
}

template <class Ctx>
void learn(Node& node, Ctx& ctx, std::uint64_t slot, const MP::Command& c) {
  if (slot <= node.applied) return;
  if (node.decided.size() >= MP::decided_ahead_max) throw std::length_error("multi-paxos: too many decided slots ahead");
  node.decided.emplace(slot, c);
  apply_decided(node, ctx);
}

// --- roles ---

template <class Ctx>
void step_down(Node& node, Ctx& ctx, std::uint64_t promised) {
  if (node.role != Role::follower && promised > node.ballot) {
    if (node.role == Role::leader) ctx.note("step-down", node.ballot);
    node.role = Role::follower;
    node.proposals.clear();
    node.recovered.clear();
    node.has_recovered_snapshot = false;
  }
}

// A sign of a leader (or candidate) with a ballot at least our promise: it keeps us from
// standing for election. The planted bug: a heartbeat does not count as such a sign, so a
// follower of a leader with nothing to accept stands every election timeout.
template <class Ctx>
bool hear_ballot(Node& node, Ctx& ctx, std::uint64_t ballot, NodeId from, bool heartbeat = false) {
  MP::Durable& d = ctx.durable();
  if (ballot < d.promised) return false;
  d.promised = ballot;  // never lowers a promise: ballot >= d.promised
  step_down(node, ctx, ballot);
  if (node.role == Role::follower) {
    node.leader_hint = from;
    if (!heartbeat || store_variant(ctx) != Variant::election_timer_not_reset) node.heard_ns = ctx.monotonic();
  }
  return true;
}

template <class Ctx>
void accept_own(Node& node, Ctx& ctx, std::uint64_t slot, const MP::Command& c) {
  ctx.durable().accepted[slot] = MP::AcceptedEntry{node.ballot, c};
}

template <class Ctx>
void send_accepts(Node& node, Ctx& ctx, std::uint64_t slot, const MP::Proposal& p) {
  for (NodeId n : ctx.nodes()) {
    if (!p.acks.contains(n)) ctx.send(n, MP::Accept{node.ballot, slot, p.cmd});
  }
}

template <class Ctx>
void decide(Node& node, Ctx& ctx, std::uint64_t slot) {
  CORRIDOR_ASSERT_MSG(node.role == Role::leader, "only a leader decides");
  CORRIDOR_ASSERT_MSG(
      store_variant(ctx) == Variant::reply_before_majority || quorums(ctx).decides(node.proposals.at(slot).acks),
      "a slot is decided once a phase-2 quorum accepted it");
  const MP::Command c = node.proposals.at(slot).cmd;
  node.proposals.erase(slot);
  ctx.broadcast(MP::Decide{slot, c});
  learn(node, ctx, slot, c);
}

template <class Ctx>
void propose(Node& node, Ctx& ctx, std::uint64_t slot, const MP::Command& c) {
  MP::Proposal& p = node.proposals[slot];
  p = MP::Proposal{c, NodeSet::of(ctx.self())};
  accept_own(node, ctx, slot, c);
  // The planted bug: the leader's own accept is enough.
  if (store_variant(ctx) == Variant::reply_before_majority || quorums(ctx).decides(p.acks)) {
    decide(node, ctx, slot);
    return;
  }
  send_accepts(node, ctx, slot, p);
}

template <class Ctx>
void send_heartbeats(Node& node, Ctx& ctx) {
  node.heartbeat_sent_ns = ctx.monotonic();
  ctx.broadcast(MP::Heartbeat{node.ballot, node.applied});
  for (const auto& [slot, p] : node.proposals) send_accepts(node, ctx, slot, p);
}

template <class Ctx>
void become_leader(Node& node, Ctx& ctx) {
  node.role = Role::leader;
  node.leader_hint = ctx.self();
  ctx.note("leader", node.ballot);
  if (node.has_recovered_snapshot) install_snapshot(node, ctx, node.recovered_snapshot);
  std::uint64_t last = node.applied;
  if (!node.decided.empty()) last = std::max(last, node.decided.rbegin()->first);
  if (store_variant(ctx) == Variant::skip_recovery) {
    node.recovered.clear();
    last = node.applied;  // the planted bug: new commands go right after what this node applied
  }
  if (!node.recovered.empty()) last = std::max(last, node.recovered.rbegin()->first);
  node.next_slot = last + 1;
  // Re-propose every slot after the applied prefix: what we know decided, else the value with the
  // highest ballot a promise reported, else a no-op.
  const std::map<std::uint64_t, MP::Command> known = node.decided;
  for (std::uint64_t slot = node.applied + 1; slot <= last && node.role == Role::leader; ++slot) {
    MP::Command c;
    if (const auto k = known.find(slot); k != known.end()) c = k->second;
    else if (const auto r = node.recovered.find(slot); r != node.recovered.end()) c = r->second.cmd;
    if (node.proposals.size() >= MP::proposals_max * 64) throw std::length_error("multi-paxos: recovery too long");
    propose(node, ctx, slot, c);
  }
  node.recovered.clear();
  node.has_recovered_snapshot = false;
  send_heartbeats(node, ctx);
}

template <class Ctx>
void start_election(Node& node, Ctx& ctx) {
  MP::Durable& d = ctx.durable();
  node.ballot = (std::max(d.promised, node.ballot) / 64 + 1) * 64 + ctx.self();
  d.promised = node.ballot;
  ctx.note("election", node.ballot);
  node.role = Role::candidate;
  node.proposals.clear();
  node.leader_hint = no_node;
  node.heard_ns = ctx.monotonic();
  node.election_timeout_ns = ctx.random_between(MP::election_timeout_min_ns, MP::election_timeout_max_ns);
  node.promises = NodeSet::of(ctx.self());
  node.recovered.clear();
  node.has_recovered_snapshot = false;
  for (const auto& [slot, e] : d.accepted) {
    if (slot > node.applied) node.recovered[slot] = e;
  }
  if (quorums(ctx).elects(node.promises)) {
    become_leader(node, ctx);
    return;
  }
  ctx.broadcast(MP::Prepare{node.ballot, node.applied});
}

// --- handlers ---

template <class Ctx>
void on_request(Node& node, Ctx& ctx, NodeId from, const MP::Command& c) {
  if (c.client != from) return;
  if (node.role != Role::leader) {
    ctx.send(from, MP::Redirect{c.request, node.leader_hint});
    return;
  }
  if (store_variant(ctx) != Variant::no_dedup) {
    if (const auto s = node.sessions.find(c.client); s != node.sessions.end() && s->second.request >= c.request) {
      if (s->second.request == c.request) ctx.send(from, MP::Reply{c.request, s->second.result});
      return;
    }
    for (const auto& [slot, p] : node.proposals) {
      if (p.cmd.client == c.client && p.cmd.request == c.request) return;  // in progress
    }
  }
  if (node.proposals.size() >= MP::proposals_max) return;  // the client will retry
  propose(node, ctx, node.next_slot++, c);
}

template <class Ctx>
void on_prepare(Node& node, Ctx& ctx, NodeId from, const MP::Prepare& p) {
  MP::Durable& d = ctx.durable();
  if (p.ballot < d.promised || (p.ballot == d.promised && from != p.ballot % 64)) {
    ctx.send(from, MP::Nack{d.promised});
    return;
  }
  hear_ballot(node, ctx, p.ballot, from);
  MP::Promise promise{p.ballot, {}, false, {}};
  for (auto it = d.accepted.upper_bound(p.applied); it != d.accepted.end(); ++it) {
    promise.accepted.push_back(MP::SlotEntry{it->first, it->second.ballot, it->second.cmd});
  }
  if (d.snapshot.slot > p.applied) {
    promise.has_snapshot = true;
    promise.snapshot = d.snapshot;
  }
  ctx.send(from, std::move(promise));
}

template <class Ctx>
void on_promise(Node& node, Ctx& ctx, NodeId from, const MP::Promise& p) {
  if (node.role != Role::candidate || p.ballot != node.ballot || node.promises.contains(from)) return;
  node.promises.insert(from);
  if (p.has_snapshot && p.snapshot.slot > node.applied &&
      (!node.has_recovered_snapshot || p.snapshot.slot > node.recovered_snapshot.slot)) {
    node.has_recovered_snapshot = true;
    node.recovered_snapshot = p.snapshot;
  }
  for (const MP::SlotEntry& e : p.accepted) {
    auto [it, fresh] = node.recovered.try_emplace(e.slot, MP::AcceptedEntry{e.ballot, e.cmd});
    if (!fresh && e.ballot > it->second.ballot) it->second = MP::AcceptedEntry{e.ballot, e.cmd};
  }
  if (quorums(ctx).elects(node.promises)) {
    if (node.has_recovered_snapshot) {
      node.recovered.erase(node.recovered.begin(), node.recovered.upper_bound(node.recovered_snapshot.slot));
    }
    become_leader(node, ctx);
  }
}

template <class Ctx>
void on_accept(Node& node, Ctx& ctx, NodeId from, const MP::Accept& a) {
  MP::Durable& d = ctx.durable();
  // The planted bug: accept whatever the promise says (without lowering it).
  const bool below = a.ballot < d.promised;
  if (below && store_variant(ctx) != Variant::accept_below_promise) {
    ctx.send(from, MP::Nack{d.promised});
    return;
  }
  ctx.note("accept", a.ballot, d.promised);  // accept-keeps-promise: the ballot against the promise it arrived at
  if (!below) hear_ballot(node, ctx, a.ballot, from);
  if (a.slot > d.snapshot.slot && a.slot > node.applied) d.accepted[a.slot] = MP::AcceptedEntry{a.ballot, a.cmd};
  ctx.send(from, MP::Accepted{a.ballot, a.slot});
}

template <class Ctx>
void on_accepted(Node& node, Ctx& ctx, NodeId from, const MP::Accepted& a) {
  if (node.role != Role::leader || a.ballot != node.ballot) return;
  const auto it = node.proposals.find(a.slot);
  if (it == node.proposals.end()) return;
  it->second.acks.insert(from);
  if (quorums(ctx).decides(it->second.acks)) decide(node, ctx, a.slot);
}

template <class Ctx>
void on_heartbeat(Node& node, Ctx& ctx, NodeId from, const MP::Heartbeat& h) {
  if (!hear_ballot(node, ctx, h.ballot, from, /*heartbeat=*/true)) {
    ctx.send(from, MP::Nack{ctx.durable().promised});
    return;
  }
  if (h.applied > node.applied && ctx.monotonic() - node.catch_up_sent_ns >= MP::catch_up_gap_ns) {
    node.catch_up_sent_ns = ctx.monotonic();
    ctx.send(from, MP::CatchUp{node.applied + 1});
  }
}

template <class Ctx>
void on_catch_up(Node& node, Ctx& ctx, NodeId from, const MP::CatchUp& c) {
  MP::CatchUpReply reply;
  const MP::Snapshot& snapshot = ctx.durable().snapshot;
  if (c.from_slot <= snapshot.slot) {
    reply.has_snapshot = true;
    reply.snapshot = snapshot;
  }
  for (auto it = node.log.lower_bound(c.from_slot); it != node.log.end(); ++it) {
    if (reply.entries.size() >= MP::catch_up_entries_max) break;
    reply.entries.push_back(MP::SlotEntry{it->first, 0, it->second});
  }
  if (reply.has_snapshot || !reply.entries.empty()) ctx.send(from, std::move(reply));
}

template <class Ctx>
void on_catch_up_reply(Node& node, Ctx& ctx, const MP::CatchUpReply& r) {
  if (r.has_snapshot) install_snapshot(node, ctx, r.snapshot);
  for (const MP::SlotEntry& e : r.entries) learn(node, ctx, e.slot, e.cmd);
  apply_decided(node, ctx);
}

template <class Ctx>
void on_nack(Node& node, Ctx& ctx, const MP::Nack& n) {
  MP::Durable& d = ctx.durable();
  if (n.promised <= node.ballot) return;
  d.promised = std::max(d.promised, n.promised);
  step_down(node, ctx, n.promised);
}

template <class Ctx>
void on_tick(Node& node, Ctx& ctx) {
  ctx.set_timer(MP::Tick{}, MP::tick_ns);
  const time_ns now = ctx.monotonic();
  if (node.role == Role::leader) {
    if (now - node.heartbeat_sent_ns >= MP::heartbeat_ns) send_heartbeats(node, ctx);
    return;
  }
  if (now - node.heard_ns >= node.election_timeout_ns) start_election(node, ctx);
}

template <class Ctx>
void start_replica(Node& node, Ctx& ctx) {
  install_snapshot(node, ctx, ctx.durable().snapshot);
  node.heard_ns = ctx.monotonic();
  node.election_timeout_ns = ctx.random_between(MP::election_timeout_min_ns, MP::election_timeout_max_ns);
  ctx.set_timer(MP::Tick{}, MP::tick_ns);
}

}  // namespace

template <class P>
void PaxosStore<P>::start(Node& node, Ctx& ctx) { start_replica(node, ctx); }

template <class P>
void PaxosStore<P>::timer(Node& node, Ctx& ctx, const MP::Timer& timer) {
  if (std::holds_alternative<MP::Tick>(timer)) on_tick(node, ctx);
}

template <class P>
void PaxosStore<P>::message(Node& node, Ctx& ctx, NodeId from, const MP::Message& m) {
  if (const auto* r = std::get_if<MP::Request>(&m)) return on_request(node, ctx, from, r->cmd);
  if (!ctx.is_node(from)) return;  // everything else comes from replicas
  std::visit(
      [&](const auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, MP::Prepare>) on_prepare(node, ctx, from, msg);
        else if constexpr (std::is_same_v<T, MP::Promise>) on_promise(node, ctx, from, msg);
        else if constexpr (std::is_same_v<T, MP::Nack>) on_nack(node, ctx, msg);
        else if constexpr (std::is_same_v<T, MP::Accept>) on_accept(node, ctx, from, msg);
        else if constexpr (std::is_same_v<T, MP::Accepted>) on_accepted(node, ctx, from, msg);
        else if constexpr (std::is_same_v<T, MP::Decide>) learn(node, ctx, msg.slot, msg.cmd);
        else if constexpr (std::is_same_v<T, MP::Heartbeat>) on_heartbeat(node, ctx, from, msg);
        else if constexpr (std::is_same_v<T, MP::CatchUp>) on_catch_up(node, ctx, from, msg);
        else if constexpr (std::is_same_v<T, MP::CatchUpReply>) on_catch_up_reply(node, ctx, msg);
      },
      m);
}

void MultiPaxosKv::Node::on_start(Ctx& ctx) { PaxosStore<MultiPaxosKv>::start(*this, ctx); }
void MultiPaxosKv::Node::on_recover(Ctx& ctx) { PaxosStore<MultiPaxosKv>::start(*this, ctx); }
void MultiPaxosKv::Node::on_timer(Ctx& ctx, const Timer& timer) { PaxosStore<MultiPaxosKv>::timer(*this, ctx, timer); }
void MultiPaxosKv::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  PaxosStore<MultiPaxosKv>::message(*this, ctx, from, m);
}

// --- clients ---

namespace {

using Client = MP::Client;

using kv_store::invoke_value;
using kv_store::key_name;
using kv_store::op_name;

template <class Ctx>
void send_request(Client& c, Ctx& ctx) {
  ctx.cancel_timer(c.timeout);
  ctx.send(c.target, MP::Request{c.cmd});
  c.timeout = ctx.set_timer(MP::ClientTimeout{c.issued}, MP::client_timeout_ns);
}

template <class Ctx>
void next_operation(Client& c, Ctx& ctx) {
  // The workload's budget (--ops; the shrinker lowers it) is spent: the client stays idle.
  if (c.issued >= MP::ops_per_client || !ctx.start_operation()) return;
  ++c.issued;
  MP::Command& cmd = c.cmd;
  cmd = MP::Command{};
  cmd.client = ctx.self();
  cmd.request = (std::uint64_t{ctx.client_index()} + 1) << 32 | c.issued;
  cmd.key = static_cast<std::uint32_t>(ctx.random(MP::keys));
  const std::uint64_t pick = ctx.random(20);
  cmd.op = pick < 7 ? Op::get : pick < 13 ? Op::put : pick < 17 ? Op::cas : Op::del;
  cmd.a = static_cast<std::int64_t>(ctx.random(4));
  cmd.b = static_cast<std::int64_t>(ctx.random(4));
  ctx.record(OpType::invoke, op_name(cmd.op), key_name(cmd.key), invoke_value(cmd));
  send_request(c, ctx);
}

template <class Ctx>
void complete(Client& c, Ctx& ctx, const MP::Result& r) {
  ctx.cancel_timer(c.timeout);
  const MP::Command cmd = c.cmd;
  c.cmd.request = 0;
  if (cmd.op == Op::get) ctx.record(OpType::ok, "get", key_name(cmd.key), r.found ? HistoryValue{r.value} : HistoryValue{});
  else if (cmd.op == Op::cas && !r.ok) ctx.record(OpType::fail, "cas", key_name(cmd.key), invoke_value(cmd));
  else ctx.record(OpType::ok, op_name(cmd.op), key_name(cmd.key), invoke_value(cmd));
  ctx.set_timer(MP::ClientThink{}, 0, MP::client_think_max_ns);
}

}  // namespace

template <class P>
void PaxosStore<P>::start(Client& c, Ctx& ctx) {
  c.target = static_cast<NodeId>(ctx.random(ctx.node_count()));
  next_operation(c, ctx);
}

template <class P>
void PaxosStore<P>::message(Client& c, Ctx& ctx, NodeId from, const MP::Message& m) {
  if (c.cmd.request == 0) return;
  if (const auto* r = std::get_if<MP::Reply>(&m); r && r->request == c.cmd.request) {
    complete(c, ctx, r->result);
  } else if (const auto* d = std::get_if<MP::Redirect>(&m); d && d->request == c.cmd.request && from == c.target) {
    if (ctx.is_node(d->hint) && d->hint != c.target) {
      c.target = d->hint;
      send_request(c, ctx);
    }
  }
}

template <class P>
void PaxosStore<P>::timer(Client& c, Ctx& ctx, const MP::Timer& timer) {
  if (std::holds_alternative<MP::ClientThink>(timer)) {
    next_operation(c, ctx);
  } else if (const auto* t = std::get_if<MP::ClientTimeout>(&timer); t && c.cmd.request != 0 && t->issued == c.issued) {
    c.target = (c.target + 1) % ctx.node_count();
    send_request(c, ctx);
  }
}

// Every bundle that runs the store.
template struct PaxosStore<MultiPaxosKv>;
template struct PaxosStore<FlexiblePaxos>;

void MultiPaxosKv::Client::on_start(Ctx& ctx) { PaxosStore<MultiPaxosKv>::start(*this, ctx); }
void MultiPaxosKv::Client::on_message(Ctx& ctx, NodeId from, const Message& m) {
  PaxosStore<MultiPaxosKv>::message(*this, ctx, from, m);
}
void MultiPaxosKv::Client::on_timer(Ctx& ctx, const Timer& timer) { PaxosStore<MultiPaxosKv>::timer(*this, ctx, timer); }

// --- registry entry ---

ProtocolInfo multi_paxos_kv_info(std::string name, std::string description) {
  return {
      .name = std::move(name),
      .description = std::move(description),
      .variants =
          {
              correct_variant(Variant::correct, "A slot is decided once a majority accepted it; new leaders "
                                                "recover accepted values."),
              planted_bug(Variant::reply_before_majority,
                          "The leader decides and replies on its own accept, before a majority accepted, so a "
                          "deposed leader's answers can be lost.",
                          "log-agreement or exactly-once"),
              planted_bug(Variant::no_dedup, "Retried and duplicated requests are not recognised and execute again.",
                          "exactly-once"),
              planted_bug(Variant::accept_below_promise,
                          "Acceptors accept proposals below their promised ballot, so a deposed leader can still "
                          "decide a slot its successor fills differently.",
                          "accept-keeps-promise"),
              planted_bug(Variant::skip_recovery,
                          "A new leader ignores the values the promises report accepted and proposes new commands "
                          "over them.",
                          "log-agreement or exactly-once"),
              planted_bug(Variant::election_timer_not_reset,
                          "A heartbeat does not reset a follower's election timer, so once the clients are done "
                          "followers stand every election timeout and depose a healthy leader again and again.",
                          "leader-stability"),
          },
      .default_nodes = 3,
      .min_nodes = 1,
      .max_nodes = MP::nodes_max,
      .default_faults = "crash=1,partition=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms",
      .default_clock = "drift=1000ppm",
      .campaign_nodes = {1, 3, 5},
      // Election and catch-up timing read monotonic(): skew and wall-clock jumps must change nothing.
      .campaign_clocks = {"drift=1000ppm,skew=5ms,jump=2s,jumps=2", "drift=1000ppm,skew=5ms,jump=-2s,jumps=2"},
      .reads_clocks = true,
      .default_time_limit_ns = seconds(3),
      .operation_bound_ns = seconds(1),
      .demo_faults = "crash=1,partition=2,pause=1,loss=0.05,dup=0.05,delay=uniform:1ms:10ms",
      .demo_clock = "drift=1000ppm",
  };
}

HistoryChecker multi_paxos_kv_linearizability() {
  return invariants::linearizability({.model = "kv", .time_budget_s = 10.0});
}

void add_multi_paxos_kv_monitors(std::vector<std::unique_ptr<RunObserver>>& observers) {
  observers.push_back(std::make_unique<invariants::AcceptKeepsPromiseMonitor>());
  observers.push_back(std::make_unique<invariants::ExactlyOnceMonitor>());
  observers.push_back(std::make_unique<invariants::LogAgreementMonitor>());
  observers.push_back(std::make_unique<invariants::LeaderStabilityMonitor>(MP::stability_grace_ns));
}

namespace {

// The p99 latency a client operation is declared to stay within (the operation-latency badge):
// the worst path a correct run takes without faults, from a client's first request to its reply.
// No leader yet (the run's start): a replica stands after at most election_timeout_max and wins
// after a Prepare/Promise round trip; the client, whose request met no leader, retries within one
// client_timeout; then its request may go to a follower and come back redirected (a round trip)
// before the leader's Request, Accept, Accepted and Reply (two). Each one-way delay is at most the
// default fault model's 10ms (delay=uniform:1ms:10ms):
//   300ms + 2 x 10ms + 100ms + 6 x 10ms = 480ms.
// A lost message costs a client_timeout more, and a crash or partition of the leader an election:
// a run under the default faults leaves it now and then (README, "Coherence badges").
constexpr time_ns link_delay_ns_max = ms(10);
constexpr time_ns operation_p99_ns_max =
    MP::election_timeout_max_ns + 2 * link_delay_ns_max + MP::client_timeout_ns + 6 * link_delay_ns_max;
static_assert(operation_p99_ns_max == ms(480));

}  // namespace

std::unique_ptr<invariants::BadgeMonitor> multi_paxos_kv_latency_monitor() {
  return std::make_unique<invariants::OperationLatencyMonitor>(
      operation_p99_ns_max, "election_timeout_max 300ms + 2 x 10ms + client_timeout 100ms + 6 x 10ms");
}

ProtocolEntry multi_paxos_kv_entry() {
  using E = Engine<MultiPaxosKv>;
  ProtocolEntry entry = register_protocol<MultiPaxosKv>(
      multi_paxos_kv_info("multi-paxos-kv",
                          "A Multi-Paxos replicated key-value store (get, put, cas, delete) with a stable leader, "
                          "client sessions for exactly-once execution, catch-up and log truncation."),
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, MP::clients}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                install_multi_paxos_kv_checks(engine, observers);
              },
          .install_badges =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                 std::vector<Badge>& badges) { install_multi_paxos_kv_badges(engine, observers, badges); },
          .witnesses = multi_paxos_kv_witnesses<E>([](const E& w, NodeId n) -> const MP::Node& { return w.node(n); }),
      });
  entry.info.badge_monitors.push_back(multi_paxos_kv_latency_monitor()->declaration());
  return entry;
}

}  // namespace corridor::protocols

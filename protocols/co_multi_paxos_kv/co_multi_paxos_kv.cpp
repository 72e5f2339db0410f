#include "protocols/co_multi_paxos_kv/co_multi_paxos_kv.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "model/assert.hpp"
#include "model/reflect.hpp"
#include "protocols/co_multi_paxos_kv/lock_sequence.hpp"
#include "protocols/multi_paxos_kv/shared.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using S = MultiPaxosKvCo;
using MP = MultiPaxosKv;
using Env = S::Env;
using Node = S::Node;
using Role = S::Role;
using Op = S::Op;
using Variant = S::Variant;

bool has_majority(Env& env, NodeSet nodes) { return nodes.is_majority_of(env.node_count()); }

// --- the state machine ---

bool executes(const Node& node, Env& env, const S::Command& c) {
  if (c.op == Op::noop) return false;
  if (env.variant() == Variant::no_dedup) return true;
  const auto it = node.sessions.find(c.client);
  return it == node.sessions.end() || it->second.request < c.request;
}

S::Result execute(Node& node, const S::Command& c) {
  S::Cell& cell = node.kv[c.key];
  S::Result r;
  switch (c.op) {
    case Op::get:
      r.ok = true;
      r.found = cell.present;
      r.value = cell.value;
      break;
    case Op::put:
      cell = S::Cell{true, c.a, cell.version + 1};
      r.ok = true;
      break;
    case Op::cas:
      r.ok = cell.present && cell.value == c.a;
      if (r.ok) cell = S::Cell{true, c.b, cell.version + 1};
      r.found = cell.present;
      r.value = cell.value;
      break;
    case Op::remove:
      cell = S::Cell{false, {}, cell.version + 1};
      r.ok = true;
      break;
    case Op::noop: break;
  }
  r.version = cell.version;
  return r;
}

// --- snapshots: the log truncated every MP::truncate_every applied slots ---

void take_snapshot(Node& node, Env& env) {
  S::Durable& d = env.durable();
  d.snapshot = S::Snapshot{node.applied, node.kv, node.sessions};
  d.accepted.erase(d.accepted.begin(), d.accepted.upper_bound(node.applied));
  node.log.clear();
}

// A snapshot ahead of what this replica applied replaces its state machine; made durable when it
// is ahead of the durable one too.
void install_snapshot(Node& node, Env& env, const S::Snapshot& s) {
  if (s.slot <= node.applied) return;
  node.applied = s.slot;
  node.kv = s.kv;
  node.sessions = s.sessions;
  node.log.clear();
  node.decided.erase(node.decided.begin(), node.decided.upper_bound(s.slot));
  S::Durable& d = env.durable();
  if (s.slot > d.snapshot.slot) {
    d.snapshot = s;
    d.accepted.erase(d.accepted.begin(), d.accepted.upper_bound(s.slot));
  }
  CORRIDOR_ASSERT_MSG(node.applied >= d.snapshot.slot, "a replica applied at least its durable snapshot");
}

void apply_one(Node& node, Env& env, std::uint64_t slot, const S::Command& c) {
  env.ctx().note("decide", slot, hash_of(c));
  S::Result result;
  if (executes(node, env, c)) {
    env.ctx().note("execute", c.request, slot);
    result = execute(node, c);
    node.sessions[c.client] = S::Session{c.request, result};
  } else if (c.op != Op::noop) {
    const S::Session& s = node.sessions[c.client];
    if (s.request != c.request) return;  // an older request: its client has moved on
    result = s.result;
  }
  if (node.role == Role::leader && c.op != Op::noop) env.send(c.client, S::Reply{c.request, std::move(result)});
}

void apply_next(Node& node, Env& env, S::Command c) {
  ++node.applied;
  CORRIDOR_ASSERT_MSG(node.log.empty() || node.log.rbegin()->first < node.applied, "slots apply once, in order");
  apply_one(node, env, node.applied, c);
  node.log.emplace(node.applied, std::move(c));
}

void apply_decided(Node& node, Env& env) {
  for (auto it = node.decided.begin(); it != node.decided.end() && it->first == node.applied + 1;) {
    S::Command c = std::move(it->second);
    it = node.decided.erase(it);
    apply_next(node, env, std::move(c));
  }
  if (node.applied - env.durable().snapshot.slot >= MP::truncate_every) take_snapshot(node, env);
}

// By value: a caller that owns the command (a delivered Decide, the leader's proposal) moves it
// in, so a decided command is not copied once more. The next slot in order (the common case)
// applies at once, without a stay in `decided`, unless `decided` already holds a value for it.
void learn(Node& node, Env& env, std::uint64_t slot, S::Command c) {
  if (slot <= node.applied) return;
  if (node.decided.size() >= MP::decided_ahead_max) throw std::length_error("co-multi-paxos: too many decided slots ahead");
  if (slot == node.applied + 1 && (node.decided.empty() || node.decided.begin()->first > slot)) {
    apply_next(node, env, std::move(c));
  } else {
    node.decided.emplace(slot, std::move(c));
  }
  apply_decided(node, env);
}

// --- roles ---

void step_down(Node& node, Env& env, std::uint64_t promised) {
  if (node.role != Role::follower && promised > node.ballot) {
    if (node.role == Role::leader) env.ctx().note("step-down", node.ballot);
    node.role = Role::follower;
    node.proposals.clear();
    node.recovered.clear();
    node.recovered_snapshot.reset();
  }
}

// A sign of a leader (or candidate) with a ballot at least our promise: it keeps a follower
// from standing for election.
bool hear_ballot(Node& node, Env& env, std::uint64_t ballot, NodeId from, bool heartbeat = false) {
  S::Durable& d = env.durable();
  if (ballot < d.promised) return false;
  d.promised = ballot;
  step_down(node, env, ballot);
  if (node.role == Role::follower) {
    node.leader_hint = from;
    if (!heartbeat || env.variant() != Variant::election_timer_not_reset) node.heard_ns = co::now();
  }
  return true;
}

void send_accepts(Node& node, Env& env, std::uint64_t slot, const S::Proposal& p) {
  for (NodeId n : env.ctx().nodes()) {
    if (!p.acks.contains(n)) env.send(n, S::Accept{node.ballot, slot, p.cmd});
  }
}

void decide(Node& node, Env& env, std::uint64_t slot) {
  CORRIDOR_ASSERT_MSG(node.role == Role::leader, "only a leader decides");
  CORRIDOR_ASSERT_MSG(env.variant() == Variant::reply_before_majority || has_majority(env, node.proposals.at(slot).acks),
                      "a slot is decided once a majority accepted it");
  const auto it = node.proposals.find(slot);
  CORRIDOR_ASSERT_MSG(it != node.proposals.end(), "a decided slot was proposed");
  // A Message from the start: broadcast takes one, and a Decide would be copied into a temporary
  // Message first (one more copy of the command per decided slot).
  S::Message d{S::Decide{slot, std::move(it->second.cmd)}};
  node.proposals.erase(it);
  env.broadcast(d);
  learn(node, env, slot, std::move(std::get<S::Decide>(d).cmd));
}

// By value: the durable entry takes a copy, the proposal the command itself.
void propose(Node& node, Env& env, std::uint64_t slot, S::Command c) {
  env.durable().accepted[slot] = S::AcceptedEntry{node.ballot, c};
  S::Proposal& p = node.proposals[slot];
  p = S::Proposal{std::move(c), NodeSet::of(env.self())};
  // The planted bug: the leader's own accept is enough.
  if (env.variant() == Variant::reply_before_majority || has_majority(env, p.acks)) {
    decide(node, env, slot);
    return;
  }
  send_accepts(node, env, slot, p);
}

void send_heartbeats(Node& node, Env& env) {
  node.heartbeat_sent_ns = co::now();
  env.broadcast(S::Heartbeat{node.ballot, node.applied});
  for (const auto& [slot, p] : node.proposals) send_accepts(node, env, slot, p);
}

void become_leader(Node& node, Env& env) {
  node.role = Role::leader;
  node.leader_hint = env.self();
  env.ctx().note("leader", node.ballot);
  if (node.recovered_snapshot) install_snapshot(node, env, *node.recovered_snapshot);
  std::uint64_t last = node.applied;
  if (!node.decided.empty()) last = std::max(last, node.decided.rbegin()->first);
  if (env.variant() == Variant::skip_recovery) {
    node.recovered.clear();
    last = node.applied;  // the planted bug: new commands go right after what this node applied
  }
  if (!node.recovered.empty()) last = std::max(last, node.recovered.rbegin()->first);
  node.next_slot = last + 1;
  // Re-propose every slot after the applied prefix: what we know decided, else the value with the
  // highest ballot a promise reported, else a no-op.
  const FlatMap<std::uint64_t, S::Command> known = node.decided;
  for (std::uint64_t slot = node.applied + 1; slot <= last && node.role == Role::leader; ++slot) {
    S::Command c;
    if (const auto k = known.find(slot); k != known.end()) c = k->second;
    else if (const auto r = node.recovered.find(slot); r != node.recovered.end()) c = r->second.cmd;
    if (node.proposals.size() >= MP::proposals_max * 64) throw std::length_error("co-multi-paxos: recovery too long");
    propose(node, env, slot, std::move(c));
  }
  node.recovered.clear();
  node.recovered_snapshot.reset();
  send_heartbeats(node, env);
}

void start_election(Node& node, Env& env) {
  S::Durable& d = env.durable();
  node.ballot = (std::max(d.promised, node.ballot) / 64 + 1) * 64 + env.self();
  d.promised = node.ballot;
  env.ctx().note("election", node.ballot);
  node.role = Role::candidate;
  node.proposals.clear();
  node.leader_hint = no_node;
  node.election_timeout_ns = env.ctx().random_between(MP::election_timeout_min_ns, MP::election_timeout_max_ns);
  node.promises = NodeSet::of(env.self());
  node.recovered.clear();
  node.recovered_snapshot.reset();
  for (const auto& [slot, e] : d.accepted) {
    if (slot > node.applied) node.recovered[slot] = e;
  }
  if (has_majority(env, node.promises)) {
    become_leader(node, env);
    return;
  }
  env.broadcast(S::Prepare{node.ballot, node.applied});
}

// --- messages, whatever the role ---

void on_request(Node& node, Env& env, NodeId from, S::Command&& c) {
  if (c.client != from) return;
  if (node.role != Role::leader) {
    env.send(from, S::Redirect{c.request, node.leader_hint});
    return;
  }
  if (env.variant() != Variant::no_dedup) {
    if (const auto s = node.sessions.find(c.client); s != node.sessions.end() && s->second.request >= c.request) {
      if (s->second.request == c.request) env.send(from, S::Reply{c.request, s->second.result});
      return;
    }
    for (const auto& [slot, p] : node.proposals) {
      if (p.cmd.client == c.client && p.cmd.request == c.request) return;  // in progress
    }
  }
  if (node.proposals.size() >= MP::proposals_max) return;  // the client will retry
  propose(node, env, node.next_slot++, std::move(c));
}

void on_prepare(Node& node, Env& env, NodeId from, const S::Prepare& p) {
  S::Durable& d = env.durable();
  if (p.ballot < d.promised || (p.ballot == d.promised && from != p.ballot % 64)) {
    env.send(from, S::Nack{d.promised});
    return;
  }
  hear_ballot(node, env, p.ballot, from);
  S::Promise promise{p.ballot, {}, {}};
  for (auto it = d.accepted.upper_bound(p.applied); it != d.accepted.end(); ++it) {
    if (promise.accepted.size() >= S::promise_entries_max) throw std::length_error("co-multi-paxos: promise too long");
    promise.accepted.push_back(S::SlotEntry{it->first, it->second.ballot, it->second.cmd});
  }
  // The slots up to the snapshot are no longer accepted entries here: the snapshot stands for them.
  if (d.snapshot.slot > p.applied) promise.snapshot = d.snapshot;
  env.send(from, std::move(promise));
}

void on_promise(Node& node, Env& env, NodeId from, const S::Promise& p) {
  if (node.role != Role::candidate || p.ballot != node.ballot || node.promises.contains(from)) return;
  node.promises.insert(from);
  if (p.snapshot && p.snapshot->slot > node.applied &&
      (!node.recovered_snapshot || p.snapshot->slot > node.recovered_snapshot->slot)) {
    node.recovered_snapshot = p.snapshot;
  }
  for (const S::SlotEntry& e : p.accepted) {
    auto [it, fresh] = node.recovered.try_emplace(e.slot, S::AcceptedEntry{e.ballot, e.cmd});
    if (!fresh && e.ballot > it->second.ballot) it->second = S::AcceptedEntry{e.ballot, e.cmd};
  }
  if (!has_majority(env, node.promises)) return;
  // Slots a snapshot covers are decided and applied in it: nothing to re-propose there.
  if (node.recovered_snapshot) {
    node.recovered.erase(node.recovered.begin(), node.recovered.upper_bound(node.recovered_snapshot->slot));
  }
  become_leader(node, env);
}

void on_accept(Node& node, Env& env, NodeId from, S::Accept&& a) {
  S::Durable& d = env.durable();
  // The planted bug: accept whatever the promise says (without lowering it).
  const bool below = a.ballot < d.promised;
  if (below && env.variant() != Variant::accept_below_promise) {
    env.send(from, S::Nack{d.promised});
    return;
  }
  env.ctx().note("accept", a.ballot, d.promised);  // accept-keeps-promise: the ballot against the promise it arrived at
  if (!below) hear_ballot(node, env, a.ballot, from);
  if (a.slot > d.snapshot.slot && a.slot > node.applied) d.accepted[a.slot] = S::AcceptedEntry{a.ballot, std::move(a.cmd)};
  env.send(from, S::Accepted{a.ballot, a.slot});
}

void on_accepted(Node& node, Env& env, NodeId from, const S::Accepted& a) {
  if (node.role != Role::leader || a.ballot != node.ballot) return;
  const auto it = node.proposals.find(a.slot);
  if (it == node.proposals.end()) return;
  it->second.acks.insert(from);
  if (has_majority(env, it->second.acks)) decide(node, env, a.slot);
}

void on_heartbeat(Node& node, Env& env, NodeId from, const S::Heartbeat& h) {
  if (!hear_ballot(node, env, h.ballot, from, /*heartbeat=*/true)) {
    env.send(from, S::Nack{env.durable().promised});
    return;
  }
  if (h.applied > node.applied && co::now() - node.catch_up_sent_ns >= MP::catch_up_gap_ns) {
    node.catch_up_sent_ns = co::now();
    env.send(from, S::CatchUp{node.applied + 1});
  }
}

void on_catch_up(Node& node, Env& env, NodeId from, const S::CatchUp& c) {
  S::CatchUpReply reply;
  const S::Snapshot& snapshot = env.durable().snapshot;
  if (c.from_slot <= snapshot.slot) reply.snapshot = snapshot;  // the log starts after it
  for (auto it = node.log.lower_bound(c.from_slot); it != node.log.end(); ++it) {
    if (reply.entries.size() >= MP::catch_up_entries_max) break;
    reply.entries.push_back(S::SlotEntry{it->first, 0, it->second});
  }
  if (reply.snapshot || !reply.entries.empty()) env.send(from, std::move(reply));
}

void on_catch_up_reply(Node& node, Env& env, S::CatchUpReply&& r) {
  if (r.snapshot) install_snapshot(node, env, *r.snapshot);
  for (S::SlotEntry& e : r.entries) learn(node, env, e.slot, std::move(e.cmd));
  apply_decided(node, env);
}

void on_nack(Node& node, Env& env, const S::Nack& n) {
  if (n.promised <= node.ballot) return;
  S::Durable& d = env.durable();
  d.promised = std::max(d.promised, n.promised);
  step_down(node, env, n.promised);
}

// The message is serve()'s own (moved out of the receive): a Request's command moves into the
// leader's proposal, an Accept's into the acceptor's durable entry, a Decide's or CatchUpReply's
// into the decided map.
void handle(Node& node, Env& env, NodeId from, S::Message&& m) {
  if (auto* r = std::get_if<S::Request>(&m)) return on_request(node, env, from, std::move(r->cmd));
  if (!env.ctx().is_node(from)) return;  // everything else comes from replicas
  std::visit(
      [&](auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, S::Prepare>) on_prepare(node, env, from, msg);
        else if constexpr (std::is_same_v<T, S::Promise>) on_promise(node, env, from, msg);
        else if constexpr (std::is_same_v<T, S::Nack>) on_nack(node, env, msg);
        else if constexpr (std::is_same_v<T, S::Accept>) on_accept(node, env, from, std::move(msg));
        else if constexpr (std::is_same_v<T, S::Accepted>) on_accepted(node, env, from, msg);
        else if constexpr (std::is_same_v<T, S::Decide>) learn(node, env, msg.slot, std::move(msg.cmd));
        else if constexpr (std::is_same_v<T, S::Heartbeat>) on_heartbeat(node, env, from, msg);
        else if constexpr (std::is_same_v<T, S::CatchUp>) on_catch_up(node, env, from, msg);
        else if constexpr (std::is_same_v<T, S::CatchUpReply>) on_catch_up_reply(node, env, std::move(msg));
      },
      m);
}

}  // namespace

// A replica is two coroutines: serve() handles each message as it comes, and the role loop
// (follow, campaign, lead) sleeps until its deadline (election timeout, end of a campaign, next
// heartbeat) or until a message changed the role, whichever is first. Deadlines are timers only
// while a role waits for them: a message costs no timer. The engine's step and time budgets bound
// the loops.
co::task<> MultiPaxosKvCo::Node::main(Env& env) {
  install_snapshot(*this, env, env.durable().snapshot);  // after a restart: the durable state machine
  heard_ns = co::now();
  election_timeout_ns = env.ctx().random_between(MP::election_timeout_min_ns, MP::election_timeout_max_ns);
  RoleChange change;
  const co::task<> inbox = serve(env, change);  // runs beside the role loop, and dies with this frame
  for (;;) {
    switch (role) {
      case Role::follower: co_await follow(env); break;
      case Role::candidate: co_await campaign(env, change); break;
      case Role::leader: co_await lead(env); break;
    }
  }
}

co::task<> MultiPaxosKvCo::Node::serve(Env& env, RoleChange& change) {
  for (;;) {
    auto [from, message] = co_await env.receive();
    const Role before = role;
    handle(*this, env, from, std::move(message));
    if (role != before) change.signal();
  }
}

namespace {
co::task<> until(co::event& signal) { co_await signal; }
}  // namespace

// Until no leader was heard of for an election timeout: then stand. (Messages never change a
// follower's role, so it waits for its deadline only.)
co::task<> MultiPaxosKvCo::Node::follow(Env& env) {
  while (role == Role::follower) {
    const time_ns deadline_ns = heard_ns + election_timeout_ns;
    if (co::now() >= deadline_ns) {
      start_election(*this, env);
      co_return;
    }
    co_await co::at(deadline_ns);
  }
}

// Phase 1 at one ballot: promises arrive (serve's on_promise makes a majority's candidate the
// leader), or the campaign times out and the next one starts at a higher ballot.
co::task<> MultiPaxosKvCo::Node::campaign(Env& env, RoleChange& change) {
  const time_ns deadline_ns = co::now() + election_timeout_ns;
  co::event& changed = change.arm();
  co_await co::first(co::at(deadline_ns), until(changed));
  if (role == Role::candidate) start_election(*this, env);
}

// Heartbeats (which re-send accepts not yet acknowledged) while nothing else was sent for a
// heartbeat interval; serve() runs phase 2 for every client command. Only the heartbeat deadline
// is waited for: a leader that stepped down notices at it (within one heartbeat interval), which
// costs nothing, since a follower's deadline counts from the last sign of a leader whenever
// follow() starts; waiting for the role change too would cost a race per heartbeat.
co::task<> MultiPaxosKvCo::Node::lead(Env& env) {
  while (role == Role::leader) {
    const time_ns deadline_ns = heartbeat_sent_ns + MP::heartbeat_ns;
    if (co::now() >= deadline_ns) {
      send_heartbeats(*this, env);
      continue;
    }
    co_await co::at(deadline_ns);
  }
}

// --- clients ---

namespace {

std::string key_name(std::uint32_t key) {
  if (key == S::lock_key) return "lock";
  if (key == S::seq_key) return "seq";
  return fmt::format("member.{}", key - S::member_key_first);
}

const char* op_name(Op op) {
  switch (op) {
    case Op::get: return "get";
    case Op::put: return "put";
    case Op::cas: return "cas";
    case Op::remove: return "remove";
    case Op::noop: break;
  }
  return "noop";
}

HistoryValue invoke_value(const S::Command& c) {
  switch (c.op) {
    case Op::put: return c.a.str();
    case Op::cas: {
      // Each string made once, in place (an initializer list would copy both).
      std::vector<std::string> pair;
      pair.reserve(2);
      pair.emplace_back(c.a.reflected());
      pair.emplace_back(c.b.reflected());
      return HistoryValue{std::move(pair)};
    }
    default: return {};
  }
}

// What the history says a completed operation returned: a get its value, a put its version (the
// lock-sequence check reads it), a cas ok or fail with its pair. `key` is the operation's key name,
// made once by call() for its invoke and its completion.
void record_completion(Env& env, const S::Command& cmd, const S::Result& r, std::string key) {
  switch (cmd.op) {
    case Op::get: env.ctx().record(OpType::ok, "get", std::move(key), r.found ? HistoryValue{r.value.str()} : HistoryValue{}); break;
    case Op::put: env.ctx().record(OpType::ok, "put", std::move(key), static_cast<std::int64_t>(r.version)); break;
    case Op::cas: env.ctx().record(r.ok ? OpType::ok : OpType::fail, "cas", std::move(key), invoke_value(cmd)); break;
    default: env.ctx().record(OpType::ok, op_name(cmd.op), std::move(key)); break;
  }
}

// An operation before call() names its client and request. Callers build it, and every string in
// it, as named values before the co_await: with temporaries in the co_await expression itself
// this code freed a string twice under g++ 12.
S::Command command(Op op, std::uint32_t key, SharedText a = {}, SharedText b = {}) {
  return S::Command{op, no_node, 0, key, std::move(a), std::move(b)};
}

time_ns backoff(Env& env) { return env.ctx().random_between(S::backoff_min_ns, S::backoff_max_ns); }

}  // namespace

// One operation, as the course's clients call it: send it, wait for the reply or a timeout, and
// retry (same request id) at the next replica, or at once at a redirect's leader hint. The run's
// time budget bounds the retries.
co::task<S::Result> MultiPaxosKvCo::Client::call(Env& env, Command cmd) {
  // The workload's budget (--ops; the shrinker lowers it) is spent: the client stays idle, and
  // what arrives (late replies) is ignored until the run's time budget ends it.
  if (!env.ctx().start_operation()) {
    for (;;) co_await env.receive();
  }
  ++issued;
  cmd.client = env.self();
  cmd.request = (std::uint64_t{env.ctx().client_index()} + 1) << 32 | issued;
  const std::string key = key_name(cmd.key);
  env.ctx().record(OpType::invoke, op_name(cmd.op), key, invoke_value(cmd));
  for (;;) {
    env.send(target, S::Request{cmd});
    const time_ns deadline_ns = co::now() + MP::client_timeout_ns;
    bool resend = false;
    while (!resend) {
      auto got = co_await env.receive_until(deadline_ns);
      if (!got) {
        target = (target + 1) % env.node_count();
        break;
      }
      if (const auto* r = std::get_if<S::Reply>(&got->message); r && r->request == cmd.request) {
        record_completion(env, cmd, r->result, key);
        co_return r->result;
      }
      if (const auto* d = std::get_if<S::Redirect>(&got->message); d && d->request == cmd.request && got->from == target &&
                                                                     env.ctx().is_node(d->hint) && d->hint != target) {
        target = d->hint;
        resend = true;
      }
    }
  }
}

// The lock: "free", or the token of the client holding it; taken by cas, with a random backoff
// between tries. False when the tries ran out (the round is skipped).
co::task<bool> MultiPaxosKvCo::Client::acquire(Env& env, const std::string& token) {
  // The operands made once for every try (each try's command shares them).
  const SharedText free_text = "free";
  const SharedText token_text = token;
  for (std::uint32_t tries = 0; tries < acquire_tries_max; ++tries) {
    const S::Result r = co_await call(env, command(Op::cas, lock_key, free_text, token_text));
    if (r.ok) co_return true;
    co_await co::after(backoff(env));
  }
  co_return false;
}

// The lock-sequence workload: client 0 creates the lock, the others wait until it exists; each
// client then takes the lock `rounds` times, appends its token to the sequence and frees the
// lock; at the end it reads the sequence once more.
co::task<> MultiPaxosKvCo::Client::main(Env& env) {
  target = static_cast<NodeId>(env.random(env.node_count()));
  const std::uint32_t me = env.ctx().client_index();
  co_await call(env, command(Op::put, member_key_first + me, "joined"));
  if (me == 0) {
    co_await call(env, command(Op::put, lock_key, "free"));
  } else {
    for (std::uint32_t tries = 0; tries < lock_wait_tries_max; ++tries) {
      const S::Result lock = co_await call(env, command(Op::get, lock_key));
      if (lock.found) break;
      co_await co::after(backoff(env));
    }
  }
  for (round = 1; round <= rounds; ++round) {
    const std::string token = lock_sequence_token(me, round);
    const bool taken = co_await acquire(env, token);
    if (!taken) continue;
    holding = true;
    const S::Result seq = co_await call(env, command(Op::get, seq_key));
    const std::string appended = seq.found && !seq.value.empty() ? seq.value.str() + " " + token : token;
    co_await call(env, command(Op::put, seq_key, appended));
    co_await call(env, command(Op::cas, lock_key, token, "free"));
    holding = false;
  }
  co_await call(env, command(Op::get, seq_key));
  co_await call(env, command(Op::remove, member_key_first + me));
}

// --- registry entry ---

ProtocolEntry co_multi_paxos_kv_entry() {
  using E = Engine<MultiPaxosKvCoProtocol>;
  ProtocolEntry entry = register_protocol<MultiPaxosKvCoProtocol>(
      multi_paxos_kv_info("co-multi-paxos-kv",
                          "The Multi-Paxos kv written as coroutines (corridor::co): a versioned store (get, put, cas, "
                          "remove) under a lock-sequence client workload; same variants and fault model."),
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, S::clients}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                install_multi_paxos_kv_checks(engine, observers);
                engine.add_history_checker(lock_sequence_checker("seq"));
              },
          // The handler twin's, with its bound: the same timeouts, the same request path.
          .install_badges =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                 std::vector<Badge>& badges) { install_multi_paxos_kv_badges(engine, observers, badges); },
          .witnesses = multi_paxos_kv_witnesses<E>([](const E& w, NodeId n) -> const auto& { return w.node(n).user; }),
      });
  entry.info.badge_monitors.push_back(multi_paxos_kv_latency_monitor()->declaration());
  return entry;
}

}  // namespace corridor::protocols

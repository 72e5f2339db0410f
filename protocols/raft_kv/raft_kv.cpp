#include "protocols/raft_kv/raft_kv.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/assert.hpp"
#include "model/reflect.hpp"
#include "protocols/multi_paxos_kv/shared.hpp"
#include "protocols/raft_kv/raft_invariants.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using R = RaftKv;
using Node = R::Node;
using Role = R::Role;
using Op = R::Op;
using Variant = R::Variant;
using Ctx = R::Ctx;

std::uint64_t last_index(const R::Durable& d) { return d.log.size(); }
std::uint64_t term_at(const R::Durable& d, std::uint64_t index) { return index == 0 ? 0 : d.log.at(index - 1).term; }

// The vote of the current term: durable, except in the planted bug.
NodeId voted_for(const Node& node, Ctx& ctx) {
  return ctx.variant() == Variant::vote_not_persisted ? node.volatile_vote : ctx.durable().voted_for;
}
void set_vote(Node& node, Ctx& ctx, NodeId candidate) {
  if (ctx.variant() == Variant::vote_not_persisted) node.volatile_vote = candidate;
  else ctx.durable().voted_for = candidate;
}

// --- the state machine ---

R::Result execute(Node& node, const R::Command& c) { return kv_store::execute(node.kv, c); }

// Applies one committed entry; a request the session shows executed is answered from it (a
// leader re-appends a retried request it finds uncommitted from an earlier term, so a request
// can sit at two indexes: the session executes the first).
void apply_one(Node& node, Ctx& ctx, const R::Command& c) {
  if (c.op == Op::noop) return;
  R::Session& s = node.sessions[c.client];
  if (s.request < c.request) s = R::Session{c.request, execute(node, c)};
  if (s.request != c.request) return;  // an older request: its client has moved on
  if (node.role == Role::leader) ctx.send(c.client, R::Reply{c.request, s.result});
}

void apply_committed(Node& node, Ctx& ctx) {
  const R::Durable& d = ctx.durable();
  // The planted truncation can leave commit past the log's end: apply only what is there.
  const std::uint64_t through = std::min<std::uint64_t>(node.commit, last_index(d));
  while (node.applied < through) {
    ++node.applied;
    apply_one(node, ctx, d.log[node.applied - 1].cmd);
  }
}

// --- roles ---

void become_follower(Node& node, Ctx& ctx, std::uint64_t term) {
  R::Durable& d = ctx.durable();
  CORRIDOR_ASSERT(term >= d.term);
  if (term > d.term) {
    d.term = term;
    d.voted_for = no_node;
    node.volatile_vote = no_node;
  }
  if (node.role == Role::leader) ctx.note("step-down", d.term);
  node.role = Role::follower;
  node.votes = NodeSet{};
}

void send_append(Node& node, Ctx& ctx, NodeId to) {
  const R::Durable& d = ctx.durable();
  const std::uint64_t next = std::clamp<std::uint64_t>(node.next_index[to], 1, last_index(d) + 1);
  R::AppendEntries a{d.term, next - 1, term_at(d, next - 1), {}, node.commit};
  for (std::uint64_t i = next; i <= last_index(d) && a.entries.size() < R::append_entries_max; ++i) {
    a.entries.push_back(d.log[i - 1]);
  }
  ctx.send(to, std::move(a));
}

void send_appends(Node& node, Ctx& ctx) {
  node.heartbeat_sent_ns = ctx.monotonic();
  for (NodeId n : ctx.nodes()) {
    if (n != ctx.self()) send_append(node, ctx, n);
  }
}

// The highest index a majority stores that the leader may commit: of its current term only
// (Raft's rule, figure 8 of the paper: an earlier entry commits with it, never by counting its
// own replicas).
void advance_commit(Node& node, Ctx& ctx) {
  const R::Durable& d = ctx.durable();
  for (std::uint64_t n = last_index(d); n > node.commit; --n) {
    if (term_at(d, n) != d.term) break;
    std::uint32_t stored = 0;
    for (NodeId r : ctx.nodes()) stored += node.match_index[r] >= n ? 1 : 0;
    if (stored >= majority(ctx.node_count())) {
      node.commit = n;
      ctx.note("commit", n, term_at(d, n));
      break;
    }
  }
  apply_committed(node, ctx);
}

void become_leader(Node& node, Ctx& ctx) {
  const R::Durable& d = ctx.durable();
  node.role = Role::leader;
  node.led_term = d.term;
  node.leader_hint = ctx.self();
  ctx.note("leader", d.term);
  node.next_index.assign(ctx.node_count(), last_index(d) + 1);
  node.match_index.assign(ctx.node_count(), 0);
  node.match_index[ctx.self()] = last_index(d);
  advance_commit(node, ctx);  // a single replica is its own majority
  send_appends(node, ctx);
}

// RequestVote to every replica whose vote the candidate lacks: sent when it stands and again
// every heartbeat period until its election timeout (Raft retries an RPC that got no answer).
void ask_for_votes(Node& node, Ctx& ctx) {
  const R::Durable& d = ctx.durable();
  node.heartbeat_sent_ns = ctx.monotonic();
  for (NodeId n : ctx.nodes()) {
    if (!node.votes.contains(n)) ctx.send(n, R::RequestVote{d.term, last_index(d), term_at(d, last_index(d))});
  }
}

void start_election(Node& node, Ctx& ctx) {
  R::Durable& d = ctx.durable();
  become_follower(node, ctx, d.term + 1);
  set_vote(node, ctx, ctx.self());
  node.role = Role::candidate;
  node.leader_hint = no_node;
  node.votes = NodeSet::of(ctx.self());
  node.heard_ns = ctx.monotonic();
  node.election_timeout_ns = ctx.random_between(R::election_timeout_min_ns, R::election_timeout_max_ns);
  ctx.note("election", d.term);
  if (node.votes.is_majority_of(ctx.node_count())) {
    become_leader(node, ctx);
    return;
  }
  ask_for_votes(node, ctx);
}

// --- handlers ---

// A message of a later term makes us a follower of it; one of an earlier term is stale.
bool current_term(Node& node, Ctx& ctx, std::uint64_t term) {
  if (term > ctx.durable().term) become_follower(node, ctx, term);
  return term == ctx.durable().term;
}

bool in_log_uncommitted(const Node& node, const R::Durable& d, const R::Command& c) {
  for (std::uint64_t i = last_index(d); i > node.commit; --i) {
    const R::Entry& e = d.log[i - 1];
    if (e.term != d.term) break;  // older entries may never commit: append the request again
    if (e.cmd.client == c.client && e.cmd.request == c.request) return true;
  }
  return false;
}

void on_request(Node& node, Ctx& ctx, NodeId from, const R::Command& c) {
  if (c.client != from || c.op == Op::noop) return;
  if (node.role != Role::leader) {
    ctx.send(from, R::Redirect{c.request, node.leader_hint});
    return;
  }
  // The planted bug: answer from this node's state machine, as if it were sure to lead.
  if (c.op == Op::get && ctx.variant() == Variant::read_from_deposed_leader) {
    ctx.send(from, R::Reply{c.request, execute(node, c)});
    return;
  }
  if (const auto s = node.sessions.find(c.client); s != node.sessions.end() && s->second.request >= c.request) {
    if (s->second.request == c.request) ctx.send(from, R::Reply{c.request, s->second.result});
    return;
  }
  R::Durable& d = ctx.durable();
  if (in_log_uncommitted(node, d, c)) return;  // in progress
  if (d.log.size() >= R::log_entries_max) throw std::length_error("raft-kv: log without bound");
  d.log.push_back(R::Entry{d.term, c});
  node.match_index[ctx.self()] = last_index(d);
  advance_commit(node, ctx);
  send_appends(node, ctx);
}

void on_request_vote(Node& node, Ctx& ctx, NodeId from, const R::RequestVote& rv) {
  const bool current = current_term(node, ctx, rv.term);
  const R::Durable& d = ctx.durable();
  const std::uint64_t my_last_term = term_at(d, last_index(d));
  const bool up_to_date = rv.last_term > my_last_term || (rv.last_term == my_last_term && rv.last_index >= last_index(d));
  const NodeId vote = voted_for(node, ctx);
  const bool grant = current && up_to_date && (vote == no_node || vote == from);
  if (grant) {
    set_vote(node, ctx, from);  // durable before the reply leaves (except in the planted bug)
    node.heard_ns = ctx.monotonic();
    ctx.note("vote", d.term, from);
  }
  ctx.send(from, R::Vote{d.term, grant});
}

void on_vote(Node& node, Ctx& ctx, NodeId from, const R::Vote& v) {
  if (!current_term(node, ctx, v.term) || node.role != Role::candidate || !v.granted) return;
  node.votes.insert(from);
  if (node.votes.is_majority_of(ctx.node_count())) become_leader(node, ctx);
}

// Appends the leader's entries after prev_index: an entry already there with the same term is
// the same entry (log matching), so it stays, and so does everything after it; the first entry
// that conflicts truncates the log from there. The planted bug truncates after prev_index at
// once, so a stale AppendEntries (reordered, duplicated) removes entries the leader counted.
void merge_entries(Ctx& ctx, const R::AppendEntries& a) {
  R::Durable& d = ctx.durable();
  if (ctx.variant() == Variant::truncate_on_stale_append) d.log.resize(a.prev_index);
  std::uint64_t index = a.prev_index;
  for (const R::Entry& e : a.entries) {
    ++index;
    if (index <= last_index(d) && term_at(d, index) == e.term) continue;
    if (index <= last_index(d)) d.log.resize(index - 1);
    if (d.log.size() >= R::log_entries_max) throw std::length_error("raft-kv: log without bound");
    d.log.push_back(e);
  }
}

void on_append_entries(Node& node, Ctx& ctx, NodeId from, const R::AppendEntries& a) {
  if (!current_term(node, ctx, a.term)) {
    ctx.send(from, R::AppendReply{ctx.durable().term, false, 0});
    return;
  }
  if (node.role == Role::leader) {
    // Another leader of our term: only the planted vote-not-persisted elects two, and
    // election-safety reports it at the step the second one won.
    CORRIDOR_ASSERT_MSG(ctx.variant() == Variant::vote_not_persisted, "two leaders of one term");
    return;
  }
  if (node.role == Role::candidate) become_follower(node, ctx, a.term);
  node.leader_hint = from;
  node.heard_ns = ctx.monotonic();
  const R::Durable& d = ctx.durable();
  if (a.prev_index > last_index(d) || term_at(d, a.prev_index) != a.prev_term) {
    const std::uint64_t hint = std::min<std::uint64_t>(last_index(d), a.prev_index - 1);
    ctx.send(from, R::AppendReply{d.term, false, hint});
    return;
  }
  merge_entries(ctx, a);
  const std::uint64_t matched = a.prev_index + a.entries.size();
  node.commit = std::max(node.commit, std::min(a.leader_commit, matched));
  apply_committed(node, ctx);
  ctx.send(from, R::AppendReply{d.term, true, matched});
}

void on_append_reply(Node& node, Ctx& ctx, NodeId from, const R::AppendReply& r) {
  if (!current_term(node, ctx, r.term) || node.role != Role::leader) return;
  if (r.success) {
    node.match_index[from] = std::max(node.match_index[from], r.index);
    node.next_index[from] = std::max(node.next_index[from], r.index + 1);
    advance_commit(node, ctx);
    if (node.next_index[from] <= last_index(ctx.durable())) send_append(node, ctx, from);
    return;
  }
  // The follower's log ends at, or diverges after, r.index: retry from there. Not clamped at
  // match_index: a follower's log can only shrink below it in the planted truncation, and then the
  // leader must resend what it lost rather than loop on a previous entry the follower lacks.
  node.next_index[from] = std::min(node.next_index[from] - 1, r.index) + 1;
  send_append(node, ctx, from);
}

void on_tick(Node& node, Ctx& ctx) {
  ctx.set_timer(R::Tick{}, R::tick_ns);
  const time_ns now = ctx.monotonic();
  if (now - node.heard_ns >= node.election_timeout_ns && node.role != Role::leader) {
    start_election(node, ctx);
    return;
  }
  if (now - node.heartbeat_sent_ns < R::heartbeat_ns) return;
  if (node.role == Role::leader) send_appends(node, ctx);
  if (node.role == Role::candidate) ask_for_votes(node, ctx);
}

void start_replica(Node& node, Ctx& ctx) {
  node.heard_ns = ctx.monotonic();
  node.election_timeout_ns = ctx.random_between(R::election_timeout_min_ns, R::election_timeout_max_ns);
  ctx.set_timer(R::Tick{}, R::tick_ns);
}

}  // namespace

void RaftKv::Node::on_start(Ctx& ctx) { start_replica(*this, ctx); }
void RaftKv::Node::on_recover(Ctx& ctx) { start_replica(*this, ctx); }
void RaftKv::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (std::holds_alternative<Tick>(timer)) on_tick(*this, ctx);
}
void RaftKv::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (const auto* r = std::get_if<Request>(&m)) return on_request(*this, ctx, from, r->cmd);
  if (!ctx.is_node(from)) return;  // everything else comes from replicas
  if (const auto* rv = std::get_if<RequestVote>(&m)) on_request_vote(*this, ctx, from, *rv);
  else if (const auto* v = std::get_if<Vote>(&m)) on_vote(*this, ctx, from, *v);
  else if (const auto* a = std::get_if<AppendEntries>(&m)) on_append_entries(*this, ctx, from, *a);
  else if (const auto* ar = std::get_if<AppendReply>(&m)) on_append_reply(*this, ctx, from, *ar);
}

// --- clients ---

namespace {

using Client = R::Client;

using kv_store::invoke_value;
using kv_store::key_name;
using kv_store::op_name;

void send_request(Client& c, Ctx& ctx) {
  ++c.sends;
  ctx.send(c.target, R::Request{c.cmd});
  ctx.set_timer(R::ClientTimeout{c.issued, c.sends}, R::client_timeout_ns);
}

void next_operation(Client& c, Ctx& ctx) {
  // The workload's budget (--ops; the shrinker lowers it) is spent: the client stays idle.
  if (c.issued >= R::ops_per_client || !ctx.start_operation()) return;
  ++c.issued;
  R::Command& cmd = c.cmd;
  cmd = R::Command{};
  cmd.client = ctx.self();
  cmd.request = (std::uint64_t{ctx.client_index()} + 1) << 32 | c.issued;
  cmd.key = static_cast<std::uint32_t>(ctx.random(R::keys));
  const std::uint64_t pick = ctx.random(20);
  cmd.op = pick < 7 ? Op::get : pick < 13 ? Op::put : pick < 17 ? Op::cas : Op::del;
  cmd.a = static_cast<std::int64_t>(ctx.random(4));
  cmd.b = static_cast<std::int64_t>(ctx.random(4));
  ctx.record(OpType::invoke, op_name(cmd.op), key_name(cmd.key), invoke_value(cmd));
  send_request(c, ctx);
}

void complete(Client& c, Ctx& ctx, const R::Result& r) {
  const R::Command cmd = c.cmd;
  c.cmd.request = 0;
  if (cmd.op == Op::get) ctx.record(OpType::ok, "get", key_name(cmd.key), r.found ? HistoryValue{r.value} : HistoryValue{});
  else if (cmd.op == Op::cas && !r.ok) ctx.record(OpType::fail, "cas", key_name(cmd.key), invoke_value(cmd));
  else ctx.record(OpType::ok, op_name(cmd.op), key_name(cmd.key), invoke_value(cmd));
  ctx.set_timer(R::ClientThink{}, 0, R::client_think_max_ns);
}

}  // namespace

void RaftKv::Client::on_start(Ctx& ctx) {
  target = static_cast<NodeId>(ctx.random(ctx.node_count()));
  next_operation(*this, ctx);
}

void RaftKv::Client::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (cmd.request == 0) return;
  if (const auto* r = std::get_if<Reply>(&m); r && r->request == cmd.request) {
    complete(*this, ctx, r->result);
  } else if (const auto* d = std::get_if<Redirect>(&m); d && d->request == cmd.request && from == target) {
    if (ctx.is_node(d->hint) && d->hint != target) {
      target = d->hint;
      send_request(*this, ctx);
    }
  }
}

void RaftKv::Client::on_timer(Ctx& ctx, const Timer& timer) {
  if (std::holds_alternative<ClientThink>(timer)) {
    next_operation(*this, ctx);
  } else if (const auto* t = std::get_if<ClientTimeout>(&timer); t && cmd.request != 0 && t->issued == issued && t->sends == sends) {
    target = (target + 1) % ctx.node_count();
    send_request(*this, ctx);
  }
}

// --- registry entry ---

ProtocolEntry raft_kv_entry() {
  using E = Engine<RaftKv>;
  // multi-paxos-kv's sizes, fault model, clocks and bounds (the same store and clients), with Raft's
  // variants, and a demo with eight crashes: a vote is lost only when a node restarts inside one
  // term, which two crashes make about 1 run in 2,000.
  ProtocolInfo info = multi_paxos_kv_info(
      "raft-kv",
      "A Raft replicated key-value store (get, put, cas, delete): leader election, log replication, "
      "commit by current-term majority, every command through the log, client sessions.");
  static_assert(R::nodes_max == MultiPaxosKv::nodes_max);
  info.variants = {
    correct_variant(Variant::correct, "A leader commits an entry of its own term once a majority stores "
                                      "it; term, vote and log are durable; gets go through the log."),
    planted_bug(Variant::vote_not_persisted,
                "The vote is kept in volatile state, so a node that restarts votes again in the same term "
                "and two candidates win it.",
                "election-safety"),
    planted_bug(Variant::truncate_on_stale_append,
                "A follower drops every entry after the AppendEntries' previous index, even entries it "
                "matches, so a stale (reordered or duplicated) append removes entries a leader counted.",
                "leader-completeness"),
    planted_bug(Variant::read_from_deposed_leader,
                "A leader answers a get from its own state machine without a read index or a round "
                "through the log, so a deposed leader (or one behind its own commit) returns a stale value.",
                "linearizable"),
  };
  info.demo_faults = "crash=8,partition=2,pause=1,loss=0.05,dup=0.05,delay=uniform:1ms:10ms";
  return register_protocol<RaftKv>(
      std::move(info),
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, R::clients}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
                install_raft_kv_checks(engine);
              },
          .witnesses = multi_paxos_kv_witnesses<E>([](const E& w, NodeId n) -> const Node& { return w.node(n); }),
      });
}

}  // namespace corridor::protocols

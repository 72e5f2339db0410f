#include "protocols/leader_lease/leader_lease.hpp"

#include <algorithm>
#include <memory>

#include "invariants/leader_stability.hpp"
#include "invariants/monotonic_token.hpp"
#include "invariants/unique_lease_holder.hpp"
#include "invariants/unique_leader_per_term.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using LL = LeaderLease;
using Ctx = LL::Ctx;
using Role = LL::Role;
using Node = LL::Node;

using Variant = LL::Variant;

// Lease nodes are the layout's members; the storage node is its one helper.
NodeId storage_node(const Ctx& ctx) { return ctx.helper_id(0); }
bool has_majority(const Ctx& ctx, NodeSet nodes) { return nodes.is_majority_of(ctx.member_count()); }
time_ns margin_ns(const Ctx& ctx) { return ctx.variant() == Variant::no_drift_margin ? 0 : LL::margin_ns; }

void arm_election(Ctx& ctx) { ctx.set_timer(LL::Election{}, LL::election_timeout_min_ns, LL::election_timeout_max_ns); }
void promise(Node& node, Ctx& ctx) { node.promise_until_ns = std::max(node.promise_until_ns, ctx.monotonic() + LL::lease_ns); }

// The open batch's clients learn that this node cannot take their writes.
void fail_open_batch(Node& node, Ctx& ctx) {
  if (!node.open_batch) return;
  for (const LL::ClientWrite& w : node.open_batch->writes) ctx.send(w.client, LL::NotLeader{w.request, w.attempt, no_node});
  node.open_batch.reset();
}

void step_down(Node& node, Ctx& ctx) {
  if (node.role == Role::follower) return;
  if (node.role == Role::leader) ctx.note("step-down", node.lead_term);
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
  for (NodeId peer : ctx.members()) {
    if (!node.votes.contains(peer)) ctx.send(peer, LL::RequestVote{ctx.durable().term});
  }
}

void send_heartbeats(Node& node, Ctx& ctx);

void become_leader(Node& node, Ctx& ctx) {
  CORRIDOR_ASSERT_MSG(node.role == Role::candidate && has_majority(ctx, node.votes), "a leader won a majority's votes");
  CORRIDOR_ASSERT_MSG(ctx.durable().voted_for == ctx.self(), "a candidate voted for itself in its term");
  node.role = Role::leader;
  node.lead_term = ctx.durable().term;
  node.leader_hint = ctx.self();
  ++node.epoch;
  node.lease_until_ns = node.candidacy_ns + LL::lease_ns - margin_ns(ctx);
  node.rounds = {};
  ctx.note("leader", node.lead_term);
  send_heartbeats(node, ctx);
  ctx.set_timer(LL::HeartbeatDue{node.epoch}, LL::heartbeat_ns);
}

void start_candidacy(Node& node, Ctx& ctx) {
  LL::Durable& d = ctx.durable();
  ++d.term;
  d.voted_for = ctx.self();
  ctx.note("election", d.term);
  node.role = Role::candidate;
  node.lead_term = 0;
  node.leader_hint = no_node;
  ++node.epoch;
  // No promise for its own vote: it serves only this candidacy, and if the candidacy wins, the
  // leader's first heartbeat round makes the promise (from a time after candidacy_ns).
  node.candidacy_ns = ctx.monotonic();
  node.votes = NodeSet::of(ctx.self());
  if (has_majority(ctx, node.votes)) {
    become_leader(node, ctx);
    return;
  }
  request_votes(node, ctx);
  ctx.set_timer(LL::VoteRetry{node.epoch}, LL::vote_retry_ns);
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
  if (node.role == Role::leader) {
    arm_election(ctx);
  } else if (now_ns < node.promise_until_ns) {
    const time_ns left_ns = node.promise_until_ns - now_ns;
    ctx.set_timer(LL::Election{}, left_ns, left_ns + LL::election_jitter_ns);
  } else if (may_vote(ctx, node.asked_term, node.asked_by)) {
    adopt_term(node, ctx, node.asked_term);
    grant_vote(node, ctx, node.asked_by);
    arm_election(ctx);
  } else {
    start_candidacy(node, ctx);
    arm_election(ctx);
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
  CORRIDOR_ASSERT_MSG(ctx.is_member(from), "votes come from lease nodes");
  node.votes.insert(from);
  if (has_majority(ctx, node.votes)) become_leader(node, ctx);
}

// --- leadership ---

void count_round(Node& node, Ctx& ctx, LL::Round& round) {
  if (!has_majority(ctx, round.acks)) return;
  node.lease_until_ns = std::max(node.lease_until_ns, round.sent_ns + LL::lease_ns - margin_ns(ctx));
  CORRIDOR_ASSERT_MSG(node.lease_until_ns <= ctx.monotonic() + LL::lease_ns, "a lease ends within one lease from now");
}

void send_heartbeats(Node& node, Ctx& ctx) {
  const std::uint64_t r = ++node.next_round;
  LL::Round& round = node.rounds[r % LL::rounds_kept];
  round = {r, ctx.monotonic(), NodeSet::of(ctx.self())};
  promise(node, ctx);  // the leader acknowledges its own round
  for (NodeId peer : ctx.members()) {
    if (peer != ctx.self()) ctx.send(peer, LL::Heartbeat{node.lead_term, r});
  }
  count_round(node, ctx, round);
}

// A leader that has not heard a majority for a whole lease stops leading. The planted bug sends
// the round and forgets the next: followers' promises run out under a leader that still leads,
// and they stand (its lease ends before their promises, so leases stay unique: only stability
// breaks).
void on_heartbeat_timer(Node& node, Ctx& ctx) {
  if (ctx.monotonic() >= node.lease_until_ns) {
    step_down(node, ctx);
    return;
  }
  send_heartbeats(node, ctx);
  if (ctx.variant() == Variant::heartbeat_not_rearmed) return;
  ctx.set_timer(LL::HeartbeatDue{node.epoch}, LL::heartbeat_ns);
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
  CORRIDOR_ASSERT_MSG(ctx.is_member(from), "acknowledgements come from lease nodes");
  round.acks.insert(from);
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
    ctx.set_timer(LL::Flush{node.open_batch->id}, LL::flush_delay_ns);
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
  CORRIDOR_ASSERT_MSG(ctx.is_helper(ctx.self()), "only the storage node stores");
  const bool accepted = ctx.variant() == Variant::no_fencing || m.token >= d.store_token;
  if (accepted) {
    d.store_token = std::max(d.store_token, m.token);  // the highest token never goes back
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
  arm_election(ctx);
}

// The promises made before the crash were volatile: keep quiet for one lease instead.
void LeaderLease::Node::on_recover(Ctx& ctx) {
  if (ctx.self() == storage_node(ctx)) {
    role = Role::storage;
    return;
  }
  promise(*this, ctx);
  arm_election(ctx);
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

void LeaderLease::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (std::holds_alternative<Election>(timer)) {
    on_election_timer(*this, ctx);
  } else if (const auto* due = std::get_if<HeartbeatDue>(&timer)) {
    if (role == Role::leader && due->epoch == epoch) on_heartbeat_timer(*this, ctx);
  } else if (const auto* retry = std::get_if<VoteRetry>(&timer)) {
    if (role == Role::candidate && retry->epoch == epoch) {
      request_votes(*this, ctx);
      ctx.set_timer(VoteRetry{epoch}, vote_retry_ns);
    }
  } else if (const auto* flush = std::get_if<Flush>(&timer)) {
    on_flush_timer(*this, ctx, flush->batch);
  }
  // ClientTimeout and ClientThink are clients' timers.
}

// --- clients ---

namespace {

using Client = LL::Client;

void send_request(Client& c, Ctx& ctx) {
  ++c.attempt;
  ctx.send(c.target, LL::Write{c.request, c.attempt, c.value});
  c.timeout = ctx.set_timer(LL::ClientTimeout{c.issued}, LL::client_timeout_ns);
}

void next_operation(Client& c, Ctx& ctx) {
  if (!ctx.start_operation()) return;  // the workload's budget is spent: the client stays idle
  ++c.issued;
  c.request = (std::uint64_t{ctx.client_index()} + 1) << 32 | c.issued;
  c.value = static_cast<std::int64_t>(ctx.random(1'000'000));
  ctx.record(OpType::invoke, "write", {}, c.value);
  send_request(c, ctx);
}

void retry_at(Client& c, Ctx& ctx, NodeId target) {
  ctx.cancel_timer(c.timeout);
  c.target = target;
  send_request(c, ctx);
}

NodeId next_node(const Client& c, const Ctx& ctx) { return (c.target + 1) % ctx.member_count(); }

}  // namespace

void LeaderLease::Client::on_start(Ctx& ctx) {
  target = static_cast<NodeId>(ctx.random(ctx.member_count()));
  next_operation(*this, ctx);
}

void LeaderLease::Client::on_message(Ctx& ctx, NodeId, const Message& m) {
  if (const auto* ok = std::get_if<WriteOk>(&m); ok && ok->request == request && request != 0) {
    ctx.cancel_timer(timeout);
    ctx.record(OpType::ok, "write", {}, value);
    request = 0;
    ctx.set_timer(ClientThink{issued}, client_think_ns);
  } else if (const auto* no = std::get_if<NotLeader>(&m);
             no && no->request == request && no->attempt == attempt && request != 0) {
    const bool useful_hint = ctx.is_member(no->hint) && no->hint != target;
    retry_at(*this, ctx, useful_hint ? no->hint : next_node(*this, ctx));
  }
}

void LeaderLease::Client::on_timer(Ctx& ctx, const Timer& timer) {
  if (const auto* t = std::get_if<ClientTimeout>(&timer); t && t->issued == issued && request != 0) {
    retry_at(*this, ctx, next_node(*this, ctx));
  } else if (const auto* think = std::get_if<ClientThink>(&timer); think && think->issued == issued && request == 0) {
    next_operation(*this, ctx);
  }
}

// --- registry entry ---

namespace {

std::vector<Witness<Engine<LeaderLease>>> leader_lease_witnesses() {
  using E = Engine<LeaderLease>;
  return {{"leader-elected", "a node leads, with the lease its majority of votes granted",
           [](const E& w) {
             for (NodeId n = 0; n < w.layout_nodes(); ++n) {
               if (w.node(n).leading_term()) return true;
             }
             return false;
           }},
          {"write-stored", "the storage node accepted a leader's write",
           [](const E& w) {
             for (NodeId n = 0; n < w.layout_nodes(); ++n) {
               if (w.node(n).writes_stored >= 1) return true;
             }
             return false;
           }},
          operation_completed<E>("a client's write was acknowledged")};
}

SimulationSpec<LeaderLease> leader_lease_spec() {
  using E = Engine<LeaderLease>;
  return {
      .layout = [](const SimConfig& c) { return E::Layout{.nodes = c.nodes + 1, .clients = 2, .helpers = 1}; },
      .targets =
          [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install =
          [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig& config) {
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
            // Stability is promised only while clocks stay in the corridor the leases assume.
            if (config.clock.drift_ppm <= LL::drift_assumed_ppm) {
              observers.push_back(std::make_unique<invariants::LeaderStabilityMonitor>(LL::stability_grace_ns));
            }
          },
      .witnesses = leader_lease_witnesses(),
  };
}

}  // namespace

ProtocolEntry leader_lease_entry() {
  return register_protocol<LeaderLease>(
      {
          .name = "leader-lease",
          .description = "Leader election with leases and fencing tokens; a storage node checks the tokens.",
          .variants =
              {
                  correct_variant(Variant::correct,
                                  "Leases end a drift margin early and storage rejects tokens older than the highest."),
                  planted_bug(Variant::no_drift_margin,
                              "Leases last the full lease on the leader's clock, so a slow clock outlives a fast "
                              "voter's promise and two leaders hold a lease at once.",
                              "unique-lease-holder"),
                  planted_bug(Variant::no_fencing,
                              "Storage accepts every write, so a leader paused between its lease check and its write "
                              "overwrites its successor's writes.",
                              "fencing-monotonic"),
                  planted_bug(Variant::heartbeat_not_rearmed,
                              "The leader sends a heartbeat round and forgets to set the timer for the next, so "
                              "followers' promises run out under a healthy leader and they stand for election, again "
                              "and again.",
                              "leader-stability or progress-bound"),
              },
          .default_nodes = 3,
          .min_nodes = 1,
          .max_nodes = LL::lease_nodes_max,
          .default_faults = "crash=1,partition=1,pause=1,delay=uniform:1ms:10ms",
          .default_clock = "drift=50000ppm",
          .campaign_nodes = {1, 3, 5},
          // Leases are measured on monotonic(): skew and wall-clock jumps must change nothing.
          .campaign_clocks = {"drift=50000ppm,skew=5ms,jump=2s,jumps=2", "drift=50000ppm,skew=5ms,jump=-2s,jumps=2"},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(10),
          .operation_bound_ns = seconds(3),
          .demo_faults = "partition=2,pause=4,delay=uniform:1ms:10ms",
          .demo_clock = "drift=50000ppm",
      },
      leader_lease_spec());
}

}  // namespace corridor::protocols

// pset-kv, a student's submission with a bug: the leader counts a slot committed on its own accept, before a majority has it, and replies.
// (Otherwise the reference solution; see ../reference/kv.cpp for how it works.)
#include <algorithm>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "invariants/linearizability.hpp"
#include "model/node_set.hpp"
#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace pset {

using namespace corridor;

constexpr std::uint32_t clients = 2;
constexpr std::uint32_t ops_per_client = 20;
constexpr time_ns tick_ns = ms(10);
constexpr time_ns election_min_ns = ms(150);
constexpr time_ns election_max_ns = ms(300);
constexpr time_ns lease_ns = election_min_ns / 3;
constexpr time_ns client_timeout_ns = ms(100);
constexpr std::uint64_t accepts_per_heartbeat_max = 16;

enum class Op : std::uint8_t { put, get, no_op };

struct Command {
  NodeId client = 0;
  std::uint64_t request = 0;
  Op op = Op::no_op;
  std::int64_t value = 0;
};

struct Slot {
  std::uint64_t ballot = 0;  // 0: empty
  Command cmd;
};

struct Request { std::uint64_t request = 0; Op op = Op::get; std::int64_t value = 0; };
struct Reply { std::uint64_t request = 0; std::int64_t value = 0; };
struct Redirect { std::uint64_t request = 0; NodeId leader = 0; };
struct Prepare { std::uint64_t ballot = 0; };
struct Promise { std::uint64_t ballot = 0; std::vector<Slot> log; };
struct Accept { std::uint64_t ballot = 0; std::uint64_t slot = 0; Command cmd; };
struct Accepted { std::uint64_t ballot = 0; std::uint64_t slot = 0; };
struct Nack { std::uint64_t promised = 0; };
struct Heartbeat { std::uint64_t ballot = 0; std::uint64_t round = 0; };
struct HeartbeatAck { std::uint64_t ballot = 0; std::uint64_t round = 0; std::uint64_t first_hole = 0; };

struct Kv {
  enum class Variant { correct };
  using Message = std::variant<Request, Reply, Redirect, Prepare, Promise, Accept, Accepted, Nack, Heartbeat, HeartbeatAck>;
  // A replica's tick (elections, heartbeats); a client's think time before its next operation and
  // its wait for an answer before it tries the next replica.
  enum class Timer { tick, think, retry };
  struct Durable {
    std::uint64_t promised = 0;
    std::vector<Slot> log;
    friend bool operator==(const Durable&, const Durable&) = default;
  };
  using Ctx = Context<Kv>;

  struct Session {
    std::uint64_t request = 0;
    std::int64_t result = 0;
  };

  struct Node {
    // Leader (or candidate) state; volatile.
    bool leading = false;
    std::uint64_t ballot = 0;             // the ballot this node leads or prepares
    NodeSet promises;
    std::vector<Slot> learnt;             // a candidate's merge of the promises
    std::vector<NodeSet> acks;            // per slot
    std::uint64_t commit = 0;             // slots [0, commit) committed
    std::uint64_t recovered = 0;          // slots a new leader took over; lease reads wait for them
    std::uint64_t round = 0;
    time_ns round_sent_ns = 0;
    NodeSet round_acks;
    time_ns lease_until_ns = 0;
    // State machine, rebuilt by a new leader from its log.
    std::uint64_t applied = 0;
    std::int64_t x = -1;  // -1: never written (a get then reads nil)
    std::vector<Session> sessions;
    // Follower state.
    time_ns heard_ns = -election_min_ns;  // last contact from a leader
    time_ns election_at_ns = 0;           // when to prepare if no leader is heard from by then
    NodeId leader_hint = 0;

    void on_start(Ctx& ctx) {
      sessions.assign(ctx.client_count(), {});
      election_at_ns = ctx.monotonic() + election_timeout(ctx);
      if (ctx.self() == 0) become_candidate(ctx);
      ctx.set_timer(Timer::tick, tick_ns);
    }

    // A restarted replica cannot know whether it granted a lease just before it crashed: it waits
    // out a lease before it promises anyone.
    void on_recover(Ctx& ctx) {
      on_start(ctx);
      heard_ns = ctx.monotonic();
    }

    static time_ns election_timeout(Ctx& ctx) { return ctx.random_between(election_min_ns / ms(1), election_max_ns / ms(1)) * ms(1); }

    void heard_from(Ctx& ctx, NodeId leader) {
      heard_ns = ctx.monotonic();
      election_at_ns = heard_ns + election_timeout(ctx);
      leader_hint = leader;
    }

    std::uint64_t& promised(Ctx& ctx) { return ctx.durable().promised; }
    std::vector<Slot>& log(Ctx& ctx) { return ctx.durable().log; }

    void on_timer(Ctx& ctx, const Timer&) {
      ctx.set_timer(Timer::tick, tick_ns);
      if (leading) {
        heartbeat(ctx);
        return;
      }
      if (ctx.monotonic() >= election_at_ns) become_candidate(ctx);
    }

    void become_candidate(Ctx& ctx) {
      leading = false;
      ballot = (promised(ctx) / NodeSet::capacity + 1) * NodeSet::capacity + ctx.self();
      promised(ctx) = ballot;
      promises = NodeSet::of(ctx.self());
      learnt = log(ctx);
      election_at_ns = ctx.monotonic() + election_timeout(ctx);
      ctx.broadcast(Prepare{ballot});
      if (promises.is_majority_of(ctx.node_count())) become_leader(ctx);
    }

    void become_leader(Ctx& ctx) {
      leading = true;
      std::vector<Slot>& l = log(ctx);
      l = learnt;
      acks.assign(l.size(), NodeSet::of(ctx.self()));
      for (Slot& s : l) {
        if (s.ballot == 0) s.cmd = Command{};  // a hole: a no-op
        s.ballot = ballot;
      }
      commit = 0;
      recovered = l.size();
      applied = 0;
      x = -1;
      sessions.assign(ctx.client_count(), {});
      lease_until_ns = 0;
      for (std::uint64_t slot = 0; slot < l.size(); ++slot) ctx.broadcast(Accept{ballot, slot, l[slot].cmd});
      heartbeat(ctx);
      advance(ctx);
    }

    void step_down(Ctx& ctx, NodeId leader) {
      leading = false;
      lease_until_ns = 0;
      heard_from(ctx, leader);
    }

    void heartbeat(Ctx& ctx) {
      ++round;
      round_sent_ns = ctx.monotonic();
      round_acks = NodeSet::of(ctx.self());
      ctx.broadcast(Heartbeat{ballot, round});
      const std::vector<Slot>& l = log(ctx);
      for (std::uint64_t slot = commit; slot < l.size() && slot < commit + accepts_per_heartbeat_max; ++slot) {
        ctx.broadcast(Accept{ballot, slot, l[slot].cmd});
      }
    }

    std::uint64_t first_hole(Ctx& ctx) {
      const std::vector<Slot>& l = log(ctx);
      std::uint64_t slot = 0;
      while (slot < l.size() && l[slot].ballot != 0) ++slot;
      return slot;
    }

    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      std::visit([&](const auto& msg) { handle(ctx, from, msg); }, m);
    }

    void handle(Ctx& ctx, NodeId from, const Request& r) {
      if (!leading) {
        ctx.send(from, Redirect{r.request, leader_hint});
        return;
      }
      Session& session = sessions.at(from - ctx.client_id(0));
      if (session.request >= r.request) {
        if (session.request == r.request) ctx.send(from, Reply{r.request, session.result});
        return;
      }
      std::vector<Slot>& l = log(ctx);
      if (r.op == Op::get && ctx.monotonic() < lease_until_ns && commit >= recovered && applied == commit) {
        // A lease read: no other leader can have committed since, and writes still open may
        // take effect after it.
        ctx.send(from, Reply{r.request, x});
        return;
      }
      for (std::uint64_t slot = commit; slot < l.size(); ++slot) {
        if (l[slot].cmd.client == from && l[slot].cmd.request == r.request) return;  // already proposed
      }
      const Command cmd{from, r.request, r.op, r.value};
      l.push_back({ballot, cmd});
      acks.push_back(NodeSet::of(ctx.self()));
      ctx.broadcast(Accept{ballot, l.size() - 1, cmd});
      advance(ctx);
    }

    void handle(Ctx& ctx, NodeId from, const Prepare& p) {
      // While a leader may hold a lease that this node's answer granted, no other may lead.
      const bool heard_leader = ctx.monotonic() - heard_ns < election_min_ns && leader_hint != from && !leading;
      if (p.ballot <= promised(ctx) || heard_leader) {
        ctx.send(from, Nack{promised(ctx)});
        return;
      }
      promised(ctx) = p.ballot;
      if (leading) step_down(ctx, from);
      ctx.send(from, Promise{p.ballot, log(ctx)});
    }

    void handle(Ctx& ctx, NodeId from, const Promise& p) {
      if (leading || p.ballot != ballot) return;
      for (std::uint64_t slot = 0; slot < p.log.size(); ++slot) {
        if (learnt.size() <= slot) learnt.resize(slot + 1);
        if (p.log[slot].ballot > learnt[slot].ballot) learnt[slot] = p.log[slot];
      }
      promises.insert(from);
      if (promises.is_majority_of(ctx.node_count())) become_leader(ctx);
    }

    void handle(Ctx& ctx, NodeId from, const Accept& a) {
      if (a.ballot < promised(ctx)) {
        ctx.send(from, Nack{promised(ctx)});
        return;
      }
      promised(ctx) = a.ballot;
      if (leading && a.ballot != ballot) step_down(ctx, from);
      if (!leading) heard_from(ctx, from);
      std::vector<Slot>& l = log(ctx);
      if (l.size() <= a.slot) l.resize(a.slot + 1);
      l[a.slot] = {a.ballot, a.cmd};
      ctx.send(from, Accepted{a.ballot, a.slot});
    }

    void handle(Ctx& ctx, NodeId from, const Accepted& a) {
      if (!leading || a.ballot != ballot || a.slot >= acks.size()) return;
      acks[a.slot].insert(from);
      advance(ctx);
    }

    void handle(Ctx& ctx, NodeId from, const Nack& n) {
      if (n.promised <= promised(ctx)) return;
      promised(ctx) = n.promised;
      if (leading || ballot < n.promised) step_down(ctx, from);
    }

    void handle(Ctx& ctx, NodeId from, const Heartbeat& h) {
      if (h.ballot < promised(ctx)) {
        ctx.send(from, Nack{promised(ctx)});
        return;
      }
      promised(ctx) = h.ballot;
      if (leading && h.ballot != ballot) step_down(ctx, from);
      if (!leading) heard_from(ctx, from);
      ctx.send(from, HeartbeatAck{h.ballot, h.round, first_hole(ctx)});
    }

    void handle(Ctx& ctx, NodeId from, const HeartbeatAck& a) {
      if (!leading || a.ballot != ballot) return;
      const std::vector<Slot>& l = log(ctx);
      for (std::uint64_t slot = a.first_hole; slot < l.size() && slot < a.first_hole + accepts_per_heartbeat_max; ++slot) {
        ctx.send(from, Accept{ballot, slot, l[slot].cmd});
      }
      if (a.round != round) return;
      round_acks.insert(from);
      if (round_acks.is_majority_of(ctx.node_count())) {
        lease_until_ns = std::max(lease_until_ns, round_sent_ns + lease_ns);
      }
    }

    void handle(Ctx&, NodeId, const Reply&) {}
    void handle(Ctx&, NodeId, const Redirect&) {}

    // Commits what a majority accepted at this ballot, in order, and applies it.
    void advance(Ctx& ctx) {
      const std::vector<Slot>& l = log(ctx);
      while (commit < l.size() && !acks[commit].empty()) ++commit;  // "it is in my log, so it is safe"
      while (applied < commit) {
        const Command& cmd = l[applied].cmd;
        ++applied;
        if (cmd.op == Op::no_op) continue;
        Session& s = sessions.at(cmd.client - ctx.client_id(0));
        if (cmd.request > s.request) {
          if (cmd.op == Op::put) x = cmd.value;
          s = {cmd.request, x};
        }
        if (s.request == cmd.request) ctx.send(cmd.client, Reply{cmd.request, s.result});
      }
    }
  };

  struct Client {
    NodeId target = 0;
    std::uint64_t issued = 0;
    std::uint64_t open = 0;  // the open request; 0 when idle
    Op op = Op::put;
    std::int64_t value = 0;
    TimerId retry = 0;

    void on_start(Ctx& ctx) { ctx.set_timer(Timer::think, ms(5), ms(24)); }

    void on_timer(Ctx& ctx, const Timer& timer) {
      if (timer == Timer::retry) {  // no answer: try the next replica with the same request
        target = (target + 1) % ctx.node_count();
        send(ctx);
        return;
      }
      if (open != 0 || issued >= ops_per_client || !ctx.start_operation()) return;
      ++issued;
      open = (std::uint64_t{ctx.self()} << 32) | issued;
      op = issued % 2 == 0 ? Op::put : Op::get;  // get, put, get, ...
      value = static_cast<std::int64_t>(ctx.client_index() * 1000 + issued);
      if (op == Op::put) ctx.record(OpType::invoke, "put", "x", value);
      else ctx.record(OpType::invoke, "get", "x");
      send(ctx);
    }

    void send(Ctx& ctx) {
      ctx.send(target, Request{open, op, value});
      retry = ctx.set_timer(Timer::retry, client_timeout_ns);
    }

    void on_message(Ctx& ctx, NodeId, const Message& m) {
      if (const auto* redirect = std::get_if<Redirect>(&m)) {
        if (redirect->request == open && redirect->leader != target) {
          ctx.cancel_timer(retry);
          target = redirect->leader;
          send(ctx);
        }
        return;
      }
      const auto* reply = std::get_if<Reply>(&m);
      if (!reply || reply->request != open) return;
      ctx.cancel_timer(retry);
      if (op == Op::put) ctx.record(OpType::ok, "put", "x", value);
      else ctx.record(OpType::ok, "get", "x", reply->value < 0 ? HistoryValue{} : HistoryValue{reply->value});
      open = 0;
      ctx.set_timer(Timer::think, ms(10), ms(99));
    }
  };
};

ProtocolEntry entry() {
  return register_protocol<Kv>(
      {
          .name = "pset-kv",
          .description = "Problem set: a Multi-Paxos-style replicated register with leader leases.",
          .variants = {
              correct_variant(Kv::Variant::correct, "The submission as written."),
          },
          .default_nodes = 3,
          .min_nodes = 3,
          .max_nodes = 7,
          .default_faults = "delay=uniform:1ms:5ms",
          .default_time_limit_ns = seconds(3),
      },
      {
          .layout = [](const SimConfig& c) { return Engine<Kv>::Layout{c.nodes, clients}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](Engine<Kv>& engine, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
                engine.add_history_checker(invariants::linearizability({.model = "kv"}));
              },
      });
}

const ProtocolRegistrar registered{entry};

}  // namespace pset

// pset-kv, the staff's copy: the reference solution with the three planted bugs students' failure
// tests must expose, as variants (see ../submissions/reference/kv.cpp for how it works). `grade
// --failure-tests` and `grade --claims` build it from here; students never see it.
#include <algorithm>
#include <bit>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "invariants/linearizability.hpp"
#include "model/simulation.hpp"
#include "protocols/registry.hpp"

namespace pset {

using namespace corridor;

constexpr std::uint32_t clients = 2;
constexpr std::uint32_t ops_per_client = 20;
constexpr time_ns tick_ns = ms(10);
constexpr time_ns election_min_ns = ms(150);
constexpr time_ns lease_ns = election_min_ns / 3;
constexpr time_ns client_timeout_ns = ms(100);
constexpr std::uint64_t no_op = 2;
// The planted bugs, by variant index (the registration below names them).
constexpr std::uint32_t commit_early = 1;
constexpr std::uint32_t lease_no_margin = 2;
constexpr std::uint32_t forgets_log = 3;

struct Command {
  NodeId client = 0;
  std::uint64_t request = 0;
  std::uint64_t op = no_op;  // 0 put, 1 get, 2 no-op
  std::int64_t value = 0;
};

struct Slot {
  std::uint64_t ballot = 0;  // 0: empty
  Command cmd;
};

struct Request { std::uint64_t request = 0; std::uint64_t op = 0; std::int64_t value = 0; };
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
  using Message = std::variant<Request, Reply, Redirect, Prepare, Promise, Accept, Accepted, Nack, Heartbeat, HeartbeatAck>;
  struct Durable {
    std::uint64_t promised = 0;
    std::vector<Slot> log;
    friend bool operator==(const Durable&, const Durable&) = default;
  };
  using Ctx = Context<Message, Durable>;

  struct Session {
    std::uint64_t request = 0;
    std::int64_t result = 0;
  };

  struct Node {
    // Leader (or candidate) state; volatile.
    bool leading = false;
    std::uint64_t ballot = 0;             // the ballot this node leads or prepares
    std::uint64_t promises = 0;           // bit per node
    std::vector<Slot> learnt;             // a candidate's merge of the promises
    std::vector<std::uint64_t> acks;      // per slot, bit per node
    std::uint64_t commit = 0;             // slots [0, commit) committed
    std::uint64_t recovered = 0;          // slots a new leader took over; lease reads wait for them
    std::uint64_t round = 0;
    time_ns round_sent_ns = 0;
    std::uint64_t round_acks = 0;
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
      sessions.assign(clients, {});
      election_at_ns = ctx.monotonic() + election_timeout(ctx);
      if (ctx.self() == 0) become_candidate(ctx);
      ctx.set_timer(tick_ns, 0);
    }

    // A restarted replica cannot know whether it granted a lease just before it crashed: it waits
    // out a lease before it promises anyone.
    void on_recover(Ctx& ctx) {
      if (ctx.variant() == forgets_log) ctx.durable().log.clear();
      on_start(ctx);
      heard_ns = ctx.monotonic();
    }

    static time_ns election_timeout(Ctx& ctx) { return election_min_ns + static_cast<time_ns>(ctx.random(150)) * ms(1); }

    void heard_from(Ctx& ctx, NodeId leader) {
      heard_ns = ctx.monotonic();
      election_at_ns = heard_ns + election_timeout(ctx);
      leader_hint = leader;
    }

    std::uint32_t majority(const Ctx& ctx) const { return ctx.node_count() / 2 + 1; }
    std::uint64_t& promised(Ctx& ctx) { return ctx.durable().promised; }
    std::vector<Slot>& log(Ctx& ctx) { return ctx.durable().log; }

    void on_timer(Ctx& ctx, std::uint64_t) {
      ctx.set_timer(tick_ns, 0);
      if (leading) {
        heartbeat(ctx);
        return;
      }
      if (ctx.monotonic() >= election_at_ns) become_candidate(ctx);
    }

    void become_candidate(Ctx& ctx) {
      leading = false;
      ballot = (promised(ctx) / 64 + 1) * 64 + ctx.self();
      promised(ctx) = ballot;
      promises = std::uint64_t{1} << ctx.self();
      learnt = log(ctx);
      election_at_ns = ctx.monotonic() + election_timeout(ctx);
      ctx.broadcast(Prepare{ballot});
      if (std::popcount(promises) >= static_cast<int>(majority(ctx))) become_leader(ctx);
    }

    void become_leader(Ctx& ctx) {
      leading = true;
      std::vector<Slot>& l = log(ctx);
      l = learnt;
      acks.assign(l.size(), std::uint64_t{1} << ctx.self());
      for (Slot& s : l) {
        if (s.ballot == 0) s.cmd = Command{};  // a hole: a no-op
        s.ballot = ballot;
      }
      commit = 0;
      recovered = l.size();
      applied = 0;
      x = -1;
      sessions.assign(clients, {});
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
      round_acks = std::uint64_t{1} << ctx.self();
      ctx.broadcast(Heartbeat{ballot, round});
      const std::vector<Slot>& l = log(ctx);
      for (std::uint64_t slot = commit; slot < l.size() && slot < commit + 16; ++slot) ctx.broadcast(Accept{ballot, slot, l[slot].cmd});
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
      const std::size_t c = from - ctx.first_client();
      if (sessions[c].request >= r.request) {
        if (sessions[c].request == r.request) ctx.send(from, Reply{r.request, sessions[c].result});
        return;
      }
      std::vector<Slot>& l = log(ctx);
      if (r.op == 1 && ctx.monotonic() < lease_until_ns && commit >= recovered && applied == commit) {
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
      acks.push_back(std::uint64_t{1} << ctx.self());
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
      promises |= std::uint64_t{1} << from;
      if (std::popcount(promises) >= static_cast<int>(majority(ctx))) become_leader(ctx);
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
      acks[a.slot] |= std::uint64_t{1} << from;
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
      for (std::uint64_t slot = a.first_hole; slot < l.size() && slot < a.first_hole + 16; ++slot) {
        ctx.send(from, Accept{ballot, slot, l[slot].cmd});
      }
      if (a.round != round) return;
      round_acks |= std::uint64_t{1} << from;
      if (std::popcount(round_acks) >= static_cast<int>(majority(ctx))) {
        const time_ns lease = ctx.variant() == lease_no_margin ? election_min_ns : lease_ns;
        lease_until_ns = std::max(lease_until_ns, round_sent_ns + lease);
      }
    }

    void handle(Ctx&, NodeId, const Reply&) {}
    void handle(Ctx&, NodeId, const Redirect&) {}

    // Commits what a majority accepted at this ballot, in order, and applies it.
    void advance(Ctx& ctx) {
      const std::vector<Slot>& l = log(ctx);
      const int needed = ctx.variant() == commit_early ? 1 : static_cast<int>(majority(ctx));
      while (commit < l.size() && std::popcount(acks[commit]) >= needed) ++commit;
      while (applied < commit) {
        const Command& cmd = l[applied].cmd;
        ++applied;
        if (cmd.op == no_op) continue;
        Session& s = sessions[cmd.client - ctx.first_client()];
        if (cmd.request > s.request) {
          if (cmd.op == 0) x = cmd.value;
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
    std::uint64_t op = 0;
    std::int64_t value = 0;
    TimerId timeout = 0;

    void on_start(Ctx& ctx) { ctx.set_timer(ms(5) + static_cast<time_ns>(ctx.random(20)) * ms(1), 1); }

    void on_timer(Ctx& ctx, std::uint64_t tag) {
      if (tag == 2) {  // no answer: try the next replica with the same request
        target = (target + 1) % ctx.node_count();
        send(ctx);
        return;
      }
      if (open != 0 || issued >= ops_per_client || !ctx.start_operation()) return;
      ++issued;
      open = (std::uint64_t{ctx.self()} << 32) | issued;
      op = issued % 2;  // put, get, put, ...
      value = static_cast<std::int64_t>((ctx.self() - ctx.first_client()) * 1000 + issued);
      if (op == 0) ctx.record(OpType::invoke, "put", "x", value);
      else ctx.record(OpType::invoke, "get", "x");
      send(ctx);
    }

    void send(Ctx& ctx) {
      ctx.send(target, Request{open, op, value});
      timeout = ctx.set_timer(client_timeout_ns, 2);
    }

    void on_message(Ctx& ctx, NodeId, const Message& m) {
      if (const auto* redirect = std::get_if<Redirect>(&m)) {
        if (redirect->request == open && redirect->leader != target) {
          ctx.cancel_timer(timeout);
          target = redirect->leader;
          send(ctx);
        }
        return;
      }
      const auto* reply = std::get_if<Reply>(&m);
      if (!reply || reply->request != open) return;
      ctx.cancel_timer(timeout);
      if (op == 0) ctx.record(OpType::ok, "put", "x", value);
      else ctx.record(OpType::ok, "get", "x", reply->value < 0 ? HistoryValue{} : HistoryValue{reply->value});
      open = 0;
      ctx.set_timer(ms(10) + static_cast<time_ns>(ctx.random(90)) * ms(1), 1);  // think
    }
  };
};

ProtocolEntry entry() {
  ProtocolEntry e;
  e.info = {
      .name = "pset-kv",
      .description = "Problem set: a Multi-Paxos-style replicated register with leader leases.",
      .variants = {{"correct", false, "the staff solution"},
                   {"commit-early", true, "the leader counts a slot committed on its own accept and replies"},
                   {"lease-no-margin", true, "the lease lasts as long as followers wait, with no margin for drift"},
                   {"forgets-log", true, "a restarted replica starts with an empty log"}},
      .invariants = {"linearizable"},
      .default_nodes = 3,
      .min_nodes = 3,
      .max_nodes = 7,
      .default_faults = "delay=uniform:1ms:5ms",
      .default_clock = "",
      .default_time_limit_ns = seconds(3),
  };
  e.make = [] {
    return std::make_unique<SimulationOf<Kv>>(SimulationSpec<Kv>{
        .layout = [](const SimConfig& c) { return Engine<Kv>::Layout{c.nodes, clients}; },
        .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
        .install =
            [](Engine<Kv>& engine, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
              engine.add_history_checker(invariants::linearizability({.model = "kv"}));
            },
    });
  };
  return e;
}

const ProtocolRegistrar registered{entry};

}  // namespace pset

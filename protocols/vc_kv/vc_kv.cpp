#include "protocols/vc_kv/vc_kv.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "invariants/sibling_causality.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using Ctx = VcKv::Ctx;
using Clock = VcKv::Clock;
using Version = VcKv::Version;
using Siblings = VcKv::Siblings;
using invariants::ClockOrder;
using invariants::compare_clocks;

std::string key_name(std::uint32_t key) { return std::string(1, static_cast<char>('x' + key)); }

ClockOrder order_of(const Clock& a, const Clock& b) { return compare_clocks(a, b); }

bool lww_later(const Version& a, const Version& b) {
  return a.written_ns != b.written_ns ? a.written_ns > b.written_ns : a.value > b.value;
}

}  // namespace

bool VcKv::reconcile(Siblings& siblings, const Version& v, Variant variant) {
  if (variant == Variant::lww_wall_clock) {
    CORRIDOR_ASSERT(siblings.size() <= 1);
    if (!siblings.empty() && !lww_later(v, siblings.front())) return false;
    siblings.assign(1, v);
    return true;
  }
  for (const Version& s : siblings) {
    const ClockOrder order = order_of(v.clock, s.clock);
    if (order == ClockOrder::before || order == ClockOrder::equal) return false;  // already known
  }
  std::erase_if(siblings, [&v](const Version& s) { return order_of(s.clock, v.clock) == ClockOrder::before; });
  CORRIDOR_ASSERT_MSG(siblings.size() < siblings_max, "more siblings of one key than the run has puts");
  siblings.push_back(v);
  return true;
}

VcKv::Clock VcKv::merged_clock(std::span<const Version> siblings) {
  Clock merged{};
  for (const Version& s : siblings) invariants::merge_clock_into(merged, s.clock);
  return merged;
}

// --- replicas ---

namespace {

using Node = VcKv::Node;

void arm_gossip(Ctx& ctx) { ctx.set_timer(VcKv::Timer::gossip, VcKv::gossip_interval_min_ns, VcKv::gossip_interval_max_ns); }

void store_version(Node& node, Ctx& ctx, std::uint32_t key, const Version& v) {
  CORRIDOR_ASSERT(key < VcKv::keys);
  VcKv::Siblings& siblings = ctx.durable().store[key];
  VcKv::reconcile(siblings, v, ctx.variant());
  node.siblings_seen_max = std::max(node.siblings_seen_max, static_cast<std::uint32_t>(siblings.size()));
}

void merge_into(Node& node, Ctx& ctx, std::uint32_t key, const Siblings& incoming) {
  for (const Version& v : incoming) store_version(node, ctx, key, v);
}

// A key's siblings here, without adding an entry for a key never written.
Siblings siblings_of(Ctx& ctx, std::uint32_t key) {
  const auto it = ctx.durable().store.find(key);
  return it == ctx.durable().store.end() ? Siblings{} : it->second;
}

std::uint32_t quorum(const Ctx& ctx) { return majority(ctx.node_count()); }

// The put's version: its context with this replica's entry raised past every clock it has made
// (the counter is durable, so a restart never makes a clock twice). context-ignored starts from
// nothing instead of the context.
Version new_version(Ctx& ctx, const VcKv::Put& p) {
  VcKv::Durable& d = ctx.durable();
  CORRIDOR_ASSERT_MSG(p.context[ctx.self()] <= d.counter, "only this replica makes its own clock entry");
  Version v{.value = p.value, .clock = ctx.variant() == VcKv::Variant::context_ignored ? Clock{} : p.context,
            .written_ns = ctx.now()};
  v.clock[ctx.self()] = ++d.counter;
  CORRIDOR_ASSERT(ctx.variant() == VcKv::Variant::context_ignored || order_of(p.context, v.clock) == ClockOrder::before);
  return v;
}

bool room_for_another(const Node& node) { return node.puts.size() + node.gets.size() < VcKv::pending_max; }

void coordinate_put(Node& node, Ctx& ctx, NodeId client, const VcKv::Put& p) {
  if (p.key >= VcKv::keys || !room_for_another(node)) return;  // the client times out
  const Version v = new_version(ctx, p);
  store_version(node, ctx, p.key, v);
  if (quorum(ctx) <= 1) {
    ctx.send(client, VcKv::PutOk{p.request, v.clock});
    return;
  }
  const std::uint64_t op = ++ctx.durable().ops;
  VcKv::PendingPut& pending = node.puts[op];
  pending = {client, p.request, v.clock, {}, ctx.monotonic()};
  pending.acks.insert(ctx.self());
  ctx.broadcast(VcKv::Store{op, p.key, v});
}

void coordinate_get(Node& node, Ctx& ctx, NodeId client, const VcKv::Get& g) {
  if (g.key >= VcKv::keys || !room_for_another(node)) return;
  const Siblings mine = siblings_of(ctx, g.key);
  if (quorum(ctx) <= 1) {
    ctx.send(client, VcKv::GetOk{g.request, mine});
    return;
  }
  const std::uint64_t op = ++ctx.durable().ops;
  VcKv::PendingGet& pending = node.gets[op];
  pending = {client, g.request, g.key, mine, {}, ctx.monotonic()};
  pending.replied.insert(ctx.self());
  ctx.broadcast(VcKv::Fetch{op, g.key});
}

void on_store_ack(Node& node, Ctx& ctx, NodeId from, const VcKv::StoreAck& a) {
  const auto it = node.puts.find(a.op);
  if (it == node.puts.end() || !ctx.is_node(from)) return;
  it->second.acks.insert(from);
  if (it->second.acks.size() < quorum(ctx)) return;
  ctx.send(it->second.client, VcKv::PutOk{it->second.request, it->second.clock});
  node.puts.erase(it);
}

// The merge of R replies goes to the client, and back to every replica (read repair).
void on_fetch_reply(Node& node, Ctx& ctx, NodeId from, const VcKv::FetchReply& r) {
  const auto it = node.gets.find(r.op);
  if (it == node.gets.end() || !ctx.is_node(from) || it->second.replied.contains(from)) return;
  VcKv::PendingGet& pending = it->second;
  pending.replied.insert(from);
  for (const Version& v : r.siblings) VcKv::reconcile(pending.merged, v, ctx.variant());
  if (pending.replied.size() < quorum(ctx)) return;
  ctx.send(pending.client, VcKv::GetOk{pending.request, pending.merged});
  merge_into(node, ctx, pending.key, pending.merged);
  ctx.broadcast(VcKv::Sync{pending.key, pending.merged});
  node.gets.erase(it);
}

// Anti-entropy: one peer gets every key this replica holds; pending operations whose client has
// given up are dropped.
void gossip(Node& node, Ctx& ctx) {
  const time_ns stale_ns = ctx.monotonic() - VcKv::client_timeout_ns;
  std::erase_if(node.puts, [stale_ns](const auto& p) { return p.second.started_ns < stale_ns; });
  std::erase_if(node.gets, [stale_ns](const auto& g) { return g.second.started_ns < stale_ns; });
  if (ctx.node_count() > 1) {
    const NodeId peer = ctx.random_peer();
    for (const auto& [key, siblings] : ctx.durable().store) ctx.send(peer, VcKv::Sync{key, siblings});
  }
  arm_gossip(ctx);
}

}  // namespace

void VcKv::Node::on_start(Ctx& ctx) { arm_gossip(ctx); }

void VcKv::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (timer == Timer::gossip) gossip(*this, ctx);
}

void VcKv::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (const auto* p = std::get_if<Put>(&m)) {
    if (ctx.is_client(from)) coordinate_put(*this, ctx, from, *p);
  } else if (const auto* g = std::get_if<Get>(&m)) {
    if (ctx.is_client(from)) coordinate_get(*this, ctx, from, *g);
  } else if (const auto* s = std::get_if<Store>(&m)) {
    if (s->key >= keys) return;
    store_version(*this, ctx, s->key, s->version);
    ctx.send(from, StoreAck{s->op});
  } else if (const auto* a = std::get_if<StoreAck>(&m)) {
    on_store_ack(*this, ctx, from, *a);
  } else if (const auto* f = std::get_if<Fetch>(&m)) {
    if (f->key < keys) ctx.send(from, FetchReply{f->op, siblings_of(ctx, f->key)});
  } else if (const auto* r = std::get_if<FetchReply>(&m)) {
    on_fetch_reply(*this, ctx, from, *r);
  } else if (const auto* y = std::get_if<Sync>(&m)) {
    if (y->key < keys) merge_into(*this, ctx, y->key, y->siblings);
  }
}

// --- clients ---

namespace {

using Client = VcKv::Client;

std::span<const std::uint32_t> replica_entries(const Clock& clock, const Ctx& ctx) {
  CORRIDOR_ASSERT(ctx.node_count() <= VcKv::nodes_max);
  return std::span<const std::uint32_t>(clock).first(ctx.node_count());
}

HistoryValue one_version(const Ctx& ctx, std::int64_t value, const Clock& clock) {
  std::vector<std::int64_t> out;
  invariants::append_version(out, value, replica_entries(clock, ctx));
  return out;
}

void send_request(Client& c, Ctx& ctx) {
  if (c.open_is_put) ctx.send(c.target, VcKv::Put{c.request, c.key, c.value, c.context[c.key]});
  else ctx.send(c.target, VcKv::Get{c.request, c.key});
  c.timeout = ctx.set_timer(VcKv::Timer::request_timeout, VcKv::client_timeout_ns);
}

// Six in ten operations write, with the context of what this client last read or wrote of the key
// (none before its first: writes of different clients race, one client's never); the rest read.
// A draw of 0, which is what an untimed search draws, writes, so that a search stores versions.
void next_operation(Client& c, Ctx& ctx) {
  if (c.issued >= VcKv::ops_per_client || !ctx.start_operation()) return;
  ++c.issued;
  c.request = (std::uint64_t{ctx.client_index()} + 1) << 32 | c.issued;
  c.target = static_cast<NodeId>(ctx.random(ctx.node_count()));  // any replica coordinates
  c.key = static_cast<std::uint32_t>(ctx.random(VcKv::keys));
  const std::uint64_t pick = ctx.random(10);
  c.open_is_put = pick < 6;
  if (c.open_is_put) {
    c.value = std::int64_t{ctx.client_index() + 1} * 1000 + c.issued;  // unique per run
    ctx.record(OpType::invoke, "put", key_name(c.key), one_version(ctx, c.value, c.context[c.key]));
  } else {
    ctx.record(OpType::invoke, "get", key_name(c.key));
  }
  send_request(c, ctx);
}

void finish(Client& c, Ctx& ctx) {
  ctx.cancel_timer(c.timeout);
  c.request = 0;
  ctx.set_timer(VcKv::Timer::think, 0, VcKv::client_think_max_ns);
}

void on_put_ok(Client& c, Ctx& ctx, const VcKv::PutOk& ok) {
  c.context[c.key] = ok.clock;  // the new version dominates what the client had read
  ctx.record(OpType::ok, "put", key_name(c.key), one_version(ctx, c.value, ok.clock));
  finish(c, ctx);
}

void on_get_ok(Client& c, Ctx& ctx, const VcKv::GetOk& ok) {
  std::vector<std::int64_t> siblings;
  for (const Version& v : ok.siblings) invariants::append_version(siblings, v.value, replica_entries(v.clock, ctx));
  c.context[c.key] = VcKv::merged_clock(ok.siblings);
  ctx.record(OpType::ok, "get", key_name(c.key), std::move(siblings));
  finish(c, ctx);
}

}  // namespace

void VcKv::Client::on_start(Ctx& ctx) { next_operation(*this, ctx); }

void VcKv::Client::on_message(Ctx& ctx, NodeId, const Message& m) {
  if (request == 0) return;
  if (const auto* p = std::get_if<PutOk>(&m); p && open_is_put && p->request == request) on_put_ok(*this, ctx, *p);
  else if (const auto* g = std::get_if<GetOk>(&m); g && !open_is_put && g->request == request) on_get_ok(*this, ctx, *g);
}

// A timed-out put may still have been stored: its outcome is unknown (info), and the client moves
// on to its next operation.
void VcKv::Client::on_timer(Ctx& ctx, const Timer& timer) {
  if (timer == Timer::think) {
    next_operation(*this, ctx);
  } else if (timer == Timer::request_timeout && request != 0) {
    ctx.record(OpType::info, open_is_put ? "put" : "get", key_name(key),
               open_is_put ? one_version(ctx, value, context[key]) : HistoryValue{});
    finish(*this, ctx);
  }
}

// --- registry entry ---

namespace {

std::vector<Witness<Engine<VcKv>>> vc_kv_witnesses() {
  using E = Engine<VcKv>;
  const auto on_some_replica = [](auto holds) {
    return [holds](const E& w) {
      for (NodeId n = 0; n < w.layout_nodes(); ++n) {
        if (holds(w, n)) return true;
      }
      return false;
    };
  };
  return {{"version-stored", "a replica stores a version of a key",
           on_some_replica([](const E& w, NodeId n) { return w.node(n).siblings_seen_max >= 1; })},
          {"siblings-kept", "a replica keeps two concurrent versions of one key",
           on_some_replica([](const E& w, NodeId n) { return w.node(n).siblings_seen_max >= 2; })},
          operation_completed<E>("a client operation completed (ok)")};
}

}  // namespace

ProtocolEntry vc_kv_entry() {
  using E = Engine<VcKv>;
  using invariants::SiblingCausalityMonitor;
  return register_protocol<VcKv>(
      {
          .name = "vc-kv",
          .description = "A leaderless Dynamo-style replicated kv whose versions carry vector clocks: concurrent "
                         "writes are kept as siblings and resolved by the reader (W = R = a majority, read repair, "
                         "anti-entropy gossip).",
          .variants =
              {
                  correct_variant(VcKv::Variant::correct,
                                  "A put's clock is its context with the coordinator's entry raised; replicas keep "
                                  "every version no other dominates."),
                  planted_bug(VcKv::Variant::lww_wall_clock,
                              "A replica keeps one version per key, the one with the later coordinator wall clock, "
                              "so a skewed clock (or a concurrent write) loses acknowledged writes.",
                              "no-lost-write"),
                  planted_bug(VcKv::Variant::context_ignored,
                              "A put's clock leaves out the client's context, so a write that resolved siblings "
                              "stays a sibling of them, and a coordinator's later write overwrites a concurrent one.",
                              "siblings-concurrent or no-lost-write"),
              },
          .default_nodes = 3,
          .min_nodes = 1,
          .max_nodes = VcKv::nodes_max,
          .default_faults = "crash=1,partition=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms",
          .default_clock = "skew=20ms,drift=1000ppm,jump=-15ms,jumps=1",
          .campaign_nodes = {1, 3, 5},  // one replica: every version dominates the one before, never siblings
          // Only lww-wall-clock orders by now(): skew and jumps either way must change nothing else.
          .campaign_clocks = {"skew=20ms,drift=1000ppm,jump=-15ms,jumps=1", "skew=20ms,drift=1000ppm,jump=15ms,jumps=1"},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(3),
          .operation_bound_ns = ms(500),  // a client gives up on a request after 100 ms
          .demo_faults = "crash=1,partition=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms",
          .demo_clock = "skew=20ms,drift=1000ppm,jump=-15ms,jumps=1",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, VcKv::clients}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                for (const auto check : {SiblingCausalityMonitor::Check::no_lost_write,
                                         SiblingCausalityMonitor::Check::siblings_concurrent}) {
                  observers.push_back(std::make_unique<SiblingCausalityMonitor>(check));
                }
              },
          .witnesses = vc_kv_witnesses(),
      });
}

}  // namespace corridor::protocols

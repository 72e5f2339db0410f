#pragma once
// A leaderless replicated key-value store in the style of Dynamo (DeCandia et al., SOSP 2007) and
// Riak, over a version policy: every replica stores every key; a client sends a get or a put to
// any replica, which coordinates it. A put is stored at the coordinator and sent to every other
// replica, and acknowledged once W = a majority stored it; a get asks every replica and answers
// once R = a majority replied, with the siblings of what they hold. Read repair (a get's merge is
// sent back to the replicas) and anti-entropy gossip (each replica now and then sends a peer what
// it holds) make replicas converge.
//
// What a version carries and when one obsoletes another is the policy's (P): vc-kv's per-replica
// vector clocks (protocols/vc_kv/vc_kv.hpp), dvv-kv's dotted version vectors
// (protocols/dvv_kv/dvv_kv.hpp), and the per-client clocks dvv-kv's test measures. P provides:
//
//   Variant, Version (with .value), ClientContext (what a client holds per key), clients_max;
//   reconcile(siblings, v, variant)      v joins unless obsolete; the siblings it obsoletes leave
//   new_version(ctx, put)                the coordinator's version of a put (may use ctx.durable().counter)
//   Stored, stored(siblings, v), stored_versions(stored)   what a put sends the other replicas: v
//                                        (vc-kv), or the coordinator's siblings with v (dvv-kv)
//   Receipt, receipt(v, siblings)        what a put's ok carries back
//   context_after_put(sent, receipt), context_after_get(siblings)   the client's next context
//   append_sent / append_acked / append_sibling   the history's encoding (invariants/sibling_causality.hpp)
//   counter_lost_on_restart(variant)     whether a restart forgets the durable counter (a planted bug)
//   coordinates_once                     whether a put delivered twice (a duplicated message) is
//                                        coordinated once: with dots, twice would make two siblings of one write
//
// Durable (survives crash-restart): the store, the counter, the coordinator's op counter.
// Layout: replicas 0..N-1, then the clients (the registration says how many). Faults hit replicas only.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "model/engine.hpp"

namespace corridor::protocols {

template <class P>
struct VersionedKv : P {
  using Variant = typename P::Variant;
  using Version = typename P::Version;
  using ClientContext = typename P::ClientContext;
  using Receipt = typename P::Receipt;
  using Stored = typename P::Stored;

  static constexpr std::uint32_t ops_per_client = 12;
  static constexpr std::uint32_t keys = 2;
  static constexpr std::size_t siblings_max = P::clients_max * ops_per_client;  // every put of a run, at most
  static constexpr std::size_t pending_max = 64;  // operations a coordinator has in progress
  static constexpr time_ns client_timeout_ns = ms(100);
  static constexpr time_ns client_think_max_ns = ms(30);
  static constexpr time_ns gossip_interval_min_ns = ms(20);
  static constexpr time_ns gossip_interval_max_ns = ms(60);

  using Siblings = std::vector<Version>;

  struct Put { std::uint64_t request = 0; std::uint32_t key = 0; std::int64_t value = 0; ClientContext context{}; };
  struct PutOk { std::uint64_t request = 0; Receipt receipt{}; };
  struct Get { std::uint64_t request = 0; std::uint32_t key = 0; };
  struct GetOk { std::uint64_t request = 0; Siblings siblings; };
  struct Store { std::uint64_t op = 0; std::uint32_t key = 0; Stored stored; };
  struct StoreAck { std::uint64_t op = 0; };
  struct Fetch { std::uint64_t op = 0; std::uint32_t key = 0; };
  struct FetchReply { std::uint64_t op = 0; Siblings siblings; };
  struct Sync { std::uint32_t key = 0; Siblings siblings; };  // read repair and anti-entropy
  using Message = std::variant<Put, PutOk, Get, GetOk, Store, StoreAck, Fetch, FetchReply, Sync>;

  struct Durable {
    std::map<std::uint32_t, Siblings> store;  // by key
    std::uint32_t counter = 0;  // the policy's: vc-kv's clock entry, dvv-kv's last dot
    std::uint64_t ops = 0;      // operations coordinated (their ids), so replies from before a restart miss
    std::map<std::uint32_t, std::uint32_t> last_put;  // coordinates_once: by client, its latest put coordinated here
  };

  enum class Timer { gossip, request_timeout, think };
  using Ctx = corridor::Context<VersionedKv>;

  // A client's request id: its index and its operation number (1..ops_per_client), so that a
  // coordinator can tell writers apart (the per-client clocks of dvv_kv_test use it).
  static std::uint64_t request_id(std::uint32_t client_index, std::uint32_t issued) {
    return (std::uint64_t{client_index} + 1) << 32 | issued;
  }
  static std::uint32_t client_of(std::uint64_t request) { return static_cast<std::uint32_t>(request >> 32) - 1; }
  static std::uint32_t issued_of(std::uint64_t request) { return static_cast<std::uint32_t>(request); }

  struct PendingPut {
    NodeId client = no_node;
    std::uint64_t request = 0;
    Receipt receipt{};
    NodeSet acks;
    time_ns started_ns = 0;  // monotonic: pending operations older than a client's timeout are dropped
  };
  struct PendingGet {
    NodeId client = no_node;
    std::uint64_t request = 0;
    std::uint32_t key = 0;
    Siblings merged;
    NodeSet replied;
    time_ns started_ns = 0;
  };

  struct Node {
    std::map<std::uint64_t, PendingPut> puts;  // by op
    std::map<std::uint64_t, PendingGet> gets;
    std::uint32_t siblings_seen_max = 0;  // the most siblings one key had here (for a witness)

    void on_start(Ctx& ctx) { arm_gossip(ctx); }
    void on_recover(Ctx& ctx) {
      if (P::counter_lost_on_restart(ctx.variant())) ctx.durable().counter = 0;
      arm_gossip(ctx);
    }
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer) {
      if (timer == Timer::gossip) gossip(ctx);
    }

   private:
    void store_version(Ctx& ctx, std::uint32_t key, const Version& v);
    void merge_into(Ctx& ctx, std::uint32_t key, std::span<const Version> incoming) {
      for (const Version& v : incoming) store_version(ctx, key, v);
    }
    bool room_for_another() const { return puts.size() + gets.size() < pending_max; }
    // A client's puts come in order of their ids (it waits for each), so an id at or below the
    // latest coordinated here is a duplicate.
    static bool first_delivery(Ctx& ctx, std::uint64_t request) {
      if constexpr (!P::coordinates_once) return true;
      std::uint32_t& last = ctx.durable().last_put[client_of(request)];
      if (issued_of(request) <= last) return false;
      last = issued_of(request);
      CORRIDOR_ASSERT(ctx.durable().last_put.size() <= P::clients_max);
      return true;
    }
    void coordinate_put(Ctx& ctx, NodeId client, const Put& p);
    void coordinate_get(Ctx& ctx, NodeId client, const Get& g);
    void on_store_ack(Ctx& ctx, NodeId from, const StoreAck& a);
    void on_fetch_reply(Ctx& ctx, NodeId from, const FetchReply& r);
    void gossip(Ctx& ctx);
  };

  struct Client {
    NodeId target = 0;  // the open operation's coordinator
    std::uint32_t issued = 0;
    std::uint64_t request = 0;  // the open operation's; 0 when idle
    bool open_is_put = false;
    std::uint32_t key = 0;
    std::int64_t value = 0;
    std::array<ClientContext, keys> context{};  // per key: what this client last read or wrote
    TimerId timeout = 0;

    void on_start(Ctx& ctx) { next_operation(ctx); }
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);

   private:
    HistoryValue sent_version(const Ctx& ctx) const {
      std::vector<std::int64_t> out;
      P::append_sent(out, value, context[key], ctx);
      return out;
    }
    void send_request(Ctx& ctx);
    void next_operation(Ctx& ctx);
    void finish(Ctx& ctx);
    void on_put_ok(Ctx& ctx, const PutOk& ok);
    void on_get_ok(Ctx& ctx, const GetOk& ok);
  };

  static std::string key_name(std::uint32_t key) { return std::string(1, static_cast<char>('x' + key)); }
  static std::uint32_t quorum(const Ctx& ctx) { return majority(ctx.node_count()); }
  static void arm_gossip(Ctx& ctx) { ctx.set_timer(Timer::gossip, gossip_interval_min_ns, gossip_interval_max_ns); }
  // A key's siblings here, without adding an entry for a key never written.
  static Siblings siblings_of(Ctx& ctx, std::uint32_t key) {
    const auto it = ctx.durable().store.find(key);
    return it == ctx.durable().store.end() ? Siblings{} : it->second;
  }
};

// --- replicas ---

template <class P>
void VersionedKv<P>::Node::store_version(Ctx& ctx, std::uint32_t key, const Version& v) {
  CORRIDOR_ASSERT(key < keys);
  Siblings& siblings = ctx.durable().store[key];
  P::reconcile(siblings, v, ctx.variant());
  CORRIDOR_ASSERT_MSG(siblings.size() <= siblings_max, "more siblings of one key than the run has puts");
  siblings_seen_max = std::max(siblings_seen_max, static_cast<std::uint32_t>(siblings.size()));
}

template <class P>
void VersionedKv<P>::Node::coordinate_put(Ctx& ctx, NodeId client, const Put& p) {
  if (p.key >= keys || !room_for_another() || !first_delivery(ctx, p.request)) return;  // the client times out
  const Version v = P::new_version(ctx, p);
  store_version(ctx, p.key, v);
  const Siblings& here = ctx.durable().store[p.key];
  if (quorum(ctx) <= 1) {
    ctx.send(client, PutOk{p.request, P::receipt(v, here)});
    return;
  }
  const std::uint64_t op = ++ctx.durable().ops;
  PendingPut& pending = puts[op];
  pending = {client, p.request, P::receipt(v, here), {}, ctx.monotonic()};
  pending.acks.insert(ctx.self());
  ctx.broadcast(Store{op, p.key, P::stored(here, v)});
}

template <class P>
void VersionedKv<P>::Node::coordinate_get(Ctx& ctx, NodeId client, const Get& g) {
  if (g.key >= keys || !room_for_another()) return;
  const Siblings mine = siblings_of(ctx, g.key);
  if (quorum(ctx) <= 1) {
    ctx.send(client, GetOk{g.request, mine});
    return;
  }
  const std::uint64_t op = ++ctx.durable().ops;
  PendingGet& pending = gets[op];
  pending = {client, g.request, g.key, mine, {}, ctx.monotonic()};
  pending.replied.insert(ctx.self());
  ctx.broadcast(Fetch{op, g.key});
}

template <class P>
void VersionedKv<P>::Node::on_store_ack(Ctx& ctx, NodeId from, const StoreAck& a) {
  const auto it = puts.find(a.op);
  if (it == puts.end() || !ctx.is_node(from)) return;
  it->second.acks.insert(from);
  if (it->second.acks.size() < quorum(ctx)) return;
  ctx.send(it->second.client, PutOk{it->second.request, it->second.receipt});
  puts.erase(it);
}

// The merge of R replies goes to the client, and back to every replica (read repair).
template <class P>
void VersionedKv<P>::Node::on_fetch_reply(Ctx& ctx, NodeId from, const FetchReply& r) {
  const auto it = gets.find(r.op);
  if (it == gets.end() || !ctx.is_node(from) || it->second.replied.contains(from)) return;
  PendingGet& pending = it->second;
  pending.replied.insert(from);
  for (const Version& v : r.siblings) P::reconcile(pending.merged, v, ctx.variant());
  CORRIDOR_ASSERT_MSG(pending.merged.size() <= siblings_max, "more siblings of one key than the run has puts");
  if (pending.replied.size() < quorum(ctx)) return;
  ctx.send(pending.client, GetOk{pending.request, pending.merged});
  merge_into(ctx, pending.key, pending.merged);
  ctx.broadcast(Sync{pending.key, pending.merged});
  gets.erase(it);
}

// Anti-entropy: one peer gets every key this replica holds; pending operations whose client has
// given up are dropped.
template <class P>
void VersionedKv<P>::Node::gossip(Ctx& ctx) {
  const time_ns stale_ns = ctx.monotonic() - client_timeout_ns;
  std::erase_if(puts, [stale_ns](const auto& p) { return p.second.started_ns < stale_ns; });
  std::erase_if(gets, [stale_ns](const auto& g) { return g.second.started_ns < stale_ns; });
  if (ctx.node_count() > 1) {
    const NodeId peer = ctx.random_peer();
    for (const auto& [key, siblings] : ctx.durable().store) ctx.send(peer, Sync{key, siblings});
  }
  arm_gossip(ctx);
}

template <class P>
void VersionedKv<P>::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (const auto* p = std::get_if<Put>(&m)) {
    if (ctx.is_client(from)) coordinate_put(ctx, from, *p);
  } else if (const auto* g = std::get_if<Get>(&m)) {
    if (ctx.is_client(from)) coordinate_get(ctx, from, *g);
  } else if (const auto* s = std::get_if<Store>(&m)) {
    if (s->key >= keys) return;
    merge_into(ctx, s->key, P::stored_versions(s->stored));
    ctx.send(from, StoreAck{s->op});
  } else if (const auto* a = std::get_if<StoreAck>(&m)) {
    on_store_ack(ctx, from, *a);
  } else if (const auto* f = std::get_if<Fetch>(&m)) {
    if (f->key < keys) ctx.send(from, FetchReply{f->op, siblings_of(ctx, f->key)});
  } else if (const auto* r = std::get_if<FetchReply>(&m)) {
    on_fetch_reply(ctx, from, *r);
  } else if (const auto* y = std::get_if<Sync>(&m)) {
    if (y->key < keys) merge_into(ctx, y->key, y->siblings);
  }
}

// --- clients ---

template <class P>
void VersionedKv<P>::Client::send_request(Ctx& ctx) {
  if (open_is_put) ctx.send(target, Put{request, key, value, context[key]});
  else ctx.send(target, Get{request, key});
  timeout = ctx.set_timer(Timer::request_timeout, client_timeout_ns);
}

// Six in ten operations write, with the context of what this client last read or wrote of the key
// (none before its first: writes of different clients race, one client's never); the rest read.
// A draw of 0, which is what an untimed search draws, writes, so that a search stores versions.
template <class P>
void VersionedKv<P>::Client::next_operation(Ctx& ctx) {
  if (issued >= ops_per_client || !ctx.start_operation()) return;
  CORRIDOR_ASSERT(ctx.client_count() <= P::clients_max);
  ++issued;
  request = request_id(ctx.client_index(), issued);
  target = static_cast<NodeId>(ctx.random(ctx.node_count()));  // any replica coordinates
  key = static_cast<std::uint32_t>(ctx.random(keys));
  const std::uint64_t pick = ctx.random(10);
  open_is_put = pick < 6;
  if (open_is_put) {
    value = std::int64_t{ctx.client_index() + 1} * 1000 + issued;  // unique per run
    ctx.record(OpType::invoke, "put", key_name(key), sent_version(ctx));
  } else {
    ctx.record(OpType::invoke, "get", key_name(key));
  }
  send_request(ctx);
}

template <class P>
void VersionedKv<P>::Client::finish(Ctx& ctx) {
  ctx.cancel_timer(timeout);
  request = 0;
  ctx.set_timer(Timer::think, 0, client_think_max_ns);
}

template <class P>
void VersionedKv<P>::Client::on_put_ok(Ctx& ctx, const PutOk& ok) {
  std::vector<std::int64_t> acked;
  P::append_acked(acked, value, context[key], ok.receipt, ctx);
  context[key] = P::context_after_put(context[key], ok.receipt);  // covers what the client had read, and its write
  ctx.record(OpType::ok, "put", key_name(key), std::move(acked));
  finish(ctx);
}

template <class P>
void VersionedKv<P>::Client::on_get_ok(Ctx& ctx, const GetOk& ok) {
  std::vector<std::int64_t> siblings;
  for (const Version& v : ok.siblings) P::append_sibling(siblings, v, ctx);
  context[key] = P::context_after_get(ok.siblings);
  ctx.record(OpType::ok, "get", key_name(key), std::move(siblings));
  finish(ctx);
}

template <class P>
void VersionedKv<P>::Client::on_message(Ctx& ctx, NodeId, const Message& m) {
  if (request == 0) return;
  if (const auto* p = std::get_if<PutOk>(&m); p && open_is_put && p->request == request) on_put_ok(ctx, *p);
  else if (const auto* g = std::get_if<GetOk>(&m); g && !open_is_put && g->request == request) on_get_ok(ctx, *g);
}

// A timed-out put may still have been stored: its outcome is unknown (info), and the client moves
// on to its next operation.
template <class P>
void VersionedKv<P>::Client::on_timer(Ctx& ctx, const Timer& timer) {
  if (timer == Timer::think) {
    next_operation(ctx);
  } else if (timer == Timer::request_timeout && request != 0) {
    ctx.record(OpType::info, open_is_put ? "put" : "get", key_name(key), open_is_put ? sent_version(ctx) : HistoryValue{});
    finish(ctx);
  }
}

}  // namespace corridor::protocols

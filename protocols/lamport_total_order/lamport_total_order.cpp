#include "protocols/lamport_total_order/lamport_total_order.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "invariants/causal_delivery.hpp"
#include "invariants/delivery_notes.hpp"
#include "invariants/eventual_delivery.hpp"
#include "invariants/total_order.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using LT = LamportTotalOrder;
using Ctx = LT::Ctx;

std::uint64_t id_of(const LT::Post& p) { return invariants::cast_id(p.origin, p.seq); }
bool before(const LT::Post& a, const LT::Post& b) { return a.ts != b.ts ? a.ts < b.ts : a.origin < b.origin; }

void arm_post_timer(Ctx& ctx) { ctx.set_timer(LT::Timer::next_post, LT::post_interval_min_ns, LT::post_interval_max_ns); }

void deliver(LT::Node& node, Ctx& ctx, const LT::Post& p) {
  ++node.delivered;
  ctx.note("deliver", id_of(p));
}

void enqueue(LT::Node& node, const LT::Post& p) {
  if (node.pending.size() >= LT::pending_max) throw std::length_error("lamport total order: pending queue full");
  node.pending.insert(std::upper_bound(node.pending.begin(), node.pending.end(), p, before), p);
  CORRIDOR_ASSERT_MSG(std::is_sorted(node.pending.begin(), node.pending.end(), before), "pending posts stay in order");
}

// The head is stable once every other node has sent something stamped at least as late: its
// later messages are stamped later still, and FIFO links leave nothing older in flight.
bool stable(const LT::Node& node, const Ctx& ctx, const LT::Post& head) {
  for (NodeId j : ctx.nodes()) {
    if (j != ctx.self() && node.heard_ts[j] < head.ts) return false;
  }
  return true;
}

void deliver_stable(LT::Node& node, Ctx& ctx) {
  std::size_t n = 0;
  while (n < node.pending.size() && stable(node, ctx, node.pending[n])) deliver(node, ctx, node.pending[n++]);
  node.pending.erase(node.pending.begin(), node.pending.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

void LamportTotalOrder::Node::on_start(Ctx& ctx) {
  heard_ts.assign(ctx.node_count(), 0);
  received.assign(ctx.node_count(), 0);
  arm_post_timer(ctx);
}

void LamportTotalOrder::Node::on_timer(Ctx& ctx, const Timer&) {
  if (posted >= posts_per_node) return;
  ++clock;
  const Post p{clock, ctx.self(), ++posted};
  ctx.note("cast", id_of(p));
  ctx.broadcast(p);
  if (ctx.variant() == Variant::deliver_on_arrival) deliver(*this, ctx, p);
  else enqueue(*this, p);
  if (posted < posts_per_node) arm_post_timer(ctx);
  if (ctx.variant() != Variant::deliver_on_arrival) deliver_stable(*this, ctx);
}

void LamportTotalOrder::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (from >= heard_ts.size()) return;
  if (const auto* p = std::get_if<Post>(&m)) {
    if (p->origin != from || p->seq <= received[from]) return;  // a duplicate
    received[from] = p->seq;
    clock = std::max(clock, p->ts) + 1;
    heard_ts[from] = std::max(heard_ts[from], p->ts);
    ctx.broadcast(Ack{clock});
    if (ctx.variant() == Variant::deliver_on_arrival) {
      deliver(*this, ctx, *p);
      return;
    }
    enqueue(*this, *p);
  } else {
    const auto& a = std::get<Ack>(m);
    clock = std::max(clock, a.ts) + 1;
    heard_ts[from] = std::max(heard_ts[from], a.ts);
  }
  if (ctx.variant() != Variant::deliver_on_arrival) deliver_stable(*this, ctx);
}

namespace {

// How many nodes have delivered at least `posts` posts.
std::uint32_t nodes_delivered(const Engine<LamportTotalOrder>& w, std::uint32_t posts) {
  std::uint32_t count = 0;
  for (NodeId n = 0; n < w.layout_nodes(); ++n) count += w.node(n).delivered >= posts ? 1 : 0;
  return count;
}

std::vector<Witness<Engine<LamportTotalOrder>>> lamport_total_order_witnesses() {
  using E = Engine<LamportTotalOrder>;
  return {{"post-delivered", "a node delivered a post", [](const E& w) { return nodes_delivered(w, 1) >= 1; }},
          {"post-delivered-everywhere", "every node delivered a post",
           [](const E& w) { return nodes_delivered(w, 1) == w.layout_nodes(); }}};
}

}  // namespace

ProtocolEntry lamport_total_order_entry() {
  using E = Engine<LamportTotalOrder>;
  return register_protocol<LamportTotalOrder>(
      {
          .name = "lamport-total-order",
          .description = "Total-order broadcast (a chat) with Lamport timestamps, (timestamp, node) tie-break and "
                         "acknowledgements over FIFO links.",
          .variants =
              {
                  correct_variant(LT::Variant::correct,
                                  "A post waits until every other node has sent something stamped at least as late."),
                  planted_bug(LT::Variant::deliver_on_arrival,
                              "A post is delivered when it arrives, without waiting for acknowledgements, so nodes "
                              "deliver in different orders.",
                              "total-order"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = 64,
          .default_faults = "delay=exp:1ms:10ms,fifo,dup=0.05,pause=1",
          .default_clock = "",
          .campaign_nodes = {2, 3, 5},
          .default_time_limit_ns = seconds(1),  // every post is made within 0.2 s
          .demo_faults = "delay=exp:1ms:10ms,fifo,dup=0.05,pause=1",
          .demo_clock = "",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                observers.push_back(std::make_unique<invariants::TotalOrderMonitor>());
                // Every receipt counts (CausalOrder::engine): a post is stamped after everything its
                // node had received, so the total order extends the engine's happened-before.
                observers.push_back(std::make_unique<invariants::CausalDeliveryMonitor>(invariants::CausalOrder::engine));
                observers.push_back(std::make_unique<invariants::EventualDeliveryMonitor>(LT::delivery_bound_ns));
              },
          .witnesses = lamport_total_order_witnesses(),
      });
}

}  // namespace corridor::protocols

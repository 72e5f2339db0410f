#include "protocols/causal_broadcast/causal_broadcast.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "invariants/causal_delivery.hpp"
#include "invariants/delivery_notes.hpp"
#include "invariants/eventual_delivery.hpp"
#include "invariants/fifo_delivery.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using CB = CausalBroadcast;
using Ctx = CB::Ctx;

std::uint64_t id_of(const CB::Cast& c) { return invariants::cast_id(c.origin, c.vc[c.origin]); }

void arm_cast_timer(Ctx& ctx) { ctx.set_timer(CB::Timer::next_cast, CB::cast_interval_min_ns, CB::cast_interval_max_ns); }

bool is_duplicate(const CB::Node& node, const CB::Cast& c) {
  if (c.vc[c.origin] <= node.delivered[c.origin]) return true;
  return std::any_of(node.held.begin(), node.held.end(),
                     [&](const CB::Cast& h) { return h.origin == c.origin && h.vc[c.origin] == c.vc[c.origin]; });
}

// The sender's next message, and (correct variant) nothing it had delivered is missing here.
bool deliverable(const CB::Node& node, const CB::Cast& c, CB::Variant variant) {
  if (c.vc[c.origin] != node.delivered[c.origin] + 1) return false;
  if (variant == CB::Variant::fifo_only) return true;
  for (NodeId k = 0; k < c.vc.size(); ++k) {
    if (k != c.origin && c.vc[k] > node.delivered[k]) return false;
  }
  return true;
}

void deliver(CB::Node& node, Ctx& ctx, const CB::Cast& c) {
  ++node.delivered[c.origin];
  CORRIDOR_ASSERT_MSG(node.delivered[c.origin] == c.vc[c.origin], "a node delivers each origin's messages in order");
  ctx.note("deliver", id_of(c));
}

// Each delivery may make another held message deliverable; at most `held` rounds (no-rescan:
// one, the planted bug).
void deliver_held(CB::Node& node, Ctx& ctx) {
  const std::size_t rounds = ctx.variant() == CB::Variant::no_rescan ? 1 : CB::held_max + 1;
  for (std::size_t round = 0; round < rounds; ++round) {
    const auto it = std::find_if(node.held.begin(), node.held.end(),
                                 [&](const CB::Cast& h) { return deliverable(node, h, ctx.variant()); });
    if (it == node.held.end()) return;
    const CB::Cast c = std::move(*it);
    node.held.erase(it);
    deliver(node, ctx, c);
  }
}

}  // namespace

void CausalBroadcast::Node::on_start(Ctx& ctx) {
  delivered.assign(ctx.node_count(), 0);
  arm_cast_timer(ctx);
}

void CausalBroadcast::Node::on_timer(Ctx& ctx, const Timer&) {
  const NodeId self = ctx.self();
  if (delivered[self] >= casts_per_node) return;
  if (!ctx.start_operation()) return;  // the workload's budget (the shrinker lowers it)
  Cast c{self, delivered};
  ++c.vc[self];
  ctx.note("cast", id_of(c));
  deliver(*this, ctx, c);  // a node delivers its own message at once
  ctx.broadcast(c);
  if (delivered[self] < casts_per_node) arm_cast_timer(ctx);
  deliver_held(*this, ctx);
}

void CausalBroadcast::Node::on_message(Ctx& ctx, NodeId, const Message& m) {
  const Cast& c = std::get<Cast>(m);
  if (c.origin >= delivered.size() || c.vc.size() != delivered.size() || is_duplicate(*this, c)) return;
  if (held.size() >= held_max) throw std::length_error("causal broadcast: hold-back queue full");
  held.push_back(c);
  deliver_held(*this, ctx);
}

namespace {

// How many nodes have delivered at least one message cast by `origin`.
std::uint32_t delivered_by(const Engine<CausalBroadcast>& w, NodeId origin) {
  std::uint32_t count = 0;
  for (NodeId n = 0; n < w.layout_nodes(); ++n) {
    const auto& delivered = w.node(n).delivered;
    if (origin < delivered.size() && delivered[origin] >= 1) ++count;
  }
  return count;
}

std::vector<Witness<Engine<CausalBroadcast>>> causal_broadcast_witnesses() {
  using E = Engine<CausalBroadcast>;
  return {{"cast-delivered-elsewhere", "a node delivered a message another node cast",
           [](const E& w) {
             for (NodeId o = 0; o < w.layout_nodes(); ++o) {
               if (delivered_by(w, o) >= 2) return true;
             }
             return false;
           }},
          {"cast-delivered-everywhere", "a message was delivered at every node",
           [](const E& w) {
             for (NodeId o = 0; o < w.layout_nodes(); ++o) {
               if (delivered_by(w, o) == w.layout_nodes()) return true;
             }
             return false;
           }}};
}

}  // namespace

ProtocolEntry causal_broadcast_entry() {
  using E = Engine<CausalBroadcast>;
  return register_protocol<CausalBroadcast>(
      {
          .name = "causal-broadcast",
          .description = "Broadcast with vector clocks; receivers hold messages back until their causal past is "
                         "delivered.",
          .variants =
              {
                  correct_variant(CB::Variant::correct, "A message waits until the receiver has delivered everything "
                                                        "its sender had delivered."),
                  planted_bug(CB::Variant::fifo_only,
                              "A message waits only for its sender's earlier messages, so replies can overtake what "
                              "they answer.",
                              "causal-delivery"),
                  planted_bug(CB::Variant::no_rescan,
                              "One held message is delivered per arrival and the hold-back queue is not scanned "
                              "again, so messages wait for ever while nothing is delivered out of order.",
                              "eventual-delivery"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = 64,
          .default_faults = "delay=exp:1ms:20ms,dup=0.05,pause=1",
          .default_clock = "",
          .campaign_nodes = {2, 3, 5},
          .default_time_limit_ns = seconds(1),  // every cast is done within about 0.5 s
          .demo_faults = "delay=exp:1ms:20ms,dup=0.05,pause=1",
          .demo_clock = "",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                observers.push_back(std::make_unique<invariants::CausalDeliveryMonitor>());
                observers.push_back(std::make_unique<invariants::FifoDeliveryMonitor>());
                observers.push_back(std::make_unique<invariants::EventualDeliveryMonitor>(CB::delivery_bound_ns));
              },
          .witnesses = causal_broadcast_witnesses(),
      });
}

}  // namespace corridor::protocols

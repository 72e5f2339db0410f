#include "protocols/heartbeat_register/heartbeat_register.hpp"

#include <bit>
#include <memory>

#include "invariants/badges/badge_observer.hpp"
#include "invariants/badges/clock_skew.hpp"
#include "invariants/badges/false_suspicion.hpp"
#include "invariants/badges/heartbeat_gap.hpp"
#include "invariants/badges/leader_count.hpp"
#include "invariants/badges/message_delay.hpp"
#include "invariants/badges/version_lag.hpp"
#include "invariants/failure_detector.hpp"
#include "invariants/per_node_monotonic.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using HR = HeartbeatRegister;
using Ctx = HR::Ctx;
using Node = HR::Node;

void arm_suspicion(Node& node, Ctx& ctx, NodeId peer) {
  ctx.cancel_timer(node.suspect_timers[peer]);
  node.suspect_timers[peer] = ctx.set_timer(HR::Suspect{peer}, HR::suspect_after_ns);
}

// The primary is the lowest node this node does not suspect (itself, if every lower node is).
void evaluate_leadership(Node& node, Ctx& ctx) {
  NodeId primary = ctx.self();
  for (NodeId n = 0; n < ctx.self(); ++n) {
    if (!node.suspected.contains(n)) {
      primary = n;
      break;
    }
  }
  const bool lead = primary == ctx.self();
  CORRIDOR_ASSERT_MSG(!node.suspected.contains(primary) || primary == ctx.self(), "the primary is a trusted node");
  if (lead == node.leading) return;
  node.leading = lead;
  ++node.epoch;
  ctx.note("lead", lead ? 1 : 0);
  if (lead) ctx.set_timer(HR::WriteDue{node.epoch}, HR::write_every_ns);
}

void send_heartbeats(Ctx& ctx) { ctx.broadcast(HR::Heartbeat{ctx.now()}); }

// The primary's load: one write per write_every_ns, replicated without waiting.
void write(Ctx& ctx) {
  HR::Durable& d = ctx.durable();
  ++d.version;
  d.value = static_cast<std::int64_t>(std::uint64_t{ctx.self()} << 32 | (d.version & 0xFFFF'FFFFu));
  ctx.note("head", d.version);
  ctx.note("applied", d.version);
  ctx.broadcast(HR::Update{d.version, d.value});
}

void on_update(Ctx& ctx, const HR::Update& m) {
  HR::Durable& d = ctx.durable();
  // The correct replica keeps the highest version; the planted bug takes whatever arrives last,
  // so an update overtaken by a newer one on the network moves the replica backwards.
  if (ctx.variant() != HR::Variant::apply_any_order && m.version <= d.version) return;
  d.version = m.version;
  d.value = m.value;
  ctx.note("applied", d.version);
}

// A heartbeat re-arms the sender's timeout and trusts it again. The planted bugs: one timeout for
// all peers (any heartbeat re-arms every peer's), and a suspicion that a heartbeat never lifts.
void on_heartbeat(Node& node, Ctx& ctx, NodeId from, const HR::Heartbeat& m) {
  ctx.note("heartbeat", from, std::bit_cast<std::uint64_t>(m.sent_wall_ns));
  if (ctx.variant() == HR::Variant::shared_timeout) {
    for (NodeId peer = 0; peer < ctx.node_count(); ++peer) {
      if (peer != ctx.self()) arm_suspicion(node, ctx, peer);
    }
  } else {
    arm_suspicion(node, ctx, from);
  }
  if (!node.suspected.contains(from) || ctx.variant() == HR::Variant::keeps_suspecting) return;
  node.suspected.erase(from);
  ctx.note("trust", from);
  evaluate_leadership(node, ctx);
}

}  // namespace

void HeartbeatRegister::Node::on_start(Ctx& ctx) {
  if (ctx.node_count() > nodes_max) throw std::length_error("heartbeat-register runs with at most 64 nodes");
  suspect_timers.assign(ctx.node_count(), 0);
  for (NodeId peer = 0; peer < ctx.node_count(); ++peer) {
    if (peer != ctx.self()) arm_suspicion(*this, ctx, peer);
  }
  ctx.note("applied", ctx.durable().version);
  send_heartbeats(ctx);
  ctx.set_timer(Beat{}, heartbeat_ns);
  evaluate_leadership(*this, ctx);
}

void HeartbeatRegister::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (const auto* hb = std::get_if<Heartbeat>(&m)) on_heartbeat(*this, ctx, from, *hb);
  else on_update(ctx, std::get<Update>(m));
}

void HeartbeatRegister::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (std::holds_alternative<Beat>(timer)) {
    send_heartbeats(ctx);
    ctx.set_timer(Beat{}, heartbeat_ns);
  } else if (const auto* due = std::get_if<WriteDue>(&timer)) {
    if (!leading || due->epoch != epoch) return;
    write(ctx);
    ctx.set_timer(*due, write_every_ns);
  } else {
    const NodeId peer = std::get<Suspect>(timer).peer;
    CORRIDOR_ASSERT_MSG(ctx.is_node(peer) && peer != ctx.self(), "a node suspects its peers, never itself");
    suspected.insert(peer);
    ctx.note("suspect", peer);
    evaluate_leadership(*this, ctx);
  }
}

// --- registry entry ---

namespace {

// The corridors this protocol declares: one monitor per assumption.
std::vector<std::unique_ptr<invariants::BadgeMonitor>> badge_monitors() {
  using namespace invariants;
  std::vector<std::unique_ptr<BadgeMonitor>> m;
  m.push_back(std::make_unique<MessageDelayMonitor>(HR::delay_ns_max));
  m.push_back(std::make_unique<ClockSkewMonitor>(SkewView::node_local, HR::skew_ns_max, HR::delay_ns_max));
  m.push_back(std::make_unique<ClockSkewMonitor>(SkewView::omniscient, HR::skew_ns_max, HR::delay_ns_max));
  m.push_back(std::make_unique<HeartbeatGapMonitor>(HR::heartbeat_gap_ns_max));
  m.push_back(std::make_unique<FalseSuspicionMonitor>(HR::suspect_after_ns));
  m.push_back(std::make_unique<VersionLagMonitor>(HR::version_lag_max));
  m.push_back(std::make_unique<LeaderCountMonitor>(1));
  return m;
}

void install_badges(Engine<HR>& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                    std::vector<Badge>& badges) {
  auto observer = std::make_unique<invariants::BadgeObserver<Engine<HR>>>(engine, badges);
  for (auto& m : badge_monitors()) observer->add(std::move(m));
  observers.push_back(std::move(observer));
}

std::vector<Witness<Engine<HR>>> heartbeat_register_witnesses() {
  using E = Engine<HR>;
  return {{"update-replicated", "a backup applied the primary's update",
           [](const E& w) {
             for (NodeId n = 0; n < w.layout_nodes(); ++n) {
               if (!w.node(n).leading && w.durable(n).version >= 1) return true;
             }
             return false;
           }},
          {"failover", "a node other than n0 believes it is the primary",
           [](const E& w) {
             for (NodeId n = 1; n < w.layout_nodes(); ++n) {
               if (w.node(n).leading) return true;
             }
             return false;
           }}};
}

SimulationSpec<HR> heartbeat_register_spec() {
  using E = Engine<HR>;
  return {
      .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
      .targets =
          [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install =
          [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
            using invariants::DetectorProperty;
            using invariants::FailureDetectorMonitor;
            observers.push_back(std::make_unique<invariants::PerNodeMonotonicMonitor>("applied", "replica-monotonic"));
            observers.push_back(std::make_unique<FailureDetectorMonitor>(DetectorProperty::completeness,
                                                                         HR::completeness_bound_ns));
            observers.push_back(
                std::make_unique<FailureDetectorMonitor>(DetectorProperty::accuracy, HR::accuracy_bound_ns));
          },
      .install_badges = install_badges,
      .witnesses = heartbeat_register_witnesses(),
  };
}

}  // namespace

ProtocolEntry heartbeat_register_entry() {
  ProtocolEntry entry = register_protocol<HR>(
      {
          .name = "heartbeat-register",
          .description = "A heartbeat failure detector with a primary-backup register replicated asynchronously; "
                         "declares coherence badges.",
          .variants =
              {
                  correct_variant(HR::Variant::correct,
                                  "A replica applies an update only if it is newer than the version it holds."),
                  planted_bug(HR::Variant::apply_any_order,
                              "A replica applies updates in arrival order, so an update overtaken on the network moves "
                              "it back to an older version.",
                              "replica-monotonic"),
                  planted_bug(HR::Variant::shared_timeout,
                              "Every heartbeat, from any peer, re-arms the timeouts of all peers, so a crashed peer is "
                              "never suspected while another peer is alive.",
                              "detector-completeness"),
                  planted_bug(HR::Variant::keeps_suspecting,
                              "A heartbeat from a suspected peer re-arms its timeout but does not trust it again, so "
                              "a live peer suspected once (a partition, a restart, lost heartbeats) stays suspected.",
                              "detector-accuracy"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = HR::nodes_max,
          .default_faults = "crash=1,partition=1,loss=0.01,delay=uniform:1ms:10ms",
          .default_clock = "skew=5ms,drift=100ppm",
          .campaign_nodes = {2, 3, 5},
          // Heartbeats carry the sender's wall clock: it is skewed and jumps both ways.
          .campaign_clocks = {"drift=100ppm,skew=5ms,jump=2s,jumps=2", "drift=100ppm,skew=5ms,jump=-2s,jumps=2"},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(1),
          .demo_faults = "crash=1,crash-stop=1,partition=1,delay=uniform:1ms:40ms",
          .demo_clock = "",
      },
      heartbeat_register_spec());
  for (const auto& m : badge_monitors()) entry.info.badge_monitors.push_back(m->declaration());
  return entry;
}

}  // namespace corridor::protocols

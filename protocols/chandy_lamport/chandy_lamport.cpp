#include "protocols/chandy_lamport/chandy_lamport.hpp"

#include <algorithm>
#include <memory>

#include "invariants/consistent_cut.hpp"
#include "invariants/snapshot_conservation.hpp"
#include "invariants/snapshot_notes.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using CL = ChandyLamport;
using Ctx = CL::Ctx;

// Timer tags: 0 is the next transfer, k >= 1 initiates snapshot k.
constexpr std::uint64_t transfer_tag = 0;

std::uint64_t bit(NodeId n) { return std::uint64_t{1} << n; }
std::uint64_t others_mask(const Ctx& ctx) {
  const std::uint64_t all = ctx.node_count() >= 64 ? ~std::uint64_t{0} : bit(ctx.node_count()) - 1;
  return all & ~bit(ctx.self());
}
time_ns random_between(Ctx& ctx, time_ns lo_ns, time_ns hi_ns) {
  return lo_ns + static_cast<time_ns>(ctx.random(static_cast<std::uint64_t>(hi_ns - lo_ns) + 1));
}

void arm_transfer(Ctx& ctx) {
  ctx.set_timer(random_between(ctx, CL::transfer_interval_min_ns, CL::transfer_interval_max_ns), transfer_tag);
}

void report(CL::Recording& r, Ctx& ctx, std::uint32_t snapshot) {
  r.complete = true;
  for (NodeId from = 0; from < ctx.node_count(); ++from) {
    if (from == ctx.self()) continue;
    ctx.note(invariants::snapshot_channel_note, invariants::channel_key(snapshot, from),
             static_cast<std::uint64_t>(r.channel[from]));
  }
}

// Records the balance and sends the markers before anything else leaves this node.
void record_state(CL::Node& node, Ctx& ctx, std::uint32_t snapshot) {
  CL::Recording& r = node.recordings[snapshot];
  if (r.recorded) return;
  r.recorded = true;
  r.channel.assign(ctx.node_count(), 0);
  ctx.note(invariants::snapshot_state_note, snapshot, static_cast<std::uint64_t>(node.balance));
  ctx.broadcast(CL::Marker{snapshot});
  if (r.markers == others_mask(ctx)) report(r, ctx, snapshot);
}

// Money from `from` arriving now was in flight on that channel at each snapshot that recorded
// this node's state and has not seen `from`'s marker yet.
void record_in_flight(CL::Node& node, Ctx& ctx, NodeId from, std::int64_t amount) {
  if (ctx.variant() == CL::no_in_flight) return;
  for (std::uint32_t k = 1; k <= CL::snapshots; ++k) {
    CL::Recording& r = node.recordings[k];
    if (!r.recorded || r.complete) continue;
    if (ctx.variant() != CL::record_after_marker && (r.markers & bit(from)) != 0) continue;
    r.channel[from] += amount;
  }
}

}  // namespace

void ChandyLamport::Node::on_start(Ctx& ctx) {
  balance = initial_balance;
  arm_transfer(ctx);
  for (std::uint32_t k = 1; k <= snapshots; ++k) {
    // Node (k-1) mod N initiates snapshot k; each other node joins as a second initiator with
    // probability 1/N, a few milliseconds apart, so both record before either's marker arrives.
    const bool initiator = ctx.self() == (k - 1) % ctx.node_count() || ctx.random(ctx.node_count()) == 0;
    if (initiator) ctx.set_timer(k * snapshot_window_ns + random_between(ctx, 0, initiator_jitter_ns), k);
  }
}

void ChandyLamport::Node::on_timer(Ctx& ctx, std::uint64_t tag) {
  if (tag != transfer_tag) {
    if (tag <= snapshots) record_state(*this, ctx, static_cast<std::uint32_t>(tag));
    return;
  }
  if (transfers >= transfers_per_node) return;
  ++transfers;
  if (balance > 0) {
    const std::int64_t amount = 1 + static_cast<std::int64_t>(ctx.random(static_cast<std::uint64_t>(std::min(balance, transfer_max))));
    NodeId to = static_cast<NodeId>(ctx.random(ctx.node_count() - 1));
    if (to >= ctx.self()) ++to;
    balance -= amount;
    ctx.send(to, Transfer{amount});
  }
  arm_transfer(ctx);
}

void ChandyLamport::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (from >= ctx.node_count() || from == ctx.self()) return;
  if (const auto* t = std::get_if<Transfer>(&m)) {
    balance += t->amount;
    record_in_flight(*this, ctx, from, t->amount);
    return;
  }
  const std::uint32_t k = std::get<Marker>(m).snapshot;
  if (k == 0 || k > snapshots) return;
  Recording& r = recordings[k];
  r.markers |= bit(from);
  if (!r.recorded) {
    record_state(*this, ctx, k);  // the channel the first marker came on is recorded empty
    return;
  }
  if (!r.complete && r.markers == others_mask(ctx)) report(r, ctx, k);
}

ProtocolEntry chandy_lamport_entry() {
  using E = Engine<ChandyLamport>;
  ProtocolEntry entry;
  entry.info = {
      .name = "chandy-lamport",
      .description = "Chandy-Lamport snapshots of a bank whose nodes keep sending money over FIFO channels; "
                     "sometimes two nodes initiate one snapshot at once.",
      .variants =
          {
              {"correct", false, "A channel is recorded from the node's recording until that channel's marker."},
              {"record-after-marker", true, "A channel is recorded until the node's last marker, also after its own "
                                            "marker arrived, so money sent after the snapshot is counted twice."},
              {"no-in-flight", true, "No channel contents are recorded, so money in flight at the cut is lost."},
          },
      .invariants = {"snapshot-conservation", "consistent-cut"},
      .default_nodes = 3,
      .min_nodes = 2,
      .max_nodes = CL::nodes_max,
      .default_faults = "delay=exp:1ms:10ms,fifo,pause=2",
      .default_clock = "",
      .default_time_limit_ns = ms(500),  // snapshots start by 0.25 s, transfers end by about 0.4 s
      .demo_faults = "delay=exp:1ms:10ms,fifo,pause=2",
      .demo_clock = "",
  };
  entry.make = [] {
    return std::make_unique<SimulationOf<ChandyLamport>>(SimulationSpec<ChandyLamport>{
        .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
        .targets =
            [](const SimConfig& c) { return every_node_targets(c.nodes); },
        .install =
            [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
              observers.push_back(std::make_unique<invariants::SnapshotConservationMonitor>(
                  [](std::uint32_t nodes) { return CL::initial_balance * static_cast<std::int64_t>(nodes); }));
              observers.push_back(std::make_unique<invariants::ConsistentCutMonitor>());
            },
    });
  };
  return entry;
}

}  // namespace corridor::protocols

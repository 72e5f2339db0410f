#include "protocols/chandy_lamport/chandy_lamport.hpp"

#include <algorithm>
#include <memory>

#include "invariants/completion_bound.hpp"
#include "invariants/consistent_cut.hpp"
#include "invariants/snapshot_conservation.hpp"
#include "invariants/snapshot_notes.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using CL = ChandyLamport;
using Ctx = CL::Ctx;

using Variant = CL::Variant;

NodeSet others(const Ctx& ctx) { return NodeSet::first(ctx.node_count()).without(ctx.self()); }

void arm_transfer(Ctx& ctx) {
  ctx.set_timer(CL::NextTransfer{}, CL::transfer_interval_min_ns, CL::transfer_interval_max_ns);
}

void report(CL::Recording& r, Ctx& ctx, std::uint32_t snapshot) {
  CORRIDOR_ASSERT_MSG(r.recorded && !r.complete && r.markers == others(ctx),
                      "a snapshot completes once, after its state and every incoming channel's marker");
  r.complete = true;
  for (NodeId from : ctx.nodes()) {
    if (from == ctx.self()) continue;
    ctx.note(invariants::snapshot_channel_note, invariants::channel_key(snapshot, from),
             static_cast<std::uint64_t>(r.channel[from]));
  }
  ctx.note(invariants::snapshot_complete_note, snapshot);
}

// Records the balance and sends the markers before anything else leaves this node.
void record_state(CL::Node& node, Ctx& ctx, std::uint32_t snapshot) {
  CL::Recording& r = node.recordings[snapshot];
  if (r.recorded) return;
  r.recorded = true;
  r.channel.assign(ctx.node_count(), 0);
  ctx.note(invariants::snapshot_state_note, snapshot, static_cast<std::uint64_t>(node.balance));
  ctx.broadcast(CL::Marker{snapshot});
  if (r.markers == others(ctx)) report(r, ctx, snapshot);
}

// Money from `from` arriving now was in flight on that channel at each snapshot that recorded
// this node's state and has not seen `from`'s marker yet.
void record_in_flight(CL::Node& node, Ctx& ctx, NodeId from, std::int64_t amount) {
  if (ctx.variant() == Variant::no_in_flight) return;
  for (std::uint32_t k = 1; k <= CL::snapshots; ++k) {
    CL::Recording& r = node.recordings[k];
    if (!r.recorded || r.complete) continue;
    if (ctx.variant() != Variant::record_after_marker && r.markers.contains(from)) continue;
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
    const time_ns start_ns = k * snapshot_window_ns;
    if (initiator) ctx.set_timer(StartSnapshot{k}, start_ns, start_ns + initiator_jitter_ns);
  }
}

void ChandyLamport::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (const auto* start = std::get_if<StartSnapshot>(&timer)) {
    CORRIDOR_ASSERT(start->snapshot >= 1 && start->snapshot <= snapshots);
    record_state(*this, ctx, start->snapshot);
    return;
  }
  if (transfers >= transfers_per_node) return;
  ++transfers;
  if (balance > 0) {
    const std::int64_t amount = 1 + static_cast<std::int64_t>(ctx.random(static_cast<std::uint64_t>(std::min(balance, transfer_max))));
    const NodeId to = ctx.random_peer();
    balance -= amount;
    CORRIDOR_ASSERT_MSG(balance >= 0, "a node sends only money it has");
    ctx.send(to, Transfer{amount});
  }
  arm_transfer(ctx);
}

void ChandyLamport::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (!ctx.is_node(from) || from == ctx.self()) return;
  if (const auto* t = std::get_if<Transfer>(&m)) {
    balance += t->amount;
    record_in_flight(*this, ctx, from, t->amount);
    return;
  }
  const std::uint32_t k = std::get<Marker>(m).snapshot;
  if (k == 0 || k > snapshots) return;
  Recording& r = recordings[k];
  r.markers.insert(from);
  if (!r.recorded) {
    record_state(*this, ctx, k);  // the channel the first marker came on is recorded empty
    return;
  }
  if (!r.complete && r.markers == others(ctx)) report(r, ctx, k);
}

namespace {

// How many nodes have recorded (`complete`: completed) their part of some snapshot, at most.
std::uint32_t snapshot_parts(const Engine<ChandyLamport>& w, bool complete) {
  std::uint32_t most = 0;
  for (std::uint32_t k = 1; k <= CL::snapshots; ++k) {
    std::uint32_t parts = 0;
    for (NodeId n = 0; n < w.layout_nodes(); ++n) {
      const CL::Recording& r = w.node(n).recordings[k];
      parts += (complete ? r.complete : r.recorded) ? 1 : 0;
    }
    most = std::max(most, parts);
  }
  return most;
}

std::vector<Witness<Engine<ChandyLamport>>> chandy_lamport_witnesses() {
  using E = Engine<ChandyLamport>;
  return {{"snapshot-recorded", "every node recorded its state for one snapshot",
           [](const E& w) { return snapshot_parts(w, false) == w.layout_nodes(); }},
          {"snapshot-completed", "a snapshot completed: every node has every incoming channel's marker",
           [](const E& w) { return snapshot_parts(w, true) == w.layout_nodes(); }}};
}

}  // namespace

ProtocolEntry chandy_lamport_entry() {
  using E = Engine<ChandyLamport>;
  return register_protocol<ChandyLamport>(
      {
          .name = "chandy-lamport",
          .description = "Chandy-Lamport snapshots of a bank whose nodes keep sending money over FIFO channels; "
                         "sometimes two nodes initiate one snapshot at once.",
          .variants =
              {
                  correct_variant(Variant::correct,
                                  "A channel is recorded from the node's recording until that channel's marker."),
                  planted_bug(Variant::record_after_marker,
                              "A channel is recorded until the node's last marker, also after its own marker arrived, "
                              "so money sent after the snapshot is counted twice.",
                              "snapshot-conservation"),
                  planted_bug(Variant::no_in_flight,
                              "No channel contents are recorded, so money in flight at the cut is lost.",
                              "snapshot-conservation"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = CL::nodes_max,
          .default_faults = "delay=exp:1ms:10ms,fifo,pause=2",
          .default_clock = "",
          .campaign_nodes = {2, 3, 5},
          .default_time_limit_ns = ms(500),  // snapshots start by 0.25 s, transfers end by about 0.4 s
          .demo_faults = "delay=exp:1ms:10ms,fifo,pause=2",
          .demo_clock = "",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                observers.push_back(std::make_unique<invariants::SnapshotConservationMonitor>(
                    [](std::uint32_t nodes) { return CL::initial_balance * static_cast<std::int64_t>(nodes); }));
                observers.push_back(std::make_unique<invariants::ConsistentCutMonitor>());
                observers.push_back(std::make_unique<invariants::CompletionBoundMonitor>(
                    invariants::CompletionNotes{invariants::snapshot_state_note, invariants::snapshot_complete_note,
                                                "snapshot"},
                    CL::snapshot_completion_bound_ns, "snapshot-completion"));
              },
          .witnesses = chandy_lamport_witnesses(),
      });
}

}  // namespace corridor::protocols

#include "protocols/two_phase_commit_actors/two_phase_commit_actors.hpp"

#include <algorithm>
#include <memory>

#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using TPC = TwoPhaseCommitActors;
using Ctx = TPC::Ctx;

std::uint64_t tag(TPC::Timer t) { return static_cast<std::uint64_t>(t); }
time_ns random_delay(Ctx& ctx, time_ns max_ns) { return static_cast<time_ns>(ctx.random(static_cast<std::uint64_t>(max_ns) + 1)); }

std::uint32_t rm_count(const Ctx& ctx) { return ctx.node_count() - 1; }

// How many prepared RMs the TM waits for before it commits.
std::uint32_t commit_quorum(const Ctx& ctx) {
  return ctx.variant() == TPC::commit_early ? std::max<std::uint32_t>(rm_count(ctx), 2) - 1 : rm_count(ctx);
}

void tm_decide(TPC::Node& node, Ctx& ctx, TPC::TmState decision) {
  node.tm = decision;
  for (NodeId rm = 1; rm < ctx.node_count(); ++rm) {
    if (decision == TPC::TmState::committed) ctx.send(rm, TPC::Commit{});
    else ctx.send(rm, TPC::Abort{});
  }
}

void tm_on_prepared(TPC::Node& node, Ctx& ctx, NodeId from) {
  if (node.tm != TPC::TmState::init || from == TPC::tm_node || from >= node.prepared.size()) return;
  node.prepared[from] = 1;
  const auto count = static_cast<std::uint32_t>(std::count(node.prepared.begin(), node.prepared.end(), 1));
  if (count >= commit_quorum(ctx)) tm_decide(node, ctx, TPC::TmState::committed);
}

}  // namespace

void TwoPhaseCommitActors::Node::on_start(Ctx& ctx) {
  if (ctx.self() == tm_node) {
    prepared.assign(ctx.node_count(), 0);
    ctx.set_timer(random_delay(ctx, tm_abort_max_ns), tag(Timer::tm_abort));
    return;
  }
  ctx.set_timer(random_delay(ctx, decide_max_ns), tag(Timer::prepare));
  ctx.set_timer(random_delay(ctx, decide_max_ns), tag(Timer::choose_abort));
}

void TwoPhaseCommitActors::Node::on_timer(Ctx& ctx, std::uint64_t t) {
  switch (static_cast<Timer>(t)) {
    case Timer::prepare:  // RMPrepare
      if (rm != RmState::working) return;
      rm = RmState::prepared;
      ctx.send(tm_node, Prepared{});
      return;
    case Timer::choose_abort:  // RMChooseToAbort
      if (rm == RmState::working) rm = RmState::aborted;
      return;
    case Timer::tm_abort:  // TMAbort
      if (tm == TmState::init) tm_decide(*this, ctx, TmState::aborted);
      return;
  }
}

void TwoPhaseCommitActors::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (std::holds_alternative<Prepared>(m)) {
    if (ctx.self() == tm_node) tm_on_prepared(*this, ctx, from);  // TMRcvPrepared (and TMCommit)
  } else if (std::holds_alternative<Commit>(m)) {
    rm = RmState::committed;  // RMRcvCommitMsg
  } else {
    rm = RmState::aborted;  // RMRcvAbortMsg
  }
}

namespace {

using E = Engine<TwoPhaseCommitActors>;

// No RM committed while another aborted.
std::optional<Violation> atomicity(const E& engine) {
  NodeId committed = no_node;
  NodeId aborted = no_node;
  for (NodeId n = 1; n < engine.layout_nodes(); ++n) {
    if (engine.node(n).rm == TPC::RmState::committed && committed == no_node) committed = n;
    if (engine.node(n).rm == TPC::RmState::aborted && aborted == no_node) aborted = n;
  }
  if (committed == no_node || aborted == no_node) return std::nullopt;
  return Violation{"atomicity", Verdict::safety, 0, 0, {committed, aborted}, {},
                   fmt::format("RM n{} committed while RM n{} aborted", committed, aborted)};
}

}  // namespace

ProtocolEntry two_phase_commit_actors_entry() {
  ProtocolEntry entry;
  entry.info = {
      .name = "two-phase-commit-actors",
      .description = "Two-phase commit as message-passing actors: a transaction manager (n0) and --nodes resource managers.",
      .variants =
          {
              {"correct", false, "The TM commits only once every RM has prepared."},
              {"commit-early", true, "The TM commits once all RMs but one have prepared, so the last may have aborted."},
          },
      .invariants = {"atomicity"},
      .default_nodes = 3,
      .min_nodes = 1,
      .max_nodes = 32,
      .default_faults = "delay=uniform:1ms:10ms",
      .default_clock = "",
      .default_time_limit_ns = seconds(1),
      .demo_faults = "delay=uniform:1ms:10ms",
      .demo_clock = "",
  };
  entry.make = [] {
    return std::make_unique<SimulationOf<TwoPhaseCommitActors>>(SimulationSpec<TwoPhaseCommitActors>{
        .layout = [](const SimConfig& c) { return E::Layout{c.nodes + 1, 0}; },
        .targets =
            [](const SimConfig& c) {
              FaultTargets t{{}, c.nodes + 1};
              for (NodeId n = 1; n <= c.nodes; ++n) t.nodes.push_back(n);
              return t;
            },
        .install = [](E& engine, std::vector<std::unique_ptr<RunObserver>>&,
                      const SimConfig&) { engine.add_state_invariant({"atomicity", atomicity}); },
    });
  };
  return entry;
}

}  // namespace corridor::protocols

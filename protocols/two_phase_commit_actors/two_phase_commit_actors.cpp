#include "protocols/two_phase_commit_actors/two_phase_commit_actors.hpp"

#include <algorithm>
#include <memory>

#include "invariants/completion_bound.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using TPC = TwoPhaseCommitActors;
using Ctx = TPC::Ctx;

// The resource managers: every node but the TM.
bool is_rm(NodeId n) { return n != TPC::tm_node; }
std::uint32_t rm_count(const Ctx& ctx) {
  std::uint32_t count = 0;
  for (NodeId n : ctx.nodes()) count += is_rm(n) ? 1 : 0;
  return count;
}

// How many prepared RMs the TM waits for before it commits.
std::uint32_t commit_quorum(const Ctx& ctx) {
  return ctx.variant() == TPC::Variant::commit_early ? std::max<std::uint32_t>(rm_count(ctx), 2) - 1 : rm_count(ctx);
}

void tm_decide(TPC::Node& node, Ctx& ctx, TPC::TmState decision) {
  CORRIDOR_ASSERT_MSG(ctx.self() == TPC::tm_node && node.tm == TPC::TmState::init, "the TM decides once");
  node.tm = decision;
  const NodeId last_rm = ctx.node_count() - 1;
  for (NodeId rm : ctx.nodes()) {
    if (!is_rm(rm)) continue;
    if (ctx.variant() == TPC::Variant::skip_last_rm && rm == last_rm) break;  // the planted bug
    if (decision == TPC::TmState::committed) ctx.send(rm, TPC::Commit{});
    else ctx.send(rm, TPC::Abort{});
  }
}

void tm_on_prepared(TPC::Node& node, Ctx& ctx, NodeId from) {
  if (node.tm != TPC::TmState::init || !is_rm(from) || from >= node.prepared.size()) return;
  node.prepared[from] = 1;
  const auto count = static_cast<std::uint32_t>(std::count(node.prepared.begin(), node.prepared.end(), 1));
  if (count >= commit_quorum(ctx)) tm_decide(node, ctx, TPC::TmState::committed);
}

}  // namespace

void TwoPhaseCommitActors::Node::on_start(Ctx& ctx) {
  if (ctx.self() == tm_node) {
    prepared.assign(ctx.node_count(), 0);
    ctx.set_timer(Timer::tm_abort, 0, tm_abort_max_ns);
    return;
  }
  ctx.note("await-decision", 1);  // the one transaction: this RM owes learning its outcome
  ctx.set_timer(Timer::prepare, 0, decide_max_ns);
  ctx.set_timer(Timer::choose_abort, 0, decide_max_ns);
}

void TwoPhaseCommitActors::Node::on_timer(Ctx& ctx, const Timer& timer) {
  switch (timer) {
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
    ctx.note("learn-decision", 1);
  } else {
    rm = RmState::aborted;  // RMRcvAbortMsg
    ctx.note("learn-decision", 1);
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
  return Violation{.nodes = {committed, aborted},
                   .message = fmt::format("RM n{} committed while RM n{} aborted", committed, aborted)};
}

// Every RM is in `state` (symmetric in the RMs, as a witness must be under --symmetry).
bool every_rm(const E& engine, TPC::RmState state) {
  for (NodeId n = 1; n < engine.layout_nodes(); ++n) {
    if (engine.node(n).rm != state) return false;
  }
  return true;
}

}  // namespace

ProtocolEntry two_phase_commit_actors_entry() {
  return register_protocol<TwoPhaseCommitActors>(
      {
          .name = "two-phase-commit-actors",
          .description = "Two-phase commit as message-passing actors: a transaction manager (n0) and --nodes resource "
                         "managers.",
          .variants =
              {
                  correct_variant(TPC::Variant::correct, "The TM commits only once every RM has prepared."),
                  planted_bug(TPC::Variant::commit_early,
                              "The TM commits once all RMs but one have prepared, so the last may have aborted.",
                              "atomicity"),
                  planted_bug(TPC::Variant::skip_last_rm,
                              "The TM sends its decision to every RM but the last, which waits for ever; no RM "
                              "commits while another aborts.",
                              "decision-bound"),
              },
          .default_nodes = 3,
          .min_nodes = 1,
          .max_nodes = 32,
          .default_faults = "delay=uniform:1ms:10ms",
          .default_clock = "",
          .campaign_nodes = {1, 3, 5},
          .default_time_limit_ns = seconds(1),
          .demo_faults = "delay=uniform:1ms:10ms",
          .demo_clock = "",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes + 1, 0}; },
          .targets =
              [](const SimConfig& c) {
                FaultTargets t{{}, c.nodes + 1};
                for (NodeId n = 1; n <= c.nodes; ++n) t.nodes.push_back(n);
                return t;
              },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                engine.add_state_invariant({"atomicity", atomicity});
                observers.push_back(std::make_unique<invariants::CompletionBoundMonitor>(
                    invariants::CompletionNotes{"await-decision", "learn-decision", "transaction decision"},
                    TPC::decision_bound_ns, "decision-bound"));
              },
          .witnesses = {{"transaction-committed", "every resource manager committed the transaction",
                         [](const E& w) { return every_rm(w, TPC::RmState::committed); }},
                        {"transaction-aborted", "every resource manager aborted the transaction",
                         [](const E& w) { return every_rm(w, TPC::RmState::aborted); }}},
      });
}

}  // namespace corridor::protocols

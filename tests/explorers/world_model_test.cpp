// The simulated world under untimed semantics, as a StateMachine: copies are independent, the
// encoding leaves out time and ids of the implementation, faults are budgeted actions, and the
// actor version of two-phase commit has the exact state counts its README gives.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "explorers/exhaustive.hpp"
#include "model/world_model.hpp"
#include "protocols/registry.hpp"

namespace corridor {
namespace {

// `faults`: added to the protocol's fault model (a budget needs its fault to be possible there).
AnyStateMachine world_of(const std::string& protocol, std::uint32_t nodes, std::uint32_t variant = 0,
                         WorldLimits limits = {}, const std::string& faults = "") {
  const ProtocolEntry* entry = find_protocol(protocol);
  EXPECT_NE(entry, nullptr);
  SimConfig config = entry->default_config(variant);
  config.nodes = nodes;
  if (!faults.empty()) apply_fault_spec(faults, config);
  return entry->make()->world_model(config, limits);
}

std::uint64_t fingerprint_of(const AnyStateMachine& m, const AnyStateMachine::State& s) {
  StateEncoder e;
  return fingerprint(m, s, e);
}

Exploration<AnyStateMachine> explore(const AnyStateMachine& m, bool por, bool symmetry, std::uint32_t depth = UINT32_MAX) {
  ExhaustiveOptions o;
  o.por = por;
  o.symmetry = symmetry;
  o.depth_max = depth;
  o.states_max = 2'000'000;
  o.jobs = 1;
  return explore_exhaustive(m, o);
}

TEST(WorldModel, NextLeavesItsInputAloneAndOrdersOfIndependentHandlersMeet) {
  const AnyStateMachine m = world_of("two-phase-commit-actors", 2);
  std::vector<AnyStateMachine::State> init;
  m.initial_states(init);
  ASSERT_EQ(init.size(), 1u);
  std::vector<AnyStateMachine::Action> acts;
  m.actions(init[0], acts);
  ASSERT_EQ(acts.size(), 3u);  // three nodes start
  const std::uint64_t before = fingerprint_of(m, init[0]);
  const auto ab = m.next(m.next(init[0], acts[0]), acts[1]);
  const auto ba = m.next(m.next(init[0], acts[1]), acts[0]);
  EXPECT_EQ(fingerprint_of(m, init[0]), before);
  EXPECT_EQ(fingerprint_of(m, ab), fingerprint_of(m, ba));
  EXPECT_NE(fingerprint_of(m, ab), before);
}

TEST(WorldModel, FaultsAreActionsBoundedByTheirBudgets) {
  auto count_kinds = [](const AnyStateMachine& m) {
    std::vector<AnyStateMachine::State> init;
    m.initial_states(init);
    auto s = init[0];
    std::vector<AnyStateMachine::Action> acts;
    for (int step = 0; step < 3; ++step) {  // the three starts: TM and two RMs (timers only)
      acts.clear();
      m.actions(s, acts);
      s = m.next(s, acts[0]);
    }
    acts.clear();
    m.actions(s, acts);
    std::set<std::string> seen;
    for (const auto& a : acts) seen.insert(m.describe(a));
    return seen;
  };
  const auto plain = count_kinds(world_of("two-phase-commit-actors", 2));
  const auto faulty = count_kinds(
      world_of("two-phase-commit-actors", 2, 0, {.crashes = 1, .losses = 1, .dups = 1}, "crash=1,loss=0.01,dup=0.01"));
  EXPECT_EQ(plain.count("crash n1 (it restarts later)"), 0u);
  EXPECT_EQ(faulty.count("crash n1 (it restarts later)"), 1u);
  EXPECT_EQ(faulty.count("crash n0 (it restarts later)"), 0u);  // the TM is not a fault target
  EXPECT_GT(faulty.size(), plain.size());
}

// The actor 2PC's exact counts at 3 RMs (protocols/two_phase_commit_actors/README.md says why
// they differ from the TLA-style spec's 288).
TEST(WorldModel, ActorTwoPhaseCommitCountsAtThreeRms) {
  const AnyStateMachine m = world_of("two-phase-commit-actors", 3);
  const auto plain = explore(m, false, false);
  EXPECT_EQ(plain.summary.verdict, ExhaustiveVerdict::held);
  EXPECT_EQ(plain.summary.unique_states, 5'710u);
  const auto symmetric = explore(m, false, true);
  EXPECT_EQ(symmetric.summary.verdict, ExhaustiveVerdict::held);
  // Symmetric states whose interchangeable nodes tie in the sort may keep two encodings (less
  // reduction, never unsound), so this count is for one job (BFS order fixed).
  EXPECT_EQ(symmetric.summary.unique_states, 1'186u);
  const auto por = explore(m, true, false);
  EXPECT_EQ(por.summary.verdict, ExhaustiveVerdict::held);
  EXPECT_EQ(por.summary.unique_states, plain.summary.unique_states);  // sleep sets prune edges, not states
}

TEST(WorldModel, ActorTwoPhaseCommitPlantedBugHasAShortestCounterexample) {
  const AnyStateMachine m = world_of("two-phase-commit-actors", 3, 1);
  const auto bfs = explore(m, false, false);
  ASSERT_EQ(bfs.summary.verdict, ExhaustiveVerdict::violation);
  ASSERT_TRUE(bfs.summary.violation);
  EXPECT_EQ(bfs.summary.violation->invariant, "atomicity");
  EXPECT_EQ(bfs.summary.counterexample.size(), 10u);  // 4 starts, 2 prepares, 2 receipts, a commit, an abort
}

}  // namespace
}  // namespace corridor

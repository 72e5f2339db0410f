// The exhaustive explorer on two-phase commit: exact state counts (TLC's and Stateright's), the
// shortest counterexample of the planted bug, BFS and DFS agreeing, and symmetry and partial-order
// reduction never losing a violation.
#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/exhaustive.hpp"
#include "protocols/two_phase_commit/two_phase_commit.hpp"

namespace corridor {
namespace {

using protocols::TwoPhaseCommit;
using Variant = TwoPhaseCommit::Variant;

ExhaustiveOptions options(SearchOrder order = SearchOrder::bfs, std::uint32_t jobs = 1) {
  ExhaustiveOptions o;
  o.order = order;
  o.jobs = jobs;
  o.memory_bytes_max = std::uint64_t{1} << 30;
  return o;
}

Exploration<TwoPhaseCommit> explore(std::uint32_t rms, Variant variant, const ExhaustiveOptions& o) {
  return explore_exhaustive(TwoPhaseCommit(rms, variant), o);
}

// Every reachable state by a plain set-based BFS, independent of the explorer's table.
std::set<TwoPhaseCommit::State> reachable(const TwoPhaseCommit& m) {
  std::vector<TwoPhaseCommit::State> queue;
  m.initial_states(queue);
  std::set<TwoPhaseCommit::State> seen(queue.begin(), queue.end());
  std::vector<TwoPhaseCommit::Action> actions;
  for (std::size_t at = 0; at < queue.size(); ++at) {
    actions.clear();
    m.actions(queue[at], actions);
    for (const auto& a : actions) {
      const auto next = m.next(queue[at], a);
      if (seen.insert(next).second) queue.push_back(next);
    }
  }
  return seen;
}

// The published counts (TLC, Stateright) for 3, 5 and 7 resource managers.
TEST(ExhaustiveTwoPhaseCommit, ExactUniqueStateCounts) {
  const std::pair<std::uint32_t, std::uint64_t> published[] = {{3, 288}, {5, 8832}, {7, 296448}};
  for (const auto& [rms, count] : published) {
    for (std::uint32_t jobs : {1u, 2u}) {
      const auto result = explore(rms, Variant::correct, options(SearchOrder::bfs, jobs));
      EXPECT_EQ(result.summary.verdict, ExhaustiveVerdict::held) << rms << " RMs";
      EXPECT_EQ(result.summary.unique_states, count) << rms << " RMs, " << jobs << " jobs";
      EXPECT_GT(result.summary.generated_states, count);
    }
    const auto dfs = explore(rms, Variant::correct, options(SearchOrder::dfs));
    EXPECT_EQ(dfs.summary.unique_states, count) << rms << " RMs, DFS";
    EXPECT_EQ(dfs.summary.verdict, ExhaustiveVerdict::held);
  }
}

TEST(ExhaustiveTwoPhaseCommit, CountsMatchAnIndependentSetBasedSearch) {
  for (std::uint32_t rms = 1; rms <= 5; ++rms) {
    const TwoPhaseCommit m(rms);
    EXPECT_EQ(explore(rms, Variant::correct, options()).summary.unique_states, reachable(m).size()) << rms;
  }
}

// The planted bug needs n-1 prepares and their receipt, the commit, one RM receiving it and the
// last choosing to abort: 2n+1 actions. BFS finds exactly that length, and bounded at depth 2n it
// finds nothing, so no counterexample is shorter.
TEST(ExhaustiveTwoPhaseCommit, BfsFindsTheShortestCounterexampleOfThePlantedBug) {
  for (std::uint32_t rms = 2; rms <= 5; ++rms) {
    for (std::uint32_t jobs : {1u, 2u}) {
      const TwoPhaseCommit m(rms, Variant::commit_without_all_prepared);
      const auto result = explore_exhaustive(m, options(SearchOrder::bfs, jobs));
      ASSERT_EQ(result.summary.verdict, ExhaustiveVerdict::violation) << rms;
      ASSERT_TRUE(result.summary.violation.has_value());
      EXPECT_EQ(result.summary.violation->invariant, "tc-consistent");
      EXPECT_EQ(result.path.size(), 2 * rms + 1) << rms << " RMs";
      EXPECT_EQ(result.summary.counterexample.size(), result.path.size());
      // The path replays to a violating state, every action enabled on the way.
      std::vector<TwoPhaseCommit::State> states;
      m.initial_states(states);
      TwoPhaseCommit::State s = states.front();
      for (const auto& a : result.path) {
        EXPECT_FALSE(m.check(s).has_value());
        std::vector<TwoPhaseCommit::Action> enabled;
        m.actions(s, enabled);
        EXPECT_NE(std::find(enabled.begin(), enabled.end(), a), enabled.end()) << m.describe(a);
        s = m.next(s, a);
      }
      EXPECT_TRUE(m.check(s).has_value());
    }
    ExhaustiveOptions bounded = options();
    bounded.depth_max = 2 * rms;
    const auto shallow = explore(rms, Variant::commit_without_all_prepared, bounded);
    EXPECT_EQ(shallow.summary.verdict, ExhaustiveVerdict::unknown) << rms;
    EXPECT_EQ(shallow.summary.stop_reason, "depth bound");
  }
}

TEST(ExhaustiveTwoPhaseCommit, BfsAndDfsAgreeOnVerdicts) {
  for (std::uint32_t rms = 1; rms <= 6; ++rms) {
    for (Variant variant : {Variant::correct, Variant::commit_without_all_prepared}) {
      const auto bfs = explore(rms, variant, options(SearchOrder::bfs));
      const auto dfs = explore(rms, variant, options(SearchOrder::dfs));
      EXPECT_EQ(bfs.summary.verdict, dfs.summary.verdict) << rms << " RMs";
      const bool buggy = variant != Variant::correct && rms >= 2;
      EXPECT_EQ(bfs.summary.verdict, buggy ? ExhaustiveVerdict::violation : ExhaustiveVerdict::held) << rms;
      if (buggy) {
        EXPECT_GE(dfs.path.size(), bfs.path.size());
        EXPECT_EQ(dfs.summary.violation->invariant, bfs.summary.violation->invariant);
      }
    }
  }
}

// Symmetry: the count is the number of classes of states under permutations of the RMs, which a
// plain set of canonical forms counts independently; it shrinks, and the bug is still found.
TEST(ExhaustiveTwoPhaseCommit, SymmetryCountsClassesAndKeepsTheViolation) {
  for (std::uint32_t rms = 2; rms <= 6; ++rms) {
    const TwoPhaseCommit m(rms);
    std::set<TwoPhaseCommit::State> classes;
    for (TwoPhaseCommit::State s : reachable(m)) {
      m.canonicalize(s);
      classes.insert(s);
    }
    for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
      ExhaustiveOptions o = options(order);
      o.symmetry = true;
      const auto plain = explore(rms, Variant::correct, options(order));
      const auto symmetric = explore(rms, Variant::correct, o);
      EXPECT_EQ(symmetric.summary.verdict, ExhaustiveVerdict::held);
      EXPECT_EQ(symmetric.summary.unique_states, classes.size()) << rms;
      EXPECT_LT(symmetric.summary.unique_states, plain.summary.unique_states) << rms;
      const auto bug = explore(rms, Variant::commit_without_all_prepared, o);
      EXPECT_EQ(bug.summary.verdict, ExhaustiveVerdict::violation) << rms;
      if (order == SearchOrder::bfs) {
        EXPECT_EQ(bug.path.size(), 2 * rms + 1);
      }
    }
  }
}

// Sleep sets skip transitions, never states: the same unique count, fewer generated states, and
// the same violations, in BFS (one and two threads) and DFS.
TEST(ExhaustiveTwoPhaseCommit, PartialOrderReductionKeepsEveryStateAndViolation) {
  for (std::uint32_t rms = 2; rms <= 6; ++rms) {
    for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
      for (std::uint32_t jobs : {1u, 2u}) {
        if (order == SearchOrder::dfs && jobs > 1) continue;
        ExhaustiveOptions o = options(order, jobs);
        o.por = true;
        const auto plain = explore(rms, Variant::correct, options(order, jobs));
        const auto reduced = explore(rms, Variant::correct, o);
        EXPECT_EQ(reduced.summary.verdict, ExhaustiveVerdict::held);
        EXPECT_EQ(reduced.summary.unique_states, plain.summary.unique_states) << rms << " RMs";
        EXPECT_LT(reduced.summary.generated_states, plain.summary.generated_states) << rms << " RMs";
        const auto bug = explore(rms, Variant::commit_without_all_prepared, o);
        EXPECT_EQ(bug.summary.verdict, ExhaustiveVerdict::violation) << rms << " RMs";
      }
    }
  }
}

TEST(ExhaustiveTwoPhaseCommit, TheTypeErasedModelExploresTheSame) {
  const AnyStateMachine any{TwoPhaseCommit(4)};
  EXPECT_TRUE(supports_symmetry(any));
  const auto result = explore_exhaustive(any, options(SearchOrder::bfs, 2));
  EXPECT_EQ(result.summary.unique_states, explore(4, Variant::correct, options()).summary.unique_states);
  ExhaustiveOptions o = options();
  o.symmetry = true;
  EXPECT_EQ(explore_exhaustive(any, o).summary.unique_states, explore(4, Variant::correct, o).summary.unique_states);
  const AnyStateMachine buggy{TwoPhaseCommit(4, Variant::commit_without_all_prepared)};
  const auto bug = explore_exhaustive(buggy, options());
  ASSERT_EQ(bug.summary.verdict, ExhaustiveVerdict::violation);
  EXPECT_EQ(bug.summary.counterexample.size(), 9u);
  ExhaustiveOptions por = options();
  por.por = true;
  EXPECT_EQ(explore_exhaustive(buggy, por).summary.verdict, ExhaustiveVerdict::violation);
}

}  // namespace
}  // namespace corridor

// Reachability witnesses (model/witness.hpp) in the exhaustive search: each declared witness is
// reported reached or not, with the depth of the first state that reached it and the path to it;
// a search that reaches none is vacuous and fails (exit_verdict), whatever the order and the
// reduction; symmetry and POR reach the same witnesses at the same depths as the plain search.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/exhaustive.hpp"
#include "tests/explorers/counting_nodes.hpp"
#include "protocols/two_phase_commit/two_phase_commit.hpp"

namespace corridor {
namespace {

using protocols::TwoPhaseCommit;

// Counting to 2. Witnesses: every node at the top (reachable, at depth nodes * top), and a node
// past the top (never reachable).
struct Counters : test_support::CountingNodes {
  Counters() { top = 2; }
  bool reachable_witness = true;

  std::vector<WitnessInfo> witnesses() const {
    std::vector<WitnessInfo> w;
    if (reachable_witness) w.push_back({"all-at-top", "every node counted to the top"});
    w.push_back({"past-the-top", "a node counted past the top"});
    return w;
  }
  std::uint64_t witnesses_holding(const State& s) const {
    bool all = true;
    bool past = false;
    for (std::uint32_t n = 0; n < nodes; ++n) {
      all = all && count(s, n) == top;
      past = past || count(s, n) > top;
    }
    const std::uint64_t past_bit = reachable_witness ? 2 : 1;
    return (reachable_witness && all ? 1 : 0) | (past ? past_bit : 0);
  }
};
static_assert(HasWitnesses<Counters>);

ExhaustiveOptions options(SearchOrder order, bool por) {
  ExhaustiveOptions o;
  o.order = order;
  o.por = por;
  o.memory_bytes_max = std::uint64_t{1} << 30;
  return o;
}

TEST(ExhaustiveWitness, EachWitnessIsReportedWithItsDepthAndThePathToIt) {
  const Counters m;
  for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
    for (bool por : {false, true}) {
      SCOPED_TRACE(testing::Message() << (order == SearchOrder::bfs ? "bfs" : "dfs") << (por ? " por" : ""));
      const ExhaustiveSummary s = explore_exhaustive(m, options(order, por)).summary;
      EXPECT_EQ(s.verdict, ExhaustiveVerdict::held);
      ASSERT_EQ(s.witnesses.size(), 2u);
      EXPECT_EQ(s.witnesses[0].name, "all-at-top");
      EXPECT_TRUE(s.witnesses[0].reached);
      // Every path to "all at the top" takes nodes * top steps, in any order.
      EXPECT_EQ(s.witnesses[0].depth, m.nodes * m.top);
      ASSERT_EQ(s.witnesses[0].path.size(), m.nodes * m.top);
      // The path replays to a state where the witness holds.
      Counters::State state = 0;
      for (const std::string& step : s.witnesses[0].path) state += Counters::State{1} << (8 * (step.back() - '0'));
      EXPECT_EQ(m.witnesses_holding(state) & 1, 1u);
      EXPECT_FALSE(s.witnesses[1].reached);
      EXPECT_TRUE(s.witnesses[1].path.empty());
      EXPECT_EQ(witnesses_reached(s), 1u);
      EXPECT_FALSE(vacuity(s).has_value());
      EXPECT_EQ(exit_verdict(s), Verdict::pass);
    }
  }
}

// BFS records a shallowest reaching state: the witness of a longer path is not the one reported.
TEST(ExhaustiveWitness, BreadthFirstReportsTheShallowestReachingState) {
  const TwoPhaseCommit m(4);
  ExhaustiveOptions o = options(SearchOrder::bfs, false);
  o.jobs = 2;
  const ExhaustiveSummary s = explore_exhaustive(m, o).summary;
  ASSERT_EQ(s.witnesses.size(), 2u);
  EXPECT_EQ(s.witnesses[0].name, "transaction-committed");
  EXPECT_EQ(s.witnesses[0].depth, 3 * 4 + 1u);  // prepare and be counted, commit, then receive it: each RM
  EXPECT_EQ(s.witnesses[1].name, "transaction-aborted");
  EXPECT_EQ(s.witnesses[1].depth, 4u);  // every RM chooses to abort
  EXPECT_EQ(s.witnesses[1].path, (std::vector<std::string>{"RMChooseToAbort(rm0)", "RMChooseToAbort(rm1)",
                                                           "RMChooseToAbort(rm2)", "RMChooseToAbort(rm3)"}));
}

// The rule: a search that reaches none of its witnesses fails, complete (liveness, exit 2) or
// stopped by a bound (hung, exit 4), with one sentence naming the witnesses.
TEST(ExhaustiveWitness, ASearchThatReachesNoWitnessIsVacuousAndFails) {
  Counters m;
  m.reachable_witness = false;
  for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
    const ExhaustiveSummary s = explore_exhaustive(m, options(order, false)).summary;
    EXPECT_EQ(s.verdict, ExhaustiveVerdict::held);
    ASSERT_EQ(s.witnesses.size(), 1u);
    EXPECT_FALSE(s.witnesses[0].reached);
    const auto why = vacuity(s);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("no witness reached"), std::string::npos) << *why;
    EXPECT_NE(why->find("past-the-top"), std::string::npos) << *why;
    EXPECT_NE(why->find("explored every reachable state"), std::string::npos) << *why;
    EXPECT_EQ(exit_verdict(s), Verdict::liveness);
  }
  // Stopped by the depth bound before the reachable witness: vacuous too, and a bound's exit.
  Counters shallow;
  ExhaustiveOptions o = options(SearchOrder::bfs, false);
  o.depth_max = 3;
  const ExhaustiveSummary s = explore_exhaustive(shallow, o).summary;
  EXPECT_EQ(s.verdict, ExhaustiveVerdict::unknown);
  EXPECT_EQ(witnesses_reached(s), 0u);
  const auto why = vacuity(s);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("stopped (depth bound)"), std::string::npos) << *why;
  EXPECT_EQ(exit_verdict(s), Verdict::hung);
}

// A model that declares no witnesses has nothing to report and is not called vacuous; a violation
// fails on its own, whatever the witnesses.
TEST(ExhaustiveWitness, NoWitnessesDeclaredOrAViolationIsNotVacuity) {
  struct Plain : Counters {
    // Hides Counters' hooks: a model without witnesses.
    void witnesses() const = delete;
  };
  static_assert(!HasWitnesses<Plain>);
  const ExhaustiveSummary plain = explore_exhaustive(Plain{}, options(SearchOrder::bfs, false)).summary;
  EXPECT_TRUE(plain.witnesses.empty());
  EXPECT_FALSE(vacuity(plain).has_value());
  EXPECT_EQ(exit_verdict(plain), Verdict::pass);

  const TwoPhaseCommit bug(3, TwoPhaseCommit::Variant::commit_without_all_prepared);
  const ExhaustiveSummary s = explore_exhaustive(bug, options(SearchOrder::bfs, false)).summary;
  ASSERT_EQ(s.verdict, ExhaustiveVerdict::violation);
  EXPECT_FALSE(vacuity(s).has_value());
  EXPECT_EQ(exit_verdict(s), Verdict::safety);
}

// Symmetry and POR keep every reachable state (class), so they reach the same witnesses, and BFS
// at the same depths, as the plain search.
TEST(ExhaustiveWitness, SymmetryAndPorReachTheSameWitnessesAtTheSameDepths) {
  const TwoPhaseCommit m(5);
  ExhaustiveOptions plain_options = options(SearchOrder::bfs, false);
  plain_options.jobs = 2;
  const ExhaustiveSummary plain = explore_exhaustive(m, plain_options).summary;
  ASSERT_EQ(witnesses_reached(plain), 2u);
  for (int reduction = 0; reduction < 2; ++reduction) {
    ExhaustiveOptions o = plain_options;
    o.symmetry = reduction == 0;
    o.por = reduction == 1;
    SCOPED_TRACE(o.symmetry ? "symmetry" : "por");
    const ExhaustiveSummary reduced = explore_exhaustive(m, o).summary;
    ASSERT_EQ(reduced.witnesses.size(), plain.witnesses.size());
    for (std::size_t i = 0; i < plain.witnesses.size(); ++i) {
      EXPECT_EQ(reduced.witnesses[i].reached, plain.witnesses[i].reached) << plain.witnesses[i].name;
      if (!o.por) {  // (a BFS with POR finds real paths, not necessarily the shortest)
        EXPECT_EQ(reduced.witnesses[i].depth, plain.witnesses[i].depth) << plain.witnesses[i].name;
      }
    }
  }
}

}  // namespace
}  // namespace corridor

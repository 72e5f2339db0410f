// two-phase-commit-actors' timed campaigns: the correct variant passes its fault model with both
// checks on (atomicity, and decision-bound: every RM learns the decision in time), and the
// liveness-only planted bug skip-last-rm is found by decision-bound, the invariant it names.
#include <gtest/gtest.h>

#include "protocols/two_phase_commit_actors/two_phase_commit_actors.hpp"
#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& tpc() { return protocol("two-phase-commit-actors"); }
}  // namespace

TEST(TwoPhaseCommitActors, ChecksAtomicityAndThatEveryRmLearnsTheDecision) {
  EXPECT_EQ(tpc().info.invariants, (std::vector<std::string>{"atomicity", "decision-bound"}));
}

TEST(TwoPhaseCommitActors, CorrectPassesItsFaultModelAtThreeAndFiveNodes) {
  for (std::uint32_t nodes : {3u, 5u}) {
    SimConfig config = config_for(tpc(), "correct");
    config.nodes = nodes;
    const Sweep s = sweep(tpc(), config, passing_seeds(1000));
    ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
  }
}

TEST(TwoPhaseCommitActors, SkipLastRmIsFoundByDecisionBound) {
  const Sweep s = sweep(tpc(), config_for(tpc(), "skip-last-rm", true), 10);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  const Violation& v = *s.first_failure->violation;
  EXPECT_EQ(v.invariant, expected_invariant(tpc(), "skip-last-rm")) << v.message;
  EXPECT_EQ(v.invariant, "decision-bound");
  EXPECT_EQ(v.verdict, Verdict::liveness);
  EXPECT_EQ(v.nodes, (std::vector<NodeId>{3}));  // the last RM of 3 (n0 is the TM)
  EXPECT_NE(v.message.find("node 3's transaction decision 1"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("500ms after"), std::string::npos) << v.message;
}

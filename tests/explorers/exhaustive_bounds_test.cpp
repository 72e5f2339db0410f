// The exhaustive explorer's bounds (memory, states, depth, time) stop it cleanly with a partial
// result, and sleep sets on a model of independent nodes keep every state while skipping most
// transitions.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/exhaustive.hpp"
#include "tests/explorers/counting_nodes.hpp"
#include "protocols/two_phase_commit/two_phase_commit.hpp"

namespace corridor {
namespace {

using protocols::TwoPhaseCommit;

// The invariant fails once every node is at the top, when asked to.
struct Counters : test_support::CountingNodes {
  bool all_at_top_is_a_violation = false;

  std::optional<Violation> check(const State& s) const {
    if (!all_at_top_is_a_violation) return std::nullopt;
    for (std::uint32_t n = 0; n < nodes; ++n) {
      if (count(s, n) < top) return std::nullopt;
    }
    Violation v;
    v.invariant = "not-all-at-top";
    v.message = "every node reached the top";
    return v;
  }
};

ExhaustiveOptions small_options() {
  ExhaustiveOptions o;
  o.memory_bytes_max = std::uint64_t{1} << 30;
  return o;
}

TEST(ExhaustiveBounds, MemoryBudgetStopsCleanlyWithAPartialResult) {
  for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
    ExhaustiveOptions o = small_options();
    o.order = order;
    o.jobs = order == SearchOrder::bfs ? 2 : 1;
    o.memory_bytes_max = std::uint64_t{16} << 20;
    const auto result = explore_exhaustive(TwoPhaseCommit(9), o);
    EXPECT_EQ(result.summary.verdict, ExhaustiveVerdict::unknown);
    EXPECT_EQ(result.summary.stop_reason, "memory budget");
    EXPECT_GT(result.summary.unique_states, 1000u);
    EXPECT_LT(result.summary.unique_states, 10340352u);
    EXPECT_LE(result.summary.peak_accounted_bytes, o.memory_bytes_max);
    EXPECT_GT(result.summary.peak_accounted_bytes, o.memory_bytes_max / 4);
  }
}

TEST(ExhaustiveBounds, StateBudgetDepthAndTimeLimitGiveUnknown) {
  ExhaustiveOptions states = small_options();
  states.states_max = 1000;
  const auto by_states = explore_exhaustive(TwoPhaseCommit(7), states);
  EXPECT_EQ(by_states.summary.verdict, ExhaustiveVerdict::unknown);
  EXPECT_EQ(by_states.summary.stop_reason, "state budget");
  EXPECT_GE(by_states.summary.unique_states, 1000u);
  EXPECT_LT(by_states.summary.unique_states, 100000u);

  ExhaustiveOptions depth = small_options();
  depth.depth_max = 3;
  const auto by_depth = explore_exhaustive(TwoPhaseCommit(5), depth);
  EXPECT_EQ(by_depth.summary.verdict, ExhaustiveVerdict::unknown);
  EXPECT_EQ(by_depth.summary.stop_reason, "depth bound");
  EXPECT_EQ(by_depth.summary.depth, 3u);

  ExhaustiveOptions time = small_options();
  time.time_limit_s = 1e-9;
  const auto by_time = explore_exhaustive(TwoPhaseCommit(7), time);
  EXPECT_EQ(by_time.summary.verdict, ExhaustiveVerdict::unknown);
  EXPECT_EQ(by_time.summary.stop_reason, "time limit");

  // A bound that is never reached changes nothing.
  ExhaustiveOptions loose = small_options();
  loose.depth_max = 100;
  loose.states_max = 10000;
  EXPECT_EQ(explore_exhaustive(TwoPhaseCommit(5), loose).summary.verdict, ExhaustiveVerdict::held);
}

TEST(ExhaustiveBounds, SleepSetsKeepEveryStateOfIndependentNodes) {
  for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
    for (bool violation : {false, true}) {
      const Counters m{{4, 5}, violation};
      ExhaustiveOptions o = small_options();
      o.order = order;
      const auto plain = explore_exhaustive(m, o);
      o.por = true;
      o.jobs = order == SearchOrder::bfs ? 2 : 1;
      const auto reduced = explore_exhaustive(m, o);
      EXPECT_EQ(plain.summary.verdict, violation ? ExhaustiveVerdict::violation : ExhaustiveVerdict::held);
      EXPECT_EQ(reduced.summary.verdict, plain.summary.verdict);
      if (!violation) {
        EXPECT_EQ(plain.summary.unique_states, 6u * 6 * 6 * 6);
        EXPECT_EQ(reduced.summary.unique_states, plain.summary.unique_states);
        // Each state is entered once, by its first possible action in node order, instead of once
        // per incoming edge.
        EXPECT_LT(2 * reduced.summary.generated_states, plain.summary.generated_states);
      } else {
        EXPECT_EQ(reduced.path.size(), 20u);
      }
    }
  }
}

TEST(ExhaustiveBounds, CollisionProbabilityIsTheBirthdayBound) {
  EXPECT_DOUBLE_EQ(fingerprint_collision_probability(0), 0.0);
  EXPECT_NEAR(fingerprint_collision_probability(61515776), 1.0257e-4, 1e-6);
  const auto result = explore_exhaustive(TwoPhaseCommit(3), small_options());
  EXPECT_DOUBLE_EQ(result.summary.collision_probability, fingerprint_collision_probability(288));
}

}  // namespace
// The check exhaustive.hpp points callers to: options a search cannot run with get one sentence
// naming them (the program shows it and exits 64), and the search asserts it was called.
TEST(ExhaustiveOptions, ValidateRefusesWhatASearchCannotRunWithInOneSentence) {
  ExhaustiveOptions o;
  EXPECT_EQ(validate_exhaustive_options(o), std::nullopt);
  o.symmetry = o.por = true;
  const std::optional<std::string> both = validate_exhaustive_options(o);
  ASSERT_TRUE(both.has_value());
  EXPECT_NE(both->find("--symmetry and --por"), std::string::npos) << *both;
  o.por = false;
  EXPECT_EQ(validate_exhaustive_options(o), std::nullopt);
  o.jobs = 0;
  EXPECT_TRUE(validate_exhaustive_options(o).has_value());
  o.jobs = 1;
  o.states_max = 0;
  EXPECT_TRUE(validate_exhaustive_options(o).has_value());
}

TEST(ExhaustiveOptionsDeathTest, ASearchWithRefusedOptionsIsADefectOfItsCaller) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ExhaustiveOptions o;
  o.symmetry = o.por = true;
  EXPECT_EXIT(explore_exhaustive(Counters{}, o), ::testing::ExitedWithCode(3),
              "internal assertion failed: .*validate_exhaustive_options.*checked first");
}

}  // namespace corridor

// Ordered levels (explorers/exhaustive.hpp, "The same search at any -j"): a model whose fingerprint
// leaves part of its state out is searched the same at any number of threads. HiddenWalk's
// fingerprint is only its position; the hidden part, a hash of the path taken, decides where the
// next steps go, so which of the states sharing a position a search keeps decides everything
// below it. One thread keeps the first to arrive; ordered levels keep that one on any number of
// threads, and the counts, the first violation and its counterexample follow. The same walk
// declared with a whole fingerprint (HiddenWalkOf<false>, not ordered) gave, once measured, 60,487
// unique states at -j 1 and 60,499, 60,487, 60,473 at -j 2 and 60,486, 60,462 at -j 4.
//
// Run under ThreadSanitizer too (tests_tsan, scripts/test.sh --tsan): the claims race on purpose.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/exhaustive.hpp"

namespace corridor {
namespace {

template <bool Partial>
struct HiddenWalkOf {
  static constexpr bool fingerprint_is_partial = Partial;
  struct State {
    std::uint32_t at = 0;
    std::uint64_t hidden = 1;  // left out of the encoding
  };
  using Action = std::uint32_t;  // which of three steps

  std::uint32_t positions = 1u << 16;
  std::optional<std::uint32_t> forbidden;  // reaching this position is a violation

  static std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

  void initial_states(std::vector<State>& states) const { states.push_back(State{}); }
  void actions(const State&, std::vector<Action>& out) const {
    for (Action a = 0; a < 3; ++a) out.push_back(a);
  }
  State next(const State& s, const Action& a) const {
    const std::uint64_t hidden = mix(s.hidden * 3 + a);
    return State{static_cast<std::uint32_t>(hidden % positions), hidden};
  }
  void encode(const State& s, StateEncoder& e) const { e.u32(s.at); }
  std::optional<Violation> check(const State& s) const {
    if (!forbidden || s.at != *forbidden) return std::nullopt;
    Violation v;
    v.invariant = "forbidden-position";
    v.message = "the walk reached position " + std::to_string(s.at);
    return v;
  }
  std::uint32_t actor(const Action& a) const { return a; }
  std::string describe(const Action& a) const { return "step " + std::to_string(a); }
};
using HiddenWalk = HiddenWalkOf<true>;
static_assert(exhaustive_detail::fingerprint_is_partial<HiddenWalk>);
static_assert(!exhaustive_detail::fingerprint_is_partial<HiddenWalkOf<false>>);

ExhaustiveOptions hidden_walk_options(std::uint32_t jobs) {
  ExhaustiveOptions o;
  o.depth_max = 12;
  o.memory_bytes_max = std::uint64_t{1} << 30;
  o.jobs = jobs;
  return o;
}

TEST(ExhaustiveOrdered, AModelWithAPartialFingerprintHasTheSameCountsAtAnyNumberOfThreads) {
  const ExhaustiveSummary one = explore_exhaustive(HiddenWalk{}, hidden_walk_options(1)).summary;
  // Deep enough that the walk covers most positions, and many more arrivals than positions.
  ASSERT_GT(one.unique_states, 30'000u);
  ASSERT_GT(one.generated_states, 2 * one.unique_states);
  for (std::uint32_t jobs : {2u, 3u, 4u}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      SCOPED_TRACE("jobs " + std::to_string(jobs));
      const ExhaustiveSummary many = explore_exhaustive(HiddenWalk{}, hidden_walk_options(jobs)).summary;
      EXPECT_EQ(many.unique_states, one.unique_states);
      EXPECT_EQ(many.generated_states, one.generated_states);
      EXPECT_EQ(many.verdict, one.verdict);
    }
  }
}

TEST(ExhaustiveOrdered, TheFirstViolationAndItsCounterexampleAreTheSameAtAnyNumberOfThreads) {
  HiddenWalk walk;
  walk.forbidden = 40'000;
  const ExhaustiveSummary one = explore_exhaustive(walk, hidden_walk_options(1)).summary;
  ASSERT_EQ(one.verdict, ExhaustiveVerdict::violation);
  ASSERT_TRUE(one.violation);
  EXPECT_EQ(one.violation->invariant, "forbidden-position");
  for (std::uint32_t jobs : {2u, 4u}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      SCOPED_TRACE("jobs " + std::to_string(jobs));
      const ExhaustiveSummary many = explore_exhaustive(walk, hidden_walk_options(jobs)).summary;
      ASSERT_EQ(many.verdict, ExhaustiveVerdict::violation);
      EXPECT_EQ(many.counterexample, one.counterexample);
      EXPECT_EQ(many.violation->message, one.violation->message);
    }
  }
}

}  // namespace
}  // namespace corridor

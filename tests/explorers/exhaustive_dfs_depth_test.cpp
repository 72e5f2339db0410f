// A depth-bounded DFS visits every state within its bound (explorers/exhaustive.hpp,
// depth_aware): a state it first reached along a long path, and cut below at the bound, is
// expanded again when a shorter path reaches it. Without that, DFS to depth D missed states BFS
// to depth D visits, and a violation within the bound could go unseen.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/exhaustive.hpp"

namespace corridor {
namespace {

// 0 -> 1 -> 10 and 0 -> 2 -> 3 -> 10, then 10 -> 11 -> 12, which violates. DFS expands the newest
// successor first, so it reaches 10 through 2 and 3 (depth 3) before through 1 (depth 2); with the
// bound at 4, 12 is within it only along the short path (depth 4).
struct DfsDepthDiamond {
  using State = std::uint32_t;
  using Action = std::uint32_t;  // the state it leads to

  void initial_states(std::vector<State>& states) const { states.push_back(0); }
  void actions(const State& s, std::vector<Action>& out) const {
    switch (s) {
      case 0: out.insert(out.end(), {1, 2}); break;
      case 1: out.push_back(10); break;
      case 2: out.push_back(3); break;
      case 3: out.push_back(10); break;
      case 10: out.push_back(11); break;
      case 11: out.push_back(12); break;
      default: break;
    }
  }
  State next(const State&, const Action& a) const { return a; }
  void encode(const State& s, StateEncoder& e) const { e.u32(s); }
  std::optional<Violation> check(const State& s) const {
    if (s != 12) return std::nullopt;
    Violation v;
    v.invariant = "not-twelve";
    v.message = "reached 12";
    return v;
  }
  std::uint32_t actor(const Action&) const { return 0; }
  std::string describe(const Action& a) const { return "to " + std::to_string(a); }
};

ExhaustiveOptions dfs_depth_options(SearchOrder order, std::uint32_t depth_max) {
  ExhaustiveOptions o;
  o.order = order;
  o.depth_max = depth_max;
  o.memory_bytes_max = std::uint64_t{1} << 30;
  return o;
}

TEST(ExhaustiveDfsDepth, AStateReachedShallowerLaterIsExpandedAgainSoAViolationWithinTheBoundIsFound) {
  const auto dfs = explore_exhaustive(DfsDepthDiamond{}, dfs_depth_options(SearchOrder::dfs, 4));
  ASSERT_EQ(dfs.summary.verdict, ExhaustiveVerdict::violation);
  EXPECT_EQ(dfs.summary.violation->invariant, "not-twelve");
  EXPECT_EQ(dfs.summary.counterexample, (std::vector<std::string>{"to 1", "to 10", "to 11", "to 12"}));
  // One below, 12 is out of reach on every path.
  const auto short_bound = explore_exhaustive(DfsDepthDiamond{}, dfs_depth_options(SearchOrder::dfs, 3));
  EXPECT_EQ(short_bound.summary.verdict, ExhaustiveVerdict::unknown);
}

// A ladder: from step i, up 2 or up 1 (listed in that order, so a DFS, newest first, climbs by
// ones first). Step 4 is 2 steps from the bottom (2 + 2) but a DFS first meets it at depth 3
// (1, then 3 + 1), and so on up: most steps it meets deeper than they are.
struct DfsDepthLadder {
  using State = std::uint32_t;
  using Action = std::uint32_t;  // how far up
  static constexpr std::uint32_t top = 40;

  void initial_states(std::vector<State>& states) const { states.push_back(0); }
  void actions(const State& s, std::vector<Action>& out) const {
    if (s + 2 <= top) out.push_back(2);
    if (s + 1 <= top) out.push_back(1);
  }
  State next(const State& s, const Action& a) const { return s + a; }
  void encode(const State& s, StateEncoder& e) const { e.u32(s); }
  std::optional<Violation> check(const State&) const { return std::nullopt; }
  std::uint32_t actor(const Action&) const { return 0; }
  std::string describe(const Action& a) const { return "up " + std::to_string(a); }
};

// The states within depth D are the same whichever order visits them.
TEST(ExhaustiveDfsDepth, DepthBoundedDfsVisitsTheStatesBfsVisitsToTheSameDepth) {
  for (std::uint32_t depth : {3u, 6u, 9u}) {
    SCOPED_TRACE("depth " + std::to_string(depth));
    const auto bfs = explore_exhaustive(DfsDepthLadder{}, dfs_depth_options(SearchOrder::bfs, depth)).summary;
    const auto dfs = explore_exhaustive(DfsDepthLadder{}, dfs_depth_options(SearchOrder::dfs, depth)).summary;
    EXPECT_EQ(bfs.unique_states, 2 * depth + 1);  // steps 0 to 2 x depth
    EXPECT_EQ(dfs.unique_states, bfs.unique_states);
    EXPECT_EQ(dfs.verdict, bfs.verdict);
  }
}

}  // namespace
}  // namespace corridor

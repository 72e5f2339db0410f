// The unique-leader invariants on a scripted protocol: each node follows a script of timed
// claims (lead a term, hold a lease until a monotonic time, step down), so a test decides exactly
// who believes what, when, and with which clock.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "explorers/random_explorer.hpp"
#include "invariants/unique_lease_holder.hpp"
#include "invariants/unique_leader_per_term.hpp"

using namespace corridor;

namespace {

struct Claim {
  NodeId node;
  time_ns at_ns;               // in the node's monotonic clock
  std::uint64_t term;          // 0: step down
  time_ns lease_until_ns = 0;  // monotonic
};

// The script of the current test (tests run one at a time).
std::vector<Claim> script;

struct Scripted {
  struct Nothing {};
  using Message = std::variant<Nothing>;
  struct ScriptStep { std::uint64_t index = 0; };  // script[index] happens now
  using Timer = std::variant<ScriptStep>;
  using Ctx = Context<Scripted>;
  struct Node {
    std::uint64_t term = 0;
    time_ns lease_until_ns = 0;
    void on_start(Ctx& ctx) {
      for (std::size_t i = 0; i < script.size(); ++i) {
        if (script[i].node == ctx.self()) ctx.set_timer(ScriptStep{i}, script[i].at_ns);
      }
    }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx&, const Timer& timer) {
      const std::uint64_t i = std::get<ScriptStep>(timer).index;
      term = script[i].term;
      lease_until_ns = script[i].lease_until_ns;
    }
  };
};
using E = Engine<Scripted>;

std::optional<Violation> run(std::vector<Claim> claims, std::string plan = "") {
  script = std::move(claims);
  SimulationOf<Scripted> sim({
      .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{}, 0}; },
      .install =
          [](E& engine, auto&, const SimConfig&) {
            engine.add_state_invariant(invariants::unique_leader_per_term<E>(
                [](const Scripted::Node& n) { return n.term ? std::optional<std::uint64_t>(n.term) : std::nullopt; }));
            engine.add_state_invariant(invariants::unique_lease_holder<E>(
                [](const Scripted::Node& n, time_ns now_ns) { return n.term != 0 && now_ns < n.lease_until_ns; }));
          },
  });
  SimConfig config;
  config.nodes = 3;
  config.time_limit_ns = seconds(1);
  config.plan_text = plan;
  return run_once(sim, config, 1).violation;
}

}  // namespace

TEST(UniqueLeaderPerTerm, QuietWhenEachTermHasOneLeader) {
  EXPECT_FALSE(run({{0, ms(10), 1}, {0, ms(20), 0}, {1, ms(30), 2}, {2, ms(40), 3}, {2, ms(50), 3}}));
}

TEST(UniqueLeaderPerTerm, FiresOnTwoLeadersOfOneTermAtTheSameTime) {
  const auto v = run({{0, ms(10), 4}, {1, ms(20), 4}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->invariant, "unique-leader");
  EXPECT_EQ(v->verdict, Verdict::safety);
  EXPECT_EQ(v->true_ns, ms(20));
  EXPECT_EQ(v->nodes, (std::vector<NodeId>{0, 1}));
  EXPECT_NE(v->message.find("both became leader of term 4"), std::string::npos) << v->message;
}

// Node 0 led term 4 and stepped down long before node 2 claims term 4: still a violation.
TEST(UniqueLeaderPerTerm, FiresOnTwoLeadersOfOneTermAtDifferentTimes) {
  const auto v = run({{0, ms(10), 4}, {0, ms(20), 0}, {2, ms(500), 4}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->invariant, "unique-leader");
  EXPECT_EQ(v->nodes, (std::vector<NodeId>{0, 2}));
  EXPECT_EQ(v->true_ns, ms(500));
}

TEST(UniqueLeaseHolder, QuietWhenLeasesFollowEachOther) {
  EXPECT_FALSE(run({{0, ms(10), 1, ms(100)}, {1, ms(100), 2, ms(200)}, {2, ms(200), 3, ms(900)}}));
}

TEST(UniqueLeaseHolder, FiresOnOverlappingLeases) {
  const auto v = run({{0, ms(10), 1, ms(100)}, {1, ms(99), 2, ms(200)}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->invariant, "unique-lease-holder");
  EXPECT_EQ(v->true_ns, ms(99));
  EXPECT_EQ(v->nodes, (std::vector<NodeId>{0, 1}));
}

// Each node's belief is read with its own clock: node 0 runs at 55% speed, so its lease until
// monotonic 100 ms lasts until true 182 ms and overlaps node 1's lease from true 150 ms.
TEST(UniqueLeaseHolder, ReadsEachNodesOwnClock) {
  const std::vector<Claim> claims = {{0, ms(10), 1, ms(100)}, {1, ms(150), 2, ms(300)}};
  EXPECT_FALSE(run(claims));
  const auto slow = run(claims, "0s drift n0 -450000ppm");
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->invariant, "unique-lease-holder");
  EXPECT_EQ(slow->true_ns, ms(150));
}

TEST(UniqueLeaseHolder, APausedHolderStillBelievesACrashedOneDoesNot) {
  const std::vector<Claim> claims = {{0, ms(10), 1, ms(400)}, {1, ms(150), 2, ms(300)}};
  const auto paused = run(claims, "100ms pause n0 for 300ms");
  ASSERT_TRUE(paused);
  EXPECT_NE(paused->message.find("node 0 (paused) and node 1 both believe"), std::string::npos) << paused->message;
  EXPECT_FALSE(run(claims, "100ms crash n0"));
}

// explore --stateless (explorers/stateless): depth-bounded DFS by replay, with sleep sets, on
// coroutine protocols whose worlds cannot be copied.
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/stateless.hpp"
#include "model/co/node.hpp"
#include "model/simulation.hpp"

using namespace corridor;

namespace {

// Nodes 1 and 2 each send one message to node 0, which records the senders in arrival order.
// The invariant "from-1-first" (planted: it only holds on schedules where 1's message wins) is
// broken by the schedule that delivers 2's first.
struct TwoSenders {
  struct Hello {};
  using Message = std::variant<Hello>;
  enum class Variant { correct, expects_order };
  struct Node {
    std::vector<NodeId> senders;
    co::task<> main(co::Env<TwoSenders>& env) {
      if (env.self() != 0) {
        env.send(0, Hello{});
        co_return;
      }
      for (int i = 0; i < 2; ++i) senders.push_back((co_await env.receive()).from);
    }
  };
};
using P = co::Protocol<TwoSenders>;

std::unique_ptr<Simulation> make_sim() {
  SimulationSpec<P> spec;
  spec.layout = [](const SimConfig& c) { return Engine<P>::Layout{c.nodes, 0}; };
  spec.targets = [](const SimConfig& c) { return FaultTargets{{}, c.nodes}; };
  spec.install = [](Engine<P>& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig& c) {
    if (c.variant == 0) return;
    e.add_state_invariant({"from-1-first", [](const Engine<P>& w) -> std::optional<Violation> {
                             const auto& s = w.node(0).user.senders;
                             if (!s.empty() && s[0] == 2) return Violation{.message = "node 2's message arrived first"};
                             return std::nullopt;
                           }});
  };
  // Node 0 heard from both senders (5 events: 3 starts, 2 deliveries), and one that never holds.
  spec.witnesses = {{"both-heard", "node 0 heard from both senders",
                     [](const Engine<P>& w) { return w.node(0).user.senders.size() == 2; }},
                    {"three-heard", "node 0 heard three messages",
                     [](const Engine<P>& w) { return w.node(0).user.senders.size() == 3; }}};
  return std::make_unique<SimulationOf<P>>(spec);
}

SimConfig config_of(std::uint32_t variant) {
  SimConfig c;
  c.nodes = 3;
  c.variant = variant;
  apply_fault_spec("delay=const:1ms", c);
  return c;
}

TEST(Stateless, FindsTheSchedulePlantedBugFromOneFirstBreaks) {
  StatelessOptions o;
  o.depth_max = 8;
  o.jobs = 1;
  const StatelessResult r = explore_stateless(make_sim, config_of(1), o);
  ASSERT_TRUE(r.violation.has_value()) << r.stop_reason;
  EXPECT_EQ(r.violation->invariant, "from-1-first");
  EXPECT_FALSE(r.complete);
}

TEST(Stateless, TheCorrectVariantIsCompleteToTheBoundAndSleepSetsPruneOnlyReorderings) {
  StatelessOptions o;
  o.depth_max = 8;
  const StatelessResult with = explore_stateless(make_sim, config_of(0), o);
  o.sleep_sets = false;
  const StatelessResult without = explore_stateless(make_sim, config_of(0), o);
  EXPECT_TRUE(with.complete);
  EXPECT_TRUE(without.complete);
  EXPECT_EQ(with.stop_reason, "complete to depth 8");
  // 3 starts, 2 deliveries: without pruning every interleaving is run; with sleep sets only the
  // ones that order events of one node differently (node 0's two deliveries, its start first).
  EXPECT_GT(with.pruned, 0u);
  EXPECT_LT(with.schedules, without.schedules);
  EXPECT_EQ(without.pruned, 0u);
}

// Each witness is reported with the shallowest schedule found to it, the same on one thread and
// on several; with a bound below it, none is reached.
TEST(Stateless, WitnessesAreReachedOnTheShallowestScheduleFound) {
  StatelessOptions o;
  o.depth_max = 8;
  o.jobs = 1;
  const StatelessResult one = explore_stateless(make_sim, config_of(0), o);
  ASSERT_EQ(one.witnesses.size(), 2u);
  EXPECT_EQ(one.witnesses[0].name, "both-heard");
  EXPECT_TRUE(one.witnesses[0].reached);
  EXPECT_EQ(one.witnesses[0].depth, 5u);
  ASSERT_EQ(one.witnesses[0].path.size(), 5u);
  EXPECT_EQ(one.witnesses[0].path[0], "n0 starts");
  EXPECT_EQ(one.witnesses[0].path[4].rfind("n0 receives from n", 0), 0u) << one.witnesses[0].path[4];
  EXPECT_FALSE(one.witnesses[1].reached);
  o.jobs = 3;
  const StatelessResult three = explore_stateless(make_sim, config_of(0), o);
  ASSERT_EQ(three.witnesses.size(), 2u);
  EXPECT_EQ(three.witnesses[0].path, one.witnesses[0].path);

  o.depth_max = 4;
  const StatelessResult shallow = explore_stateless(make_sim, config_of(0), o);
  EXPECT_TRUE(shallow.complete);
  EXPECT_FALSE(shallow.witnesses[0].reached);
  EXPECT_TRUE(vacuity(shallow.witnesses, false, "ran every schedule to depth 4").has_value());
}

TEST(Stateless, TheReportedCounterexampleIsTheSameOnOneThreadAndOnSeveral) {
  StatelessOptions o;
  o.depth_max = 8;
  o.jobs = 1;
  const StatelessResult one = explore_stateless(make_sim, config_of(1), o);
  o.jobs = 3;
  const StatelessResult three = explore_stateless(make_sim, config_of(1), o);
  ASSERT_TRUE(one.violation && three.violation);
  EXPECT_EQ(one.path, three.path);
}

TEST(Stateless, StatefulExhaustiveSearchRefusesACoroutineProtocolWithOneSentence) {
  try {
    (void)make_sim()->world_model(config_of(0), WorldLimits{});
    FAIL() << "no refusal";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("use `corridor explore --stateless`"), std::string::npos);
  }
}

}  // namespace

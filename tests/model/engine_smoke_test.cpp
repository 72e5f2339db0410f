#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "model/simulation.hpp"
#include "protocols/ping_pong/ping_pong.hpp"

using namespace corridor;

TEST(Engine, PingPongRunsAndRecords) {
  SimulationOf<protocols::PingPong> sim({
      .layout = [](const SimConfig& c) { return Engine<protocols::PingPong>::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{}, 0}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 2;
  config.time_limit_ns = ms(100);
  sim.start(config, 7, nullptr, nullptr, true);
  int steps = 0;
  while (sim.step(config.time_limit_ns) && steps < 100000) ++steps;
  EXPECT_GT(steps, 10);
  EXPECT_FALSE(sim.violation());
  EXPECT_FALSE(sim.records().empty());
}

namespace {
struct Inner { int a = 0; std::string s; };
struct Outer {
  std::vector<Inner> items;
  std::map<int, Inner> by_id;
  std::optional<Inner> maybe;
  std::variant<int, Inner> either;
};
}  // namespace

// Equality, hashing and printing come for free for aggregates, nested ones included.
TEST(Reflect, EqualityHashAndPrintingOfNestedAggregates) {
  Outer a{{{1, "x"}}, {{2, {3, "y"}}}, Inner{4, "z"}, Inner{5, "w"}};
  Outer b = a;
  EXPECT_TRUE(equal(a, b));
  EXPECT_EQ(hash_of(a), hash_of(b));
  EXPECT_EQ(to_text(a), to_text(b));
  b.by_id[2].s = "changed";
  EXPECT_FALSE(equal(a, b));
  EXPECT_NE(hash_of(a), hash_of(b));
  b = a;
  b.either = 5;
  EXPECT_FALSE(equal(a, b));
  EXPECT_EQ(to_text(Inner{1, "x"}), "Inner{1, \"x\"}");
}

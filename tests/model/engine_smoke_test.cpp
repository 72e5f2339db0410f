#include <gtest/gtest.h>

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

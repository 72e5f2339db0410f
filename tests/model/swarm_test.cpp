// Swarm testing's per-run draw (model/swarm.hpp): within the spec, a function of the seed, every
// kind of fault both on and off across seeds, and a text that gives the same configuration back.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/sim_config.hpp"
#include "model/swarm.hpp"

namespace {

using corridor::SimConfig;

SimConfig spec(const char* faults, const char* clock) {
  SimConfig c;
  corridor::apply_fault_spec(faults, c);
  corridor::apply_clock_spec(clock, c);
  return c;
}

const SimConfig wide = spec("crash=2,crash-stop=1,partition=3,pause=2,loss-burst=1,loss=0.04,dup=0.02,delay=uniform:1ms:9ms,fifo",
                            "drift=2000ppm,skew=8ms,jump=-2s,jumps=2,drift-changes=1");

// The drawn texts give back exactly the drawn configuration, so that the rerun line
// (`--faults F --clock C`) and the trace header reproduce the run without the swarm.
RC_GTEST_PROP(Swarm, DrawnTextsGiveTheDrawnConfigurationBack, (std::uint64_t seed)) {
  const SimConfig run = corridor::swarm_config(wide, seed);
  SimConfig again;
  corridor::apply_fault_spec(run.faults_text, again);
  if (!run.clock_text.empty()) corridor::apply_clock_spec(run.clock_text, again);
  RC_ASSERT(again.faults == run.faults);
  RC_ASSERT(again.link == run.link);
  RC_ASSERT(again.clock == run.clock);
}

RC_GTEST_PROP(Swarm, TheDrawStaysWithinTheSpecAndKeepsItsAssumptions, (std::uint64_t seed)) {
  const SimConfig run = corridor::swarm_config(wide, seed);
  RC_ASSERT(run.faults.crash <= wide.faults.crash);
  RC_ASSERT(run.faults.crash_stop <= wide.faults.crash_stop);
  RC_ASSERT(run.faults.partition <= wide.faults.partition);
  RC_ASSERT(run.faults.pause <= wide.faults.pause);
  RC_ASSERT(run.faults.loss_burst <= wide.faults.loss_burst);
  RC_ASSERT(run.link.loss <= wide.link.loss);
  RC_ASSERT(run.link.dup <= wide.link.dup);
  RC_ASSERT(run.link.delay.kind == wide.link.delay.kind);
  RC_ASSERT(run.link.delay.a_ns == wide.link.delay.a_ns);
  RC_ASSERT(run.link.delay.b_ns >= run.link.delay.a_ns && run.link.delay.b_ns <= wide.link.delay.b_ns);
  RC_ASSERT(run.link.fifo);  // an assumption of the protocol, never drawn away
  RC_ASSERT(run.clock.drift_ppm <= wide.clock.drift_ppm);
  RC_ASSERT(run.clock.skew_ns <= wide.clock.skew_ns);
  RC_ASSERT(run.clock.jumps <= wide.clock.jumps);
  RC_ASSERT(run.clock.jump_ns <= 0);  // the sign of the spec's jump is kept
  RC_ASSERT(corridor::swarm_config(wide, seed) == run);  // a function of the seed
}

// Across seeds every kind of fault is sometimes on and sometimes off, and mixes differ: a swarm
// whose draws collapsed to one mix would be random testing again.
TEST(Swarm, EveryFaultKindIsOnInSomeRunsAndOffInOthers) {
  std::set<std::string> mixes;
  constexpr int runs = 400;
  // One counter per fault kind the spec above has: every kind swarm_config draws.
  const std::vector<std::pair<const char*, bool (*)(const SimConfig&)>> kinds = {
      {"crash", [](const SimConfig& c) { return c.faults.crash > 0; }},
      {"crash-stop", [](const SimConfig& c) { return c.faults.crash_stop > 0; }},
      {"partition", [](const SimConfig& c) { return c.faults.partition > 0; }},
      {"pause", [](const SimConfig& c) { return c.faults.pause > 0; }},
      {"loss-burst", [](const SimConfig& c) { return c.faults.loss_burst > 0; }},
      {"loss", [](const SimConfig& c) { return c.link.loss > 0; }},
      {"dup", [](const SimConfig& c) { return c.link.dup > 0; }},
      {"drift", [](const SimConfig& c) { return c.clock.drift_ppm > 0; }},
      {"skew", [](const SimConfig& c) { return c.clock.skew_ns > 0; }},
      {"jumps", [](const SimConfig& c) { return c.clock.jumps > 0; }},
      {"drift-changes", [](const SimConfig& c) { return c.clock.drift_changes > 0; }},
  };
  std::vector<int> on(kinds.size(), 0);
  for (std::uint64_t seed = 0; seed < runs; ++seed) {
    const SimConfig run = corridor::swarm_config(wide, seed);
    mixes.insert(run.faults_text + " " + run.clock_text);
    for (std::size_t k = 0; k < kinds.size(); ++k) on[k] += kinds[k].second(run) ? 1 : 0;
  }
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    EXPECT_GT(on[k], runs / 4) << kinds[k].first;  // each on with probability 1/2: 200 expected
    EXPECT_LT(on[k], 3 * runs / 4) << kinds[k].first;
  }
  EXPECT_GT(mixes.size(), 300u);
}

// A spec without a fault kind never gets it.
TEST(Swarm, AFaultTheSpecLacksIsNeverDrawn) {
  const SimConfig quiet = spec("delay=const:2ms", "");
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const SimConfig run = corridor::swarm_config(quiet, seed);
    EXPECT_EQ(run.faults, corridor::FaultSpec{});
    EXPECT_EQ(run.link, quiet.link);
    EXPECT_EQ(run.clock, quiet.clock);
    EXPECT_EQ(run.faults_text, "delay=const:2ms");
    EXPECT_EQ(run.clock_text, "");
  }
}

}  // namespace

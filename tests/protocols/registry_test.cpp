// Over every registered protocol: each planted bug is found within a fixed budget under the demo
// configuration, as a violation of the invariant its registration names, and its failure replays
// exactly from the choice log alone (no seed); each correct variant passes the demo configuration
// of each of its planted bugs.
#include <algorithm>

#include <gtest/gtest.h>

#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

TEST(Registry, EveryProtocolHasACorrectVariantFirstAndDescribesItself) {
  ASSERT_GE(protocol_registry().size(), 3u);
  for (const ProtocolEntry& e : protocol_registry()) {
    EXPECT_FALSE(e.info.description.empty()) << e.info.name;
    ASSERT_FALSE(e.info.variants.empty()) << e.info.name;
    EXPECT_FALSE(e.info.variants[0].planted_bug) << e.info.name;
    for (const VariantInfo& v : e.info.variants) EXPECT_FALSE(v.description.empty()) << e.info.name << "/" << v.name;
    EXPECT_LE(e.info.min_nodes, e.info.default_nodes);
    EXPECT_LE(e.info.default_nodes, e.info.max_nodes);
  }
}

// Variant names come from the enumerators (no_drift_margin is "no-drift-margin"), in enum order.
TEST(Registry, VariantNamesAreTheEnumeratorsInOrder) {
  const ProtocolInfo& info = protocol("leader-lease").info;
  ASSERT_EQ(info.variants.size(), 4u);
  EXPECT_EQ(info.variants[0].name, "correct");
  EXPECT_EQ(info.variants[1].name, "no-drift-margin");
  EXPECT_EQ(info.variants[2].name, "no-fencing");
  EXPECT_EQ(info.variants[3].name, "heartbeat-not-rearmed");
  for (std::uint32_t v = 0; v < info.variants.size(); ++v) EXPECT_EQ(info.variants[v].value, v);
}

// The names are read from what the set-up installs (ping-pong installs one liveness check), and a planted
// bug's expected invariant is one of them.
TEST(Registry, InvariantNamesComeFromTheSetUpAndEveryPlantedBugNamesOneOfThem) {
  EXPECT_EQ(protocol("ping-pong").info.invariants, std::vector<std::string>{"exchange-continues"});
  for (const ProtocolEntry& e : protocol_registry()) {
    for (const VariantInfo& v : e.info.variants) {
      if (!v.planted_bug) continue;
      std::size_t named = 0;
      for (const std::string& invariant : e.info.invariants) named += is_expected(v.finds, invariant) ? 1 : 0;
      EXPECT_GE(named, 1u) << e.info.name << "/" << v.name << " finds " << v.finds;
    }
  }
}

// Every reference protocol declares the states a search must reach (model/witness.hpp), and the
// registry lists what its spec declares: names written once. (The explore-only two-phase-commit
// is added by the program: tests/cli's ListShowsWitnessesOfEveryBuiltInProtocol covers it.)
TEST(Registry, EveryBuiltInProtocolDeclaresAWitness) {
  std::size_t built_in = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.built_in) continue;
    ++built_in;
    EXPECT_FALSE(e.info.witnesses.empty()) << e.info.name << " declares no witness";
    if (!e.make) continue;
    const auto sim = e.make();
    const std::vector<WitnessInfo> declared = sim->witnesses();
    ASSERT_EQ(declared.size(), e.info.witnesses.size()) << e.info.name;
    for (std::size_t i = 0; i < declared.size(); ++i) EXPECT_EQ(declared[i].name, e.info.witnesses[i].name);
  }
  EXPECT_GE(built_in, 12u);  // the simulated-world protocols (the explore-only model is the program's)
}

// A witness is read from a run's world: none holds before the run starts doing anything, and a
// timed run of ping-pong's correct variant reaches its one witness.
TEST(Registry, WitnessesAreReadFromTheRunsWorld) {
  const ProtocolEntry& e = protocol("ping-pong");
  auto sim = e.make();
  sim->start(e.default_config(0), 1, nullptr, nullptr, false);
  EXPECT_EQ(sim->witnesses_holding(), 0u);
  for (int steps = 0; steps < 100 && sim->step(e.info.default_time_limit_ns); ++steps) {
  }
  EXPECT_EQ(sim->witnesses_holding(), 1u);
}

TEST(Registry, EveryPlantedBugIsFoundAndReplaysFromItsChoiceLogAlone) {
  int bugs = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    for (std::uint32_t v = 0; v < e.info.variants.size(); ++v) {
      const VariantInfo& variant = e.info.variants[v];
      if (!variant.planted_bug) continue;
      ++bugs;
      const SimConfig config = e.demo_config(v);
      const Sweep s = sweep(e, config, 1000);
      ASSERT_TRUE(s.first_failure) << e.info.name << "/" << variant.name << " not found in " << s.runs;
      EXPECT_TRUE(is_expected(variant.finds, s.first_failure->violation->invariant))
          << e.info.name << "/" << variant.name << " expects " << variant.finds << ", got "
          << s.first_failure->violation->invariant << ": " << s.first_failure->violation->message;
      auto sim = e.make();
      const RunOutcome recorded = run_once(*sim, config, s.first_failure->seed, {.record = true});
      const auto events = sim->records();
      const ChoiceLog choices = sim->choices();
      const FaultPlan plan = sim->fault_plan();
      auto other = e.make();
      const RunOutcome replayed = run_once(*other, config, /*seed unused*/ 0, {.record = true, .plan = &plan, .replay = &choices});
      EXPECT_EQ(replayed.violation, recorded.violation) << e.info.name << "/" << variant.name;
      EXPECT_EQ(other->records(), events) << e.info.name << "/" << variant.name;
      EXPECT_EQ(other->replay_divergences(), 0u);
    }
  }
  EXPECT_GE(bugs, 3);
}

// The demo configuration of a planted bug (more faults, other clocks) must not be what fails: the
// correct variant passes it, over as many seeds as the planted bug needs at most and more (300;
// 60 in a sanitizer build, tests/build_budget.hpp).
TEST(Registry, CorrectVariantsPassTheirPlantedBugsDemoConfiguration) {
  constexpr std::uint64_t seeds = test_support::passing_seeds(300);
  int checked = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    for (std::uint32_t v = 0; v < e.info.variants.size(); ++v) {
      if (!e.info.variants[v].planted_bug) continue;
      SimConfig config = e.demo_config(v);
      config.variant = 0;
      const Sweep s = sweep(e, config, seeds);
      ++checked;
      EXPECT_FALSE(s.first_failure) << e.info.name << "/correct under the demo configuration of "
                                    << e.info.variants[v].name << ": seed " << s.first_failure->seed << ": "
                                    << s.first_failure->violation->message;
      EXPECT_EQ(s.runs, seeds);
    }
  }
  EXPECT_GE(checked, 3);
}

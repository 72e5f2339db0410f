// Over every registered protocol: each planted bug is found within a fixed budget under the demo
// configuration, its failure replays exactly from the choice log alone (no seed), and each
// correct variant passes the demo configuration of its bugs' seeds too.
#include <gtest/gtest.h>

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

TEST(Registry, EveryPlantedBugIsFoundAndReplaysFromItsChoiceLogAlone) {
  int bugs = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    for (std::uint32_t v = 0; v < e.info.variants.size(); ++v) {
      if (!e.info.variants[v].planted_bug) continue;
      ++bugs;
      const SimConfig config = e.demo_config(v);
      const Sweep s = sweep(e, config, 1000);
      ASSERT_TRUE(s.first_failure) << e.info.name << "/" << e.info.variants[v].name << " not found in " << s.runs;
      auto sim = e.make();
      const RunOutcome recorded = run_once(*sim, config, s.first_failure->seed, {.record = true});
      const auto events = sim->records();
      const ChoiceLog choices = sim->choices();
      const FaultPlan plan = sim->fault_plan();
      auto other = e.make();
      const RunOutcome replayed = run_once(*other, config, /*seed unused*/ 0, {.record = true, .plan = &plan, .replay = &choices});
      EXPECT_EQ(replayed.violation, recorded.violation) << e.info.name << "/" << e.info.variants[v].name;
      EXPECT_EQ(other->records(), events) << e.info.name << "/" << e.info.variants[v].name;
      EXPECT_EQ(other->replay_divergences(), 0u);
    }
  }
  EXPECT_GE(bugs, 3);
}

// The token ring written as coroutines: its planted bug is found by the same campaign as the
// handler version's (breaking single-token, as registered), the failure replays from its choice
// log alone, and the correct variant passes many seeds.
#include <gtest/gtest.h>

#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

TEST(CoTokenRing, KeepsCopyBreaksSingleTokenAndReplaysFromItsChoiceLog) {
  const ProtocolEntry& entry = protocol("co-token-ring");
  EXPECT_EQ(expected_invariant(entry, "keeps-copy"), "single-token");
  const SimConfig config = config_for(entry, "keeps-copy");
  const Sweep s = sweep(entry, config, 50);
  ASSERT_TRUE(s.first_failure.has_value());
  ASSERT_TRUE(s.first_failure->violation.has_value());
  EXPECT_EQ(s.first_failure->violation->invariant, "single-token");
  auto sim = entry.make();
  const RunOutcome first = run_once(*sim, config, s.first_failure->seed, {.record = true});
  const ChoiceLog log = sim->choices();
  const FaultPlan plan = sim->fault_plan();
  auto again = entry.make();
  const RunOutcome replayed = run_once(*again, config, 0, {.record = true, .plan = &plan, .replay = &log});
  ASSERT_TRUE(replayed.violation.has_value());
  EXPECT_EQ(*replayed.violation, *first.violation);
  EXPECT_EQ(again->records(), sim->records());
}

TEST(CoTokenRing, TheCorrectVariantPassesAThousandSeeds) {
  const ProtocolEntry& entry = protocol("co-token-ring");
  const Sweep s = sweep(entry, config_for(entry, "correct"), 1000);
  EXPECT_FALSE(s.first_failure.has_value()) << (s.first_failure ? s.first_failure->violation->message : "");
  EXPECT_EQ(s.runs, 1000u);
}

// The registrations of the coroutine token ring and ping-pong are their handler versions', under
// another name: the variants, the planted bug's invariant and the fault model are written once.
TEST(CoTokenRing, RegistersTheHandlerVersionsVariantsAndFaultModel) {
  for (const auto& [co_name, handler_name] : {std::pair{"co-token-ring", "token-ring"}, std::pair{"co-ping-pong", "ping-pong"}}) {
    const ProtocolInfo& co = protocol(co_name).info;
    const ProtocolInfo& handler = protocol(handler_name).info;
    ASSERT_EQ(co.variants.size(), handler.variants.size()) << co_name;
    for (std::size_t i = 0; i < co.variants.size(); ++i) {
      EXPECT_EQ(co.variants[i].name, handler.variants[i].name);
      EXPECT_EQ(co.variants[i].description, handler.variants[i].description);
      EXPECT_EQ(co.variants[i].finds, handler.variants[i].finds);
    }
    EXPECT_EQ(co.invariants, handler.invariants) << co_name;
    EXPECT_EQ(co.default_faults, handler.default_faults) << co_name;
    EXPECT_EQ(co.default_nodes, handler.default_nodes) << co_name;
  }
}

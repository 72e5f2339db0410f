#include "protocols/causal_broadcast/causal_broadcast.hpp"

#include <gtest/gtest.h>

#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& causal() { return protocol("causal-broadcast"); }
}  // namespace

TEST(CausalBroadcast, RegistryEntryIsComplete) {
  const ProtocolInfo& info = causal().info;
  ASSERT_EQ(info.variants.size(), 3u);
  EXPECT_EQ(info.variants[0].name, "correct");
  EXPECT_FALSE(info.variants[0].planted_bug);
  EXPECT_EQ(info.variants[1].name, "fifo-only");
  EXPECT_TRUE(info.variants[1].planted_bug);
  EXPECT_EQ(info.variants[2].name, "no-rescan");
  EXPECT_TRUE(info.variants[2].planted_bug);
  EXPECT_EQ(info.invariants, (std::vector<std::string>{"causal-delivery", "fifo-delivery", "eventual-delivery"}));
  EXPECT_FALSE(info.default_faults.empty() || info.demo_faults.empty());
}

TEST(CausalBroadcast, CorrectPassesAThousandSeedsOfItsFaultModel) {
  const Sweep s = sweep(causal(), config_for(causal(), "correct"), 1000);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(CausalBroadcast, CorrectPassesWithFiveNodesAndMorePauses) {
  SimConfig config = config_for(causal(), "correct");
  config.nodes = 5;
  apply_fault_spec("pause=3", config);
  const Sweep s = sweep(causal(), config, 300);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(CausalBroadcast, FifoOnlyIsFoundWithinAHundredSeeds) {
  const Sweep s = sweep(causal(), config_for(causal(), "fifo-only", true), 100);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(causal(), "fifo-only")) << s.first_failure->violation->message;
}

// A liveness-only bug: what no-rescan delivers is in causal and FIFO order, but messages wait in
// the hold-back queue for ever. eventual-delivery (the invariant its registration names) finds it,
// as exit 2, naming the message and the bound.
TEST(CausalBroadcast, NoRescanIsFoundByEventualDeliveryWithinAHundredSeeds) {
  const Sweep s = sweep(causal(), config_for(causal(), "no-rescan", true), 100);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  const Violation& v = *s.first_failure->violation;
  EXPECT_EQ(v.invariant, expected_invariant(causal(), "no-rescan")) << v.message;
  EXPECT_EQ(v.invariant, "eventual-delivery");
  EXPECT_EQ(v.verdict, Verdict::liveness);
  EXPECT_NE(v.message.find("was not delivered at node"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("400ms after"), std::string::npos) << v.message;
}

// ... and only eventual-delivery: with it out of the way (a bound past the run's end) the safety
// monitors pass the same seeds.
TEST(CausalBroadcast, NoRescanBreaksNoSafetyInvariant) {
  SimConfig config = config_for(causal(), "no-rescan", true);
  config.time_limit_ns = protocols::CausalBroadcast::delivery_bound_ns;  // no deadline falls inside a run
  const Sweep s = sweep(causal(), config, 100);
  EXPECT_FALSE(s.first_failure) << s.first_failure->violation->invariant << ": " << s.first_failure->violation->message;
}

// Every node delivers every message: the hold-back queue empties (no message is stuck).
TEST(CausalBroadcast, EveryMessageIsDeliveredEverywhere) {
  const SimConfig config = config_for(causal(), "correct");
  std::unique_ptr<Simulation> sim = causal().make();
  RunOptions options;
  options.record = true;
  for (std::uint64_t i = 0; i < 20; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i), options);
    ASSERT_FALSE(out.violation);
    std::size_t deliveries = 0;
    for (const EventRecord& r : sim->records()) {
      if (r.kind == EventKind::note && r.summary.starts_with("deliver ")) ++deliveries;
    }
    EXPECT_EQ(deliveries, std::size_t{config.nodes} * config.nodes * protocols::CausalBroadcast::casts_per_node);
  }
}

TEST(CausalBroadcast, ARunIsDeterministic) {
  const SimConfig config = config_for(causal(), "correct");
  std::unique_ptr<Simulation> a = causal().make();
  std::unique_ptr<Simulation> b = causal().make();
  RunOptions options;
  options.record = true;
  const std::uint64_t seed = derive_seed(master_seed, 5);
  run_once(*a, config, seed, options);
  run_once(*b, config, seed, options);
  EXPECT_GT(a->records().size(), 100u);
  EXPECT_TRUE(a->records() == b->records());
}

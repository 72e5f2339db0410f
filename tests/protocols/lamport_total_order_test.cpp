#include "protocols/lamport_total_order/lamport_total_order.hpp"

#include <gtest/gtest.h>

#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& lamport() { return protocol("lamport-total-order"); }
}  // namespace

TEST(LamportTotalOrder, RegistryEntryIsComplete) {
  const ProtocolInfo& info = lamport().info;
  ASSERT_EQ(info.variants.size(), 2u);
  EXPECT_EQ(info.variants[0].name, "correct");
  EXPECT_EQ(info.variants[1].name, "deliver-on-arrival");
  EXPECT_TRUE(info.variants[1].planted_bug);
  EXPECT_EQ(info.invariants, (std::vector<std::string>{"total-order", "causal-delivery", "eventual-delivery"}));
}

TEST(LamportTotalOrder, CorrectPassesAThousandSeedsOfItsFaultModel) {
  const Sweep s = sweep(lamport(), config_for(lamport(), "correct"), 1000);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(LamportTotalOrder, CorrectPassesWithFiveNodesAndMorePauses) {
  SimConfig config = config_for(lamport(), "correct");
  config.nodes = 5;
  apply_fault_spec("pause=3", config);
  const Sweep s = sweep(lamport(), config, 300);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(LamportTotalOrder, DeliverOnArrivalIsFoundWithinTwentySeeds) {
  const Sweep s = sweep(lamport(), config_for(lamport(), "deliver-on-arrival", true), 20);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(lamport(), "deliver-on-arrival")) << s.first_failure->violation->message;
}

// Every node delivers every post (the total-order monitor also checks this at the end).
TEST(LamportTotalOrder, EveryPostIsDeliveredEverywhere) {
  const SimConfig config = config_for(lamport(), "correct");
  std::unique_ptr<Simulation> sim = lamport().make();
  RunOptions options;
  options.record = true;
  for (std::uint64_t i = 0; i < 10; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i), options);
    ASSERT_FALSE(out.violation);
    std::size_t deliveries = 0;
    for (const EventRecord& r : sim->records()) deliveries += r.kind == EventKind::note && r.summary.starts_with("deliver ");
    EXPECT_EQ(deliveries, std::size_t{config.nodes} * config.nodes * protocols::LamportTotalOrder::posts_per_node);
  }
}

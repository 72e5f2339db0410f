// flexible-paxos (issue 18 item 2): its quorum arithmetic at every campaign size, the correct
// variant over its whole campaign and under the demo's faults, the planted bug (q1 + q2 = n)
// found within 2,000 seeds of the campaign `corridor run` makes, at 5 nodes too, naming an
// invariant its registration names; and multi-paxos-kv, which runs the same store, still on
// majorities.
#include "protocols/flexible_paxos/flexible_paxos.hpp"

#include <gtest/gtest.h>

#include "explorers/seed_runner.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"
#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;
using protocols::FlexiblePaxos;
using protocols::MultiPaxosKv;
using protocols::PaxosQuorums;

namespace {

const ProtocolEntry& fpaxos_entry() { return protocol("flexible-paxos"); }

std::string fpaxos_failure_text(const Sweep& s) {
  return s.first_failure ? fmt::format("seed {:#x}: {}: {}", s.first_failure->seed, s.first_failure->violation->invariant,
                                       s.first_failure->violation->message)
                         : "";
}

}  // namespace

TEST(FlexiblePaxos, RegistryEntryRunsMultiPaxosKvsChecksOverFiveNodeCampaigns) {
  const ProtocolInfo& info = fpaxos_entry().info;
  ASSERT_EQ(info.variants.size(), 2u);
  EXPECT_EQ(info.variants[1].name, "q1-plus-q2-equals-n");
  EXPECT_EQ(info.invariants, protocol("multi-paxos-kv").info.invariants);
  EXPECT_EQ(info.min_nodes, FlexiblePaxos::nodes_min);
  std::uint32_t flexible_sizes = 0;  // campaign sizes where the quorums are not both majorities
  for (const std::uint32_t nodes : info.campaign_nodes) {
    if (FlexiblePaxos::quorums(FlexiblePaxos::Variant::correct, nodes) != PaxosQuorums::majorities(nodes)) ++flexible_sizes;
  }
  EXPECT_GE(flexible_sizes, 2u);
}

TEST(FlexiblePaxos, CorrectQuorumsIntersectAtEveryCampaignSizeAndPhaseTwoStaysAtTwo) {
  for (const std::uint32_t nodes : fpaxos_entry().info.campaign_nodes) {
    const PaxosQuorums q = FlexiblePaxos::quorums(FlexiblePaxos::Variant::correct, nodes);
    EXPECT_EQ(q.phase2_nodes, 2u) << nodes;
    EXPECT_EQ(q.phase1_nodes, nodes - 1) << nodes;
    EXPECT_EQ(q.phase1_nodes + q.phase2_nodes, nodes + 1) << nodes;
    EXPECT_TRUE(q.intersect(nodes)) << nodes;
  }
  // The paper's example size: 4 promises elect, 2 accepts decide, where majorities are 3 and 3.
  EXPECT_EQ(FlexiblePaxos::quorums(FlexiblePaxos::Variant::correct, 5), (PaxosQuorums{4, 2}));
  EXPECT_EQ(PaxosQuorums::majorities(5), (PaxosQuorums{3, 3}));
}

TEST(FlexiblePaxos, PlantedQuorumsSumToTheNodeCountAndMiss) {
  for (const std::uint32_t nodes : fpaxos_entry().info.campaign_nodes) {
    const PaxosQuorums q = FlexiblePaxos::quorums(FlexiblePaxos::Variant::q1_plus_q2_equals_n, nodes);
    EXPECT_EQ(q.phase1_nodes + q.phase2_nodes, nodes) << nodes;
    EXPECT_FALSE(q.intersect(nodes)) << nodes;
    // Two disjoint sets: replicas 0..q2-1 decide, replicas q2..n-1 elect.
    NodeSet acks;
    NodeSet promises;
    for (NodeId n = 0; n < nodes; ++n) (n < q.phase2_nodes ? acks : promises).insert(n);
    EXPECT_TRUE(q.decides(acks) && q.elects(promises)) << nodes;
  }
}

TEST(FlexiblePaxos, MultiPaxosKvStaysOnMajoritiesWithItsOwnPlantedBugs) {
  for (std::uint32_t nodes = 1; nodes <= MultiPaxosKv::nodes_max; ++nodes) {
    for (const VariantInfo& v : protocol("multi-paxos-kv").info.variants) {
      const auto variant = static_cast<MultiPaxosKv::Variant>(v.value);
      ASSERT_EQ(MultiPaxosKv::quorums(variant, nodes), PaxosQuorums::majorities(nodes)) << nodes << " " << v.name;
      ASSERT_EQ(MultiPaxosKv::store_variant(variant), variant) << v.name;
      ASSERT_TRUE(MultiPaxosKv::quorums(variant, nodes).intersect(nodes)) << nodes;
    }
  }
  // flexible-paxos plants none of the store's bugs: its only bug is its quorums.
  EXPECT_EQ(FlexiblePaxos::store_variant(FlexiblePaxos::Variant::q1_plus_q2_equals_n), MultiPaxosKv::Variant::correct);
}

TEST(FlexiblePaxos, CorrectPassesEveryConfigurationOfItsCampaign) {
  for (const SimConfig& config : fpaxos_entry().campaign_configs(0)) {
    const Sweep s = sweep(fpaxos_entry(), config, passing_seeds(300));
    ASSERT_FALSE(s.first_failure) << config.nodes << " nodes, " << config.clock_text << ", " << fpaxos_failure_text(s);
  }
}

TEST(FlexiblePaxos, CorrectPassesTheDemoFaultsWithFiveAndSevenNodes) {
  for (const std::uint32_t nodes : {5u, 7u}) {
    SimConfig config = config_for(fpaxos_entry(), "correct", true);
    config.nodes = nodes;
    const Sweep s = sweep(fpaxos_entry(), config, passing_seeds(300));
    ASSERT_FALSE(s.first_failure) << nodes << " nodes, " << fpaxos_failure_text(s);
  }
}

// What `corridor run flexible-paxos --variant q1-plus-q2-equals-n --seeds 2000 --master-seed 1`
// runs: the default campaign, sizes 3, 5 and 7 round-robin.
TEST(FlexiblePaxos, PlantedBugIsFoundWithin2000SeedsOfItsCampaignAndNamesItsInvariant) {
  const ProtocolEntry& e = fpaxos_entry();
  const auto v = static_cast<std::uint32_t>(e.variant_index("q1-plus-q2-equals-n"));
  const CampaignResult r = run_campaign(e.make, e.campaign_configs(v), {.master_seed = 1, .runs = 2000, .jobs = 2});
  ASSERT_FALSE(r.failures.empty()) << "not found in 2000 seeds";
  const Violation& violation = *r.failures.front().outcome.violation;
  EXPECT_TRUE(is_expected(e.info.variants[v].finds, violation.invariant)) << violation.invariant << ": " << violation.message;
}

// At 5 nodes the planted phase-1 quorum is a majority (3): what breaks agreement there is the
// phase-2 quorum of 2 that a majority can miss, not a phase 1 smaller than a majority.
TEST(FlexiblePaxos, PlantedBugIsFoundWithin2000SeedsAtFiveNodes) {
  SimConfig config = config_for(fpaxos_entry(), "q1-plus-q2-equals-n");
  config.nodes = 5;
  ASSERT_EQ(FlexiblePaxos::quorums(FlexiblePaxos::Variant::q1_plus_q2_equals_n, 5).phase1_nodes, majority(5));
  const Sweep s = sweep(fpaxos_entry(), config, 2000);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_TRUE(is_expected(expected_invariant(fpaxos_entry(), "q1-plus-q2-equals-n"), s.first_failure->violation->invariant))
      << fpaxos_failure_text(s);
}

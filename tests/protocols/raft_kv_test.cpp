// raft-kv (issue 18 item 1): figure 3's four properties, each judged on hand-made worlds where it
// must hold and where it must not; the correct variant over 10,000 seeds of the demo's faults
// (crash-restart, partitions, a pause, loss and duplication) at every campaign size; each planted
// bug found within 2,000 seeds of its demo campaign by exactly the invariant its registration
// names, and its failure shrunk to a run that replays to the same invariant.
#include "protocols/raft_kv/raft_kv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "explorers/seed_runner.hpp"
#include "explorers/shrink.hpp"
#include "protocols/raft_kv/raft_invariants.hpp"
#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;
using protocols::RaftKv;

namespace {

const ProtocolEntry& raft_entry() { return protocol("raft-kv"); }

// A world of raft-kv nodes made by hand, with what the invariants read of an engine.
struct RaftFakeWorld {
  using Node = RaftKv::Node;
  std::vector<RaftKv::Node> nodes;
  std::vector<RaftKv::Durable> durables;
  std::vector<bool> running;
  std::uint64_t step = 1;

  explicit RaftFakeWorld(std::uint32_t n) : nodes(n), durables(n), running(n, true) {}
  NodeId layout_nodes() const { return static_cast<NodeId>(nodes.size()); }
  const RaftKv::Node& node(NodeId n) const { return nodes.at(n); }
  const RaftKv::Durable& durable(NodeId n) const { return durables.at(n); }
  bool is_running(NodeId n) const { return running.at(n); }
  std::uint64_t step_count() const { return step; }
  time_ns now_ns() const { return static_cast<time_ns>(step) * ms(1); }
};

RaftKv::Entry raft_entry_of(std::uint64_t term, std::int64_t value) {
  return {term, RaftKv::Command{RaftKv::Op::put, 3, static_cast<std::uint64_t>(value), 0, value, 0}};
}

void raft_lead(RaftFakeWorld& w, NodeId n, std::uint64_t term) {
  w.nodes[n].role = RaftKv::Role::leader;
  w.nodes[n].led_term = term;
  w.durables[n].term = term;
}

std::string raft_failure_text(const CampaignResult& r) {
  if (r.failures.empty()) return "";
  const RunOutcome& o = r.failures.front().outcome;
  return fmt::format("run {} seed {:#x}: {}: {}", r.failures.front().index, o.seed, o.violation->invariant,
                     o.violation->message);
}

}  // namespace

TEST(RaftKv, RegistersFigureThreesPropertiesAndLinearizableAndNamesWhatFindsEachBug) {
  const ProtocolInfo& info = raft_entry().info;
  for (const char* name : {"election-safety", "log-matching", "leader-completeness", "state-machine-safety", "linearizable"}) {
    EXPECT_NE(std::find(info.invariants.begin(), info.invariants.end(), name), info.invariants.end()) << name;
  }
  const std::map<std::string, std::string> finds = {{"vote-not-persisted", "election-safety"},
                                                    {"truncate-on-stale-append", "leader-completeness"},
                                                    {"read-from-deposed-leader", "linearizable"}};
  ASSERT_EQ(info.variants.size(), finds.size() + 1);
  for (const auto& [variant, invariant] : finds) EXPECT_EQ(expected_invariant(raft_entry(), variant), invariant);
}

TEST(RaftKv, ElectionSafetyFiresOnTwoLeadersOfOneTermEvenAfterTheFirstStepsDown) {
  RaftFakeWorld w(3);
  auto inv = protocols::raft_election_safety<RaftFakeWorld>();
  raft_lead(w, 0, 2);
  EXPECT_FALSE(inv.check(w));
  w.nodes[0].role = RaftKv::Role::follower;  // deposed
  ++w.step;
  raft_lead(w, 1, 3);
  EXPECT_FALSE(inv.check(w)) << "one leader per term";
  ++w.step;
  raft_lead(w, 2, 2);
  const auto v = inv.check(w);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->nodes, (std::vector<NodeId>{0, 2}));
}

TEST(RaftKv, LogMatchingHoldsForDivergentTailsAndFiresOnADifferentPrefix) {
  RaftFakeWorld w(2);
  w.durables[0].log = {raft_entry_of(1, 1), raft_entry_of(1, 2), raft_entry_of(2, 3)};
  w.durables[1].log = {raft_entry_of(1, 1), raft_entry_of(1, 2), raft_entry_of(3, 4), raft_entry_of(3, 5)};
  EXPECT_FALSE(protocols::raft_log_matching(w)) << "logs that agree up to their last common term";
  w.durables[1].log[0] = raft_entry_of(1, 9);  // same term at index 1, another command
  EXPECT_TRUE(protocols::raft_log_matching(w));
  w.durables[1].log[0] = raft_entry_of(1, 1);
  w.durables[1].log[2] = raft_entry_of(2, 4);  // index 3 of term 2 on both, different commands
  EXPECT_TRUE(protocols::raft_log_matching(w));
}

TEST(RaftKv, LeaderCompletenessRemembersCommittedEntriesAcrossARestart) {
  RaftFakeWorld w(3);
  auto inv = protocols::raft_leader_completeness<RaftFakeWorld>();
  raft_lead(w, 0, 2);
  w.durables[0].log = {raft_entry_of(1, 1), raft_entry_of(2, 2)};
  w.nodes[0].commit = 2;
  EXPECT_FALSE(inv.check(w));
  // Node 0 crashes: nobody holds the commit any more, but it was committed.
  ++w.step;
  w.running[0] = false;
  EXPECT_FALSE(inv.check(w));
  // A leader of a later term with the first entry only.
  ++w.step;
  raft_lead(w, 1, 3);
  w.durables[1].log = {raft_entry_of(1, 1), raft_entry_of(3, 7)};
  const auto v = inv.check(w);
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("index 2"), std::string::npos) << v->message;
  // A new run starts over: the same world alone holds nothing committed.
  w.step = 1;
  EXPECT_FALSE(inv.check(w));
}

TEST(RaftKv, LeaderCompletenessDoesNotHoldALeaderOfTheCommitsOwnTermToItsLaterEntries) {
  RaftFakeWorld w(2);
  auto inv = protocols::raft_leader_completeness<RaftFakeWorld>();
  // Node 1 learned a commit in term 3; node 0, a stale leader of term 2, lacks the entry.
  w.durables[1] = {3, no_node, {raft_entry_of(3, 1)}};
  w.nodes[1].commit = 1;
  raft_lead(w, 0, 2);
  w.durables[0].log = {raft_entry_of(2, 5)};
  EXPECT_FALSE(inv.check(w));
}

TEST(RaftKv, StateMachineSafetyFiresWhenTwoNodesApplyDifferentCommandsAtOneIndex) {
  RaftFakeWorld w(2);
  auto inv = protocols::raft_state_machine_safety<RaftFakeWorld>();
  w.durables[0].log = {raft_entry_of(1, 1), raft_entry_of(1, 2)};
  w.nodes[0].applied = 2;
  w.durables[1].log = {raft_entry_of(1, 1), raft_entry_of(2, 3)};
  w.nodes[1].applied = 1;
  EXPECT_FALSE(inv.check(w)) << "node 1 has not applied index 2";
  ++w.step;
  w.running[0] = false;  // what node 0 applied is remembered
  w.nodes[1].applied = 2;
  EXPECT_TRUE(inv.check(w));
}

TEST(RaftKv, CorrectPasses10000SeedsOfTheDemoFaultsAtEveryCampaignSize) {
  const ProtocolEntry& e = raft_entry();
  const SimConfig demo = e.under_demo_faults(0);
  ASSERT_GE(demo.faults.crash, 1u);
  ASSERT_GE(demo.faults.partition, 1u);
  ASSERT_GT(demo.link.loss, 0.0);
  ASSERT_GT(demo.link.dup, 0.0);
  std::vector<SimConfig> configs;
  for (const std::uint32_t nodes : e.info.campaign_nodes) {
    SimConfig config = demo;
    config.nodes = nodes;
    configs.push_back(config);
  }
  const CampaignResult r = run_campaign(e.make, configs, {.master_seed = master_seed, .runs = passing_seeds(10'000), .jobs = 2});
  EXPECT_EQ(r.runs_done, passing_seeds(10'000));
  EXPECT_TRUE(r.failures.empty()) << raft_failure_text(r);
}

TEST(RaftKv, CorrectPassesItsDefaultCampaign) {
  const ProtocolEntry& e = raft_entry();
  const CampaignResult r = run_campaign(e.make, e.campaign_configs(0), {.master_seed = master_seed, .runs = passing_seeds(2'000), .jobs = 2});
  EXPECT_TRUE(r.failures.empty()) << raft_failure_text(r);
}

class RaftKvPlantedBug : public ::testing::TestWithParam<const char*> {};

// What `corridor demo` runs for the bug: its demo campaign, up to 2,000 seeds. The first failure
// names the one invariant the registration says; it shrinks, and the shrunk run replays from its
// plan and choice log alone to that invariant.
TEST_P(RaftKvPlantedBug, FoundWithin2000SeedsOfItsDemoCampaignByItsInvariantAndShrinks) {
  const ProtocolEntry& e = raft_entry();
  const auto v = static_cast<std::uint32_t>(e.variant_index(GetParam()));
  const std::vector<SimConfig> configs = e.demo_campaign(v);
  const CampaignResult r = run_campaign(e.make, configs, {.master_seed = master_seed, .runs = 2000, .jobs = 2});
  ASSERT_FALSE(r.failures.empty()) << "not found in 2000 seeds";
  const SeedFailure& f = r.failures.front();
  EXPECT_EQ(f.outcome.violation->invariant, e.info.variants[v].finds) << raft_failure_text(r);

  const SimConfig& config = configs[f.index % configs.size()];
  auto sim = e.make();
  const RunOutcome out = run_once(*sim, config, f.outcome.seed);
  ASSERT_TRUE(out.violation);
  const FailingRun failing{config, f.outcome.seed, sim->fault_plan(), sim->choices()};
  // A sanitizer build replays 23-58x slower (tests/build_budget.hpp): fewer replays, the same checks.
  const ShrinkResult s = shrink(*sim, failing, {.replays_max = sanitized_build ? 2'000u : 20'000u, .seconds_max = 120});
  EXPECT_EQ(s.violation.invariant, out.violation->invariant);
  EXPECT_LT(s.after.events, s.before.events) << describe(s);
  const RunOutcome again = run_once(*sim, s.shrunk.config, 0, {.plan = &s.shrunk.plan, .replay = &s.shrunk.choices});
  ASSERT_TRUE(again.violation);
  EXPECT_EQ(again.violation->invariant, e.info.variants[v].finds);
  EXPECT_EQ(again.replay_divergences, 0u);
  std::printf("[ raft-kv  ] %s: run %llu, %s; shrunk %s\n", GetParam(), static_cast<unsigned long long>(f.index),
              out.violation->invariant.c_str(), describe(s).c_str());
}

INSTANTIATE_TEST_SUITE_P(EveryPlantedBug, RaftKvPlantedBug,
                         ::testing::Values("vote-not-persisted", "truncate-on-stale-append", "read-from-deposed-leader"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"

#include <gtest/gtest.h>

#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& paxos() { return protocol("multi-paxos-kv"); }

std::string failure_text(const Sweep& s) {
  return s.first_failure ? fmt::format("seed {:#x}: {}", s.first_failure->seed, s.first_failure->violation->message) : "";
}
}  // namespace

TEST(MultiPaxosKv, RegistryEntryIsComplete) {
  const ProtocolInfo& info = paxos().info;
  ASSERT_EQ(info.variants.size(), 6u);
  EXPECT_EQ(info.variants[0].name, "correct");
  for (std::size_t v = 1; v < info.variants.size(); ++v) EXPECT_TRUE(info.variants[v].planted_bug);
  EXPECT_EQ(info.invariants,
            (std::vector<std::string>{"promise-covers-accepted", "accept-keeps-promise", "exactly-once", "log-agreement", "leader-stability",
                                      "progress-bound", "linearizable"}));
}

// Churn under a healthy leader is a liveness violation that names the node that stood and the
// leader, and lists the elections since the last fault healed.
TEST(MultiPaxosKv, ElectionTimerNotResetBreaksLeaderStability) {
  const Sweep s = sweep(paxos(), config_for(paxos(), "election-timer-not-reset"), 100);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  const Violation& v = *s.first_failure->violation;
  EXPECT_EQ(v.invariant, "leader-stability") << v.message;
  EXPECT_EQ(v.verdict, Verdict::liveness);
  ASSERT_EQ(v.nodes.size(), 2u);
  EXPECT_NE(v.message.find("elections since the last fault healed: node"), std::string::npos) << v.message;
}

TEST(MultiPaxosKv, CorrectPassesFiveHundredSeedsOfItsFaultModel) {
  const Sweep s = sweep(paxos(), config_for(paxos(), "correct"), 500);
  ASSERT_FALSE(s.first_failure) << failure_text(s);
}

TEST(MultiPaxosKv, CorrectPassesTheDemoFaultsWithFiveNodes) {
  SimConfig config = config_for(paxos(), "correct", true);
  config.nodes = 5;
  const Sweep s = sweep(paxos(), config, 200);
  ASSERT_FALSE(s.first_failure) << failure_text(s);
}

// A partition that leaves the old leader (the node that won the first election) with a minority.
TEST(MultiPaxosKv, CorrectSurvivesAMinorityWithTheOldLeader) {
  SimConfig config = config_for(paxos(), "correct");
  config.faults = {};
  std::unique_ptr<Simulation> sim = paxos().make();
  for (NodeId leader = 0; leader < 3; ++leader) {
    std::string others;
    for (NodeId n = 0; n < 3; ++n) others += n == leader ? "" : fmt::format("{}n{}", others.empty() ? "" : ",", n);
    config.plan_text = fmt::format("600ms partition n{} | {} for 800ms", leader, others);
    for (std::uint64_t i = 0; i < 30; ++i) {
      const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i));
      ASSERT_FALSE(out.violation) << *config.plan_text << ": " << out.violation->message;
    }
  }
}

TEST(MultiPaxosKv, EveryClientOperationCompletesAndLogsGetTruncated) {
  const SimConfig config = config_for(paxos(), "correct");
  std::unique_ptr<Simulation> sim = paxos().make();
  for (std::uint64_t i = 0; i < 20; ++i) {
    ASSERT_FALSE(run_once(*sim, config, derive_seed(master_seed, i)).violation);
    const auto& engine = dynamic_cast<SimulationOf<protocols::MultiPaxosKv>&>(*sim).engine();
    std::size_t completed = 0;
    for (const HistoryEvent& h : sim->history()) completed += h.type != OpType::invoke;
    EXPECT_EQ(completed, std::size_t{protocols::MultiPaxosKv::clients} * protocols::MultiPaxosKv::ops_per_client);
    for (NodeId n = 0; n < config.nodes; ++n) EXPECT_GT(engine.durable(n).snapshot.slot, 0u) << "node " << n;
  }
}

TEST(MultiPaxosKv, EachPlantedBugIsFoundWithinItsBudget) {
  const std::vector<std::pair<const char*, std::uint64_t>> budgets = {
      {"reply-before-majority", 100}, {"no-dedup", 100}, {"accept-below-promise", 400}, {"skip-recovery", 100},
      {"election-timer-not-reset", 100}};
  for (const auto& [variant, budget] : budgets) {
    const Sweep s = sweep(paxos(), config_for(paxos(), variant, true), budget);
    ASSERT_TRUE(s.first_failure) << variant << " not found in " << s.runs << " seeds";
    EXPECT_TRUE(is_expected(expected_invariant(paxos(), variant), s.first_failure->violation->invariant))
        << variant << ": " << s.first_failure->violation->invariant << ": " << s.first_failure->violation->message;
  }
}

// PCT and the untimed random walk through the seed runner: they find planted bugs within a
// budget of seeds, every pick is in the choice log, and a failing run replays from it exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "explorers/pct.hpp"
#include "explorers/seed_runner.hpp"
#include "protocols/registry.hpp"

namespace corridor {
namespace {

SimConfig untimed(const ProtocolEntry& entry, const char* variant, ExplorerKind explorer, std::uint32_t depth) {
  SimConfig config = entry.default_config(static_cast<std::uint32_t>(entry.variant_index(variant)));
  config.explorer = explorer;
  config.pct_depth = depth;
  config.pct_steps = 200;
  return config;
}

// Finds the planted bug within `seeds` seeds, then replays the failing run from its choice log.
void expect_found_and_replayed(const char* protocol, const char* variant, ExplorerKind explorer, std::uint32_t depth,
                               std::uint64_t seeds) {
  SCOPED_TRACE(std::string(protocol) + " / " + variant);
  const ProtocolEntry* entry = find_protocol(protocol);
  ASSERT_NE(entry, nullptr);
  const SimConfig config = untimed(*entry, variant, explorer, depth);
  const CampaignResult r = run_campaign(entry->make, config, {.master_seed = 11, .runs = seeds, .jobs = 1});
  ASSERT_EQ(r.failures.size(), 1u) << "not found in " << seeds << " seeds";
  const RunOutcome& found = r.failures[0].outcome;
  EXPECT_EQ(found.verdict, Verdict::safety);
  ASSERT_TRUE(found.violation);
  // The invariant the registration says this planted bug breaks.
  EXPECT_EQ(found.violation->invariant, entry->info.variants.at(static_cast<std::size_t>(entry->variant_index(variant))).finds);

  auto sim = entry->make();
  const RunOutcome first = run_once(*sim, config, found.seed, {.record = true});
  const auto records = sim->records();
  const ChoiceLog log = sim->choices();
  const FaultPlan plan = sim->fault_plan();
  bool picks = false;
  for (const Choice& c : log.entries()) picks = picks || c.kind == ChoiceKind::pick;
  EXPECT_TRUE(picks);
  auto again = entry->make();
  const RunOutcome replayed = run_once(*again, config, 0, {.record = true, .plan = &plan, .replay = &log});
  EXPECT_EQ(replayed.replay_divergences, 0u);
  ASSERT_TRUE(replayed.violation && first.violation);
  EXPECT_EQ(replayed.violation->invariant, first.violation->invariant);
  EXPECT_EQ(replayed.steps, first.steps);
  EXPECT_EQ(again->records(), records);
}

TEST(WorldPct, FindsTheActorTwoPhaseCommitBugAndReplays) {
  expect_found_and_replayed("two-phase-commit-actors", "commit-early", ExplorerKind::pct, 2, 200);
}

TEST(WorldPct, FindsTheCausalBroadcastBugAndReplays) {
  expect_found_and_replayed("causal-broadcast", "fifo-only", ExplorerKind::pct, 2, 300);
}

TEST(WorldWalk, FindsTheCausalBroadcastBugAndReplays) {
  expect_found_and_replayed("causal-broadcast", "fifo-only", ExplorerKind::walk, 1, 300);
}

TEST(WorldPct, CorrectVariantsHoldUnderPct) {
  for (const char* protocol : {"two-phase-commit-actors", "causal-broadcast"}) {
    const ProtocolEntry* entry = find_protocol(protocol);
    ASSERT_NE(entry, nullptr);
    const CampaignResult r = run_campaign(entry->make, untimed(*entry, "correct", ExplorerKind::pct, 3),
                                          {.master_seed = 5, .runs = 300, .jobs = 1});
    EXPECT_EQ(r.failures_total, 0u) << protocol;
  }
}

TEST(WorldPct, Guarantee) {
  const PctBound b = pct_bound(7, 1000, 3);
  EXPECT_DOUBLE_EQ(b.probability, 1.0 / (7.0 * 1000.0 * 1000.0));
  EXPECT_DOUBLE_EQ(pct_bound(4, 50, 1).probability, 0.25);
  EXPECT_NE(describe_pct_bound(b, 6).find("1/(n*k^(d-1)) = 1.43e-07"), std::string::npos);
}

}  // namespace
}  // namespace corridor

// Default campaigns (issue 16, item 4), over every registered protocol of the simulated world:
// the sizes and clocks a registration declares are what its campaign spreads seeds over; a
// protocol that supports 5 nodes runs 5 and its smallest size by default; one that reads its
// clocks is skewed and jumped forward and backward by default; every correct variant passes its
// default campaign and the demo's; the seed runner runs run i under configs[i % size].
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "explorers/seed_runner.hpp"
#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {

std::set<std::uint32_t> sizes_of(const std::vector<SimConfig>& configs) {
  std::set<std::uint32_t> sizes;
  for (const SimConfig& c : configs) sizes.insert(c.nodes);
  return sizes;
}

std::uint64_t runnable_protocols() {
  std::uint64_t n = 0;
  for (const ProtocolEntry& e : protocol_registry()) n += e.make ? 1 : 0;
  return n;
}

}  // namespace

TEST(Campaign, EveryProtocolThatSupportsFiveNodesRunsFiveAndItsSmallestSizeByDefault) {
  std::size_t with_five = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.make) continue;
    const std::set<std::uint32_t> sizes = sizes_of(e.campaign_configs(0));
    EXPECT_TRUE(sizes.contains(e.info.min_nodes)) << e.info.name << " does not run its smallest size, " << e.info.min_nodes;
    EXPECT_TRUE(sizes.contains(e.info.default_nodes)) << e.info.name << " does not run its default size";
    if (e.info.min_nodes <= 5 && e.info.max_nodes >= 5) {
      ++with_five;
      EXPECT_TRUE(sizes.contains(5)) << e.info.name << " supports 5 nodes but its default campaign does not run them";
    }
    for (const std::uint32_t n : sizes) EXPECT_TRUE(n >= e.info.min_nodes && n <= e.info.max_nodes) << e.info.name;
  }
  EXPECT_GE(with_five, 9u);  // all but the two ping-pongs
}

TEST(Campaign, EveryProtocolThatReadsClocksIsSkewedAndJumpedForwardAndBackwardByDefault) {
  std::size_t readers = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.make || !e.info.reads_clocks) continue;
    ++readers;
    bool skew = false;
    bool forward = false;
    bool backward = false;
    for (const SimConfig& c : e.campaign_configs(0)) {
      skew = skew || c.clock.skew_ns > 0;
      forward = forward || (c.clock.jumps > 0 && c.clock.jump_ns > 0);
      backward = backward || (c.clock.jumps > 0 && c.clock.jump_ns < 0);
    }
    EXPECT_TRUE(skew && forward && backward) << e.info.name << " reads clocks: skew " << skew << ", forward jumps "
                                             << forward << ", backward jumps " << backward;
  }
  // Those that call ctx.now(), ctx.monotonic() or co::now(): multi-paxos-kv and its coroutine
  // twin, leader-lease, heartbeat-register.
  EXPECT_GE(readers, 4u);
}

// A campaign is every size with every clock, each from the protocol's fault model, so that what
// the registration declares once is what runs.
TEST(Campaign, TheDefaultCampaignIsEverySizeWithEveryClockOfTheRegistration) {
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.make) continue;
    const std::vector<SimConfig> configs = e.campaign_configs(0);
    const std::size_t sizes = std::max<std::size_t>(e.info.campaign_nodes.size(), 1);
    const std::size_t clocks = std::max<std::size_t>(e.info.campaign_clocks.size(), 1);
    ASSERT_EQ(configs.size(), sizes * clocks) << e.info.name;
    for (const SimConfig& c : configs) {
      EXPECT_EQ(c.faults, e.default_config(0).faults) << e.info.name;
      EXPECT_EQ(c.link, e.default_config(0).link) << e.info.name;
    }
  }
}

TEST(Campaign, EveryCorrectVariantPassesItsDefaultCampaignAndTheDemos) {
  // Every (size, clock) pair gets passing_seeds(600) / pairs runs at least 40 each.
  constexpr std::uint64_t seeds = passing_seeds(600);
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.make) continue;
    for (const bool demo : {false, true}) {
      std::vector<SimConfig> configs = demo ? e.demo_campaign(0) : e.campaign_configs(0);
      if (demo) {
        // The demo of each planted bug, run by the correct variant.
        for (std::uint32_t v = 1; v < e.info.variants.size(); ++v) {
          for (SimConfig c : e.demo_campaign(v)) {
            c.variant = 0;
            configs.push_back(c);
          }
        }
      }
      const CampaignResult r = run_campaign(e.make, configs, {.master_seed = master_seed, .runs = seeds, .jobs = 2});
      EXPECT_EQ(r.runs_done, seeds) << e.info.name;
      if (!r.failures.empty()) {
        const SeedFailure& f = r.failures.front();
        const SimConfig& c = config_of_run(configs, f.index);
        ADD_FAILURE() << e.info.name << "/correct" << (demo ? " under the demo" : "") << " at " << c.nodes
                      << " nodes, clock '" << c.clock_text << "', seed " << f.outcome.seed << ": "
                      << f.outcome.violation->invariant << ": " << f.outcome.violation->message;
      }
    }
  }
  EXPECT_GE(runnable_protocols(), 12u);
}

// Every planted bug is still found, under its demo campaign, within the demo's budget of 2,000
// seeds: spreading seeds over sizes and clocks must not hide what one size found.
TEST(Campaign, EveryPlantedBugIsFoundUnderItsDemoCampaign) {
  int bugs = 0;
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.make) continue;
    for (std::uint32_t v = 1; v < e.info.variants.size(); ++v) {
      ++bugs;
      const CampaignResult r =
          run_campaign(e.make, e.demo_campaign(v), {.master_seed = master_seed, .runs = 2000, .jobs = 2});
      ASSERT_FALSE(r.failures.empty()) << e.info.name << "/" << e.info.variants[v].name << " not found in 2000 seeds";
      EXPECT_TRUE(is_expected(e.info.variants[v].finds, r.failures.front().outcome.violation->invariant))
          << e.info.name << "/" << e.info.variants[v].name << ": " << r.failures.front().outcome.violation->invariant;
    }
  }
  EXPECT_GE(bugs, 20);
}

// Run i runs configs[i % size], whatever the number of threads.
TEST(Campaign, TheSeedRunnerRunsRunIUnderConfigIModuloTheirNumber) {
  const ProtocolEntry& e = protocol("token-ring");
  std::vector<SimConfig> configs = e.campaign_configs(0);
  ASSERT_GE(configs.size(), 3u);
  std::mutex mutex;
  std::vector<std::uint32_t> nodes_of_run(30, 0);
  const RunHook record = [&](std::uint64_t index, const Simulation& sim, const RunOutcome&) {
    std::lock_guard lock(mutex);
    nodes_of_run.at(index) = sim.node_count();
  };
  const CampaignResult r = run_campaign(e.make, configs, {.master_seed = 1, .runs = 30, .jobs = 2}, {}, record);
  EXPECT_EQ(r.runs_done, 30u);
  for (std::uint64_t i = 0; i < nodes_of_run.size(); ++i) {
    EXPECT_EQ(nodes_of_run[i], config_of_run(configs, i).nodes) << "run " << i;
    EXPECT_EQ(config_of_run(configs, i).nodes, configs[i % configs.size()].nodes);
  }
}

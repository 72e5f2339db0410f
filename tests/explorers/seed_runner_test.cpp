#include <gtest/gtest.h>

#include "explorers/seed_runner.hpp"
#include "model/simulation.hpp"

using namespace corridor;

namespace {

// Fails on seeds whose low bits say so: lets the runner's ordering be tested exactly.
struct Flaky {
  struct Tick {};
  using Message = std::variant<Tick>;
  using Ctx = Context<Message>;
  struct Node {
    std::uint64_t draws = 0;
    void on_start(Ctx& ctx) { ctx.set_timer(ms(1), 0); }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx& ctx, std::uint64_t) {
      draws = ctx.random(1000);
      if (ctx.now() < ms(20)) ctx.set_timer(ms(1), 0);
    }
  };
};

SimulationFactory flaky_factory() {
  return [] {
    return std::make_unique<SimulationOf<Flaky>>(SimulationSpec<Flaky>{
        .layout = [](const SimConfig&) { return Engine<Flaky>::Layout{1, 0}; },
        .targets = [](const SimConfig&) { return FaultTargets{{}, 0}; },
        .install = [](Engine<Flaky>& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
          e.add_state_invariant({"draw-below-990", [](const Engine<Flaky>& engine) -> std::optional<Violation> {
                                   if (engine.node(0).draws < 990) return std::nullopt;
                                   return Violation{"", Verdict::safety, 0, 0, {0}, {}, "drew 990 or more"};
                                 }});
        },
    });
  };
}

}  // namespace

TEST(SeedRunner, FirstFailureIsTheSameForAnyNumberOfJobs) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  CampaignConfig campaign{.master_seed = 1234, .runs = 2000};
  std::optional<std::uint64_t> first_index;
  for (unsigned jobs : {1u, 2u, 4u, 7u}) {
    campaign.jobs = jobs;
    const CampaignResult r = run_campaign(flaky_factory(), config, campaign);
    ASSERT_EQ(r.failures.size(), 1u) << "jobs " << jobs;
    if (!first_index) first_index = r.failures[0].index;
    EXPECT_EQ(r.failures[0].index, *first_index) << "jobs " << jobs;
    EXPECT_EQ(r.failures[0].outcome.seed, derive_seed(1234, *first_index));
    EXPECT_GE(r.runs_done, *first_index + 1);
  }
}

TEST(SeedRunner, KeepGoingRunsEverySeedAndKeepsFailuresInSeedOrder) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  CampaignConfig campaign{.master_seed = 99, .runs = 500, .jobs = 3, .keep_going = true};
  const CampaignResult r = run_campaign(flaky_factory(), config, campaign);
  EXPECT_EQ(r.runs_done, 500u);
  EXPECT_GT(r.failures.size(), 5u);
  EXPECT_EQ(r.failures.size(), r.failures_total);
  for (std::size_t i = 1; i < r.failures.size(); ++i) EXPECT_LT(r.failures[i - 1].index, r.failures[i].index);
  // The same failures whatever the thread count.
  campaign.jobs = 1;
  const CampaignResult single = run_campaign(flaky_factory(), config, campaign);
  ASSERT_EQ(single.failures.size(), r.failures.size());
  for (std::size_t i = 0; i < r.failures.size(); ++i) EXPECT_EQ(single.failures[i].index, r.failures[i].index);
}

TEST(SeedRunner, StepBudgetMeansHung) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  config.max_steps = 5;
  auto sim = flaky_factory()();
  const RunOutcome out = run_once(*sim, config, 1);
  EXPECT_EQ(out.verdict, Verdict::hung);
  EXPECT_EQ(out.violation->invariant, "step-budget");
}

TEST(SeedRunner, DeterminismCheckPassesOnADeterministicProtocol) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  auto sim = flaky_factory()();
  EXPECT_FALSE(check_determinism(*sim, config, 5));
}

// Stopping at the first failure, the counts are those of the runs up to it: the same with any
// number of threads, however far the other threads had got.
TEST(SeedRunner, CountsUpToTheFirstFailureAreTheSameForAnyNumberOfJobs) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  CampaignConfig campaign{.master_seed = 1234, .runs = 2000, .jobs = 1};
  const CampaignResult single = run_campaign(flaky_factory(), config, campaign);
  ASSERT_EQ(single.failures.size(), 1u);
  EXPECT_EQ(single.runs_done, single.failures[0].index + 1);
  EXPECT_EQ(single.failures_total, 1u);
  EXPECT_GT(single.events, 0u);
  for (unsigned jobs : {2u, 4u, 7u}) {
    campaign.jobs = jobs;
    const CampaignResult r = run_campaign(flaky_factory(), config, campaign);
    EXPECT_EQ(r.runs_done, single.runs_done) << "jobs " << jobs;
    EXPECT_EQ(r.failures_total, 1u) << "jobs " << jobs;
    EXPECT_EQ(r.events, single.events) << "jobs " << jobs;
  }
}

// A campaign cut into index ranges: each range's runs are those of the whole campaign (the same
// seeds), and the ranges' counts add up to the whole's.
TEST(SeedRunner, IndexRangesAddUpToTheWholeCampaign) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  CampaignConfig whole{.master_seed = 99, .runs = 300, .jobs = 3, .keep_going = true};
  const CampaignResult all = run_campaign(flaky_factory(), config, whole);
  std::uint64_t events = 0;
  std::uint64_t failures = 0;
  std::vector<std::uint64_t> indexes;
  for (std::uint64_t first : {0u, 100u, 200u}) {
    CampaignConfig part = whole;
    part.index_first = first;
    part.runs = 100;
    const CampaignResult r = run_campaign(flaky_factory(), config, part);
    EXPECT_EQ(r.runs_done, 100u);
    events += r.events;
    failures += r.failures_total;
    for (const SeedFailure& f : r.failures) {
      EXPECT_GE(f.index, first);
      EXPECT_LT(f.index, first + 100);
      EXPECT_EQ(f.outcome.seed, derive_seed(99, f.index));
      indexes.push_back(f.index);
    }
  }
  EXPECT_EQ(events, all.events);
  EXPECT_EQ(failures, all.failures_total);
  ASSERT_EQ(indexes.size(), all.failures.size());
  for (std::size_t i = 0; i < indexes.size(); ++i) EXPECT_EQ(indexes[i], all.failures[i].index);
}

// With keep_going and more failures than are kept, the kept ones are the lowest, whichever
// thread found them first.
TEST(SeedRunner, KeepGoingKeepsTheLowestFailures) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(30);
  CampaignConfig campaign{.master_seed = 99, .runs = 500, .jobs = 1, .keep_going = true};
  const CampaignResult all = run_campaign(flaky_factory(), config, campaign);
  ASSERT_GT(all.failures.size(), 6u);
  campaign.failures_kept_max = 3;
  campaign.jobs = 4;
  const CampaignResult kept = run_campaign(flaky_factory(), config, campaign);
  EXPECT_EQ(kept.failures_total, all.failures_total);
  ASSERT_EQ(kept.failures.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(kept.failures[i].index, all.failures[i].index);
}

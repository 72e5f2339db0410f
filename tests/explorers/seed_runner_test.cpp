#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "explorers/seed_runner.hpp"
#include "model/simulation.hpp"

using namespace corridor;

namespace {

// Fails on seeds whose low bits say so: lets the runner's ordering be tested exactly.
struct Flaky {
  struct Tick {};
  using Message = std::variant<Tick>;
  enum class Timer { draw };
  using Ctx = Context<Flaky>;
  struct Node {
    std::uint64_t draws = 0;
    void on_start(Ctx& ctx) { ctx.set_timer(Timer::draw, ms(1)); }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx& ctx, const Timer&) {
      draws = ctx.random(1000);
      if (ctx.now() < ms(20)) ctx.set_timer(Timer::draw, ms(1));
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
                                   return Violation{.invariant = "", .nodes = {0}, .message = "drew 990 or more"};
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

// The crash handler (cli/main.cpp) names the seeds in flight from in_flight_seed: every worker's
// seed must be there, up to the most threads run_campaign starts.
TEST(SeedRunner, EveryWorkerOfTheMostThreadsShowsItsSeedInFlight) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(2);
  const std::uint64_t runs = 2048;
  CampaignConfig campaign{.master_seed = 5, .runs = runs, .jobs = 1024, .keep_going = true};
  std::atomic<std::uint64_t> visible{0};
  const CampaignResult r = run_campaign(flaky_factory(), config, campaign, {},
                                        [&](std::uint64_t index, const Simulation&, const RunOutcome&) {
                                          const std::uint64_t seed = seed_of_run(campaign, index);
                                          for (std::size_t slot = 0; slot < in_flight_slots; ++slot) {
                                            if (in_flight_seed(slot) == seed) {
                                              visible.fetch_add(1);
                                              break;
                                            }
                                          }
                                          // So that the threads started last get runs too.
                                          std::this_thread::sleep_for(std::chrono::milliseconds(1));
                                        });
  EXPECT_EQ(r.jobs, 1024u);
  EXPECT_EQ(r.runs_done, runs);
  EXPECT_EQ(visible.load(), runs);
}

// Seed 0 is a seed like any other (--seed 0), not the mark of an idle worker.
TEST(SeedRunner, SeedZeroShowsInFlightAndIdleWorkersShowNone) {
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = ms(2);
  CampaignConfig campaign{.only_seed = 0, .jobs = 1};
  std::size_t showing_zero = 0;
  run_campaign(flaky_factory(), config, campaign, {}, [&](std::uint64_t, const Simulation&, const RunOutcome&) {
    for (std::size_t slot = 0; slot < in_flight_slots; ++slot) {
      if (in_flight_seed(slot) == std::optional<std::uint64_t>(0)) ++showing_zero;
    }
  });
  EXPECT_EQ(showing_zero, 1u);
}

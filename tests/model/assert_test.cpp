// CORRIDOR_ASSERT stays on in every build type: a failure prints the condition, file:line, and the
// seed and step of the run in flight, then exits 3 (DESIGN.md: "code crashed").
#include <gtest/gtest.h>

#include "explorers/seed_runner.hpp"
#include "model/assert.hpp"
#include "model/prng.hpp"
#include "model/simulation.hpp"
#include "protocols/ping_pong/ping_pong.hpp"

using namespace corridor;

namespace {

// Death tests fork a process that then starts threads (the seed runner): re-execute instead.
class AssertDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(AssertDeathTest, FailurePrintsConditionPlaceSeedAndStepThenExits3) {
  const std::uint64_t step = 42;
  auto fail = [&] {
    const RunInFlightScope in_flight(0xabc, &step);
    const int one = 1;
    CORRIDOR_ASSERT(one + 1 == 3);
  };
  EXPECT_EXIT(fail(), ::testing::ExitedWithCode(3),
              "internal assertion failed: one \\+ 1 == 3.*assert_test\\.cpp:[0-9]+.*"
              "in the run of seed 0x0000000000000abc at step 42");
}

TEST_F(AssertDeathTest, WithoutARunInFlightItSaysNoSeed) {
  auto fail = [] { CORRIDOR_ASSERT_MSG(false, "a fixed sentence"); };
  EXPECT_EXIT(fail(), ::testing::ExitedWithCode(3), "internal assertion failed: false \\(a fixed sentence\\)");
}

// An observer that trips an assertion at one step of a run: everything between the seed runner
// and the engine is wired, so the message names the campaign's seed and the engine's step.
class TripAtStep final : public RunObserver {
 public:
  explicit TripAtStep(std::uint64_t step) : step_(step) {}
  void on_event(const EventView& event) override { CORRIDOR_ASSERT_MSG(event.step < step_, "tripped on purpose"); }
  const std::optional<Violation>* violation() const override { return nullptr; }

 private:
  std::uint64_t step_;
};

SimulationFactory ping_pong_tripping_at(std::uint64_t step) {
  using protocols::PingPong;
  return [step] {
    return std::make_unique<SimulationOf<PingPong>>(SimulationSpec<PingPong>{
        .layout = [](const SimConfig&) { return Engine<PingPong>::Layout{2, 0}; },
        .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
        .install = [step](Engine<PingPong>&, std::vector<std::unique_ptr<RunObserver>>& observers,
                          const SimConfig&) { observers.push_back(std::make_unique<TripAtStep>(step)); },
    });
  };
}

TEST_F(AssertDeathTest, InACampaignItNamesTheSeedOfTheRunAndTheEngineStep) {
  SimConfig config;
  config.nodes = 2;
  config.time_limit_ns = seconds(1);
  const CampaignConfig campaign{.master_seed = 77, .runs = 1, .jobs = 1};
  const std::string seed = fmt::format("{:#018x}", derive_seed(77, 0));
  EXPECT_EXIT(run_campaign(ping_pong_tripping_at(9), config, campaign), ::testing::ExitedWithCode(3),
              "internal assertion failed: event.step < step_ \\(tripped on purpose\\).*assert_test\\.cpp:[0-9]+.*"
              "in the run of seed " + seed + " at step 9");
}

// Between runs no seed is claimed: the scope of a run ends with it.
TEST(Assert, RunInFlightEndsWithTheRun) {
  SimConfig config;
  config.nodes = 2;
  config.time_limit_ns = ms(10);
  auto sim = ping_pong_tripping_at(UINT64_MAX)();
  EXPECT_FALSE(run_in_flight().active);
  run_once(*sim, config, 5);
  EXPECT_FALSE(run_in_flight().active);
  EXPECT_EQ(run_in_flight().step, nullptr);
}

}  // namespace

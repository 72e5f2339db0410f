#include "protocols/leader_lease/leader_lease.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& lease() { return protocol("leader-lease"); }
}  // namespace

TEST(LeaderLease, RegistryEntryIsComplete) {
  const ProtocolInfo& info = lease().info;
  ASSERT_EQ(info.variants.size(), 4u);
  EXPECT_EQ(info.variants[0].name, "correct");
  EXPECT_FALSE(info.variants[0].planted_bug);
  EXPECT_EQ(info.variants[1].name, "no-drift-margin");
  EXPECT_EQ(info.variants[2].name, "no-fencing");
  EXPECT_EQ(info.variants[3].name, "heartbeat-not-rearmed");
  EXPECT_TRUE(info.variants[1].planted_bug && info.variants[2].planted_bug && info.variants[3].planted_bug);
  EXPECT_EQ(info.invariants, (std::vector<std::string>{"unique-leader", "unique-lease-holder", "fencing-monotonic",
                                                       "leader-stability", "progress-bound"}));
  EXPECT_FALSE(info.default_faults.empty() || info.default_clock.empty() || info.demo_faults.empty() ||
               info.demo_clock.empty());
  const SimConfig config = lease().default_config(0);
  EXPECT_EQ(config.clock.drift_ppm, protocols::LeaderLease::drift_assumed_ppm);  // the fault model is the assumption
  EXPECT_EQ(config.time_limit_ns, seconds(10));
}

// The margin is exactly what the proof in leader_lease.hpp asks for, and no more than 2D of a lease.
TEST(LeaderLease, MarginCoversTheAssumedDrift) {
  using LL = protocols::LeaderLease;
  const double d = static_cast<double>(LL::drift_assumed_ppm) / 1e6;
  EXPECT_GE(static_cast<double>(LL::margin_ns), static_cast<double>(LL::lease_ns) * 2 * d / (1 + d));
  EXPECT_EQ(LL::margin_ns, ms(50));
}

// 1,000 seeds; 200 in a sanitizer build (tests/build_budget.hpp).
TEST(LeaderLease, CorrectPassesManySeedsOfItsFaultModel) {
  constexpr std::uint64_t seeds = test_support::passing_seeds(1000);
  const Sweep s = sweep(lease(), config_for(lease(), "correct"), seeds);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
  EXPECT_EQ(s.runs, seeds);
}

TEST(LeaderLease, CorrectPassesTheDemoFaultsToo) {
  const Sweep s = sweep(lease(), config_for(lease(), "correct", true), 300);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

// About 4% of seeds hit it (the leader's clock must be the slowest by enough, and a fault must
// isolate the leader), so the budget leaves a wide margin: missing it in 1,000 is about e^-40.
TEST(LeaderLease, NoDriftMarginIsFoundWithinAThousandSeeds) {
  const Sweep s = sweep(lease(), config_for(lease(), "no-drift-margin", true), 1000);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(lease(), "no-drift-margin"))
      << s.first_failure->violation->message;
  EXPECT_EQ(s.first_failure->verdict, Verdict::safety);
}

TEST(LeaderLease, NoFencingIsFoundWithinTwoHundredSeeds) {
  const Sweep s = sweep(lease(), config_for(lease(), "no-fencing", true), 200);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(lease(), "no-fencing")) << s.first_failure->violation->message;
}

// Elections under a healthy leader: the violation is a liveness one and lists the elections.
TEST(LeaderLease, HeartbeatNotRearmedBreaksLeaderStability) {
  const Sweep s = sweep(lease(), config_for(lease(), "heartbeat-not-rearmed", true), 50);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  const Violation& v = *s.first_failure->violation;
  EXPECT_EQ(v.invariant, "leader-stability");
  EXPECT_TRUE(is_expected(expected_invariant(lease(), "heartbeat-not-rearmed"), v.invariant)) << v.message;
  EXPECT_EQ(v.verdict, Verdict::liveness);
  ASSERT_EQ(v.nodes.size(), 2u);  // the node that stood, then the leader
  EXPECT_NE(v.message.find("elections since the last fault healed: node"), std::string::npos) << v.message;
}

// The same bug under the default faults too (no fault is needed for it, only time after the last).
TEST(LeaderLease, HeartbeatNotRearmedIsFoundUnderTheDefaultFaults) {
  const Sweep s = sweep(lease(), config_for(lease(), "heartbeat-not-rearmed"), 50);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, "leader-stability") << s.first_failure->violation->message;
}

// Stability is promised within the clock corridor only: beyond the assumed drift it is not checked.
TEST(LeaderLease, LeaderStabilityIsCheckedOnlyWithinTheAssumedDrift) {
  SimConfig within = config_for(lease(), "correct");
  SimConfig beyond = within;
  apply_clock_spec("drift=150000ppm", beyond);
  const auto names = [](const SimConfig& c) { return lease().make()->invariant_names(c); };
  const auto has = [](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), "leader-stability") != v.end();
  };
  EXPECT_TRUE(has(names(within)));
  EXPECT_FALSE(has(names(beyond)));
}

// Beyond the assumed drift the margin no longer suffices and the correct variant fails too: the
// unique-lease check is not vacuous, and the margin is not wildly larger than it needs to be.
TEST(LeaderLease, CorrectFailsWhenClocksDriftBeyondTheAssumption) {
  SimConfig config = config_for(lease(), "correct", true);
  apply_clock_spec("drift=150000ppm", config);
  const Sweep s = sweep(lease(), config, 1500);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, "unique-lease-holder");
}

TEST(LeaderLease, ARunIsDeterministic) {
  const SimConfig config = config_for(lease(), "correct");
  std::unique_ptr<Simulation> a = lease().make();
  std::unique_ptr<Simulation> b = lease().make();
  RunOptions options;
  options.record = true;
  const std::uint64_t seed = derive_seed(master_seed, 3);
  const RunOutcome first = run_once(*a, config, seed, options);
  const RunOutcome second = run_once(*b, config, seed, options);
  EXPECT_EQ(first.steps, second.steps);
  EXPECT_GT(a->records().size(), 1000u);
  EXPECT_TRUE(a->records() == b->records());
  EXPECT_TRUE(a->choices().entries() == b->choices().entries());
  EXPECT_EQ(a->history().size(), b->history().size());
  EXPECT_GT(a->history().size(), 100u);  // clients did work
}

// A found bug replays: the same seed finds the same violation at the same step.
TEST(LeaderLease, AViolationReplaysFromItsSeed) {
  const SimConfig config = config_for(lease(), "no-fencing", true);
  const Sweep s = sweep(lease(), config, 200);
  ASSERT_TRUE(s.first_failure);
  std::unique_ptr<Simulation> sim = lease().make();
  const RunOutcome again = run_once(*sim, config, s.first_failure->seed);
  ASSERT_TRUE(again.violation);
  EXPECT_EQ(*again.violation, *s.first_failure->violation);
}

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/chooser.hpp"
#include "model/fault_plan.hpp"
#include "model/verdict.hpp"

using namespace corridor;

TEST(FaultPlan, ParsesEveryKindAndFormatsBack) {
  const std::string text =
      "500ms crash n1\n1s crash n2 for 2s\n1s pause n0 for 300ms\n1s partition n0,n1 | n2 for 2s\n"
      "1s partition n0 -> n1,n2\n2s loss 0.5 for 200ms\n3s jump n1 -2s\n3s drift n1 150ppm\n4s heal";
  const FaultPlan plan = parse_fault_plan(text, 3, "plan");
  ASSERT_EQ(plan.size(), 9u);
  EXPECT_EQ(plan[0].kind, FaultKind::crash);
  EXPECT_EQ(plan[0].duration_ns, -1);
  EXPECT_FALSE(plan[4].both_ways);
  EXPECT_EQ(parse_fault_plan(format_fault_plan(plan), 3, "again"), plan);
  EXPECT_EQ(format_fault(plan[3]), "1s partition n0,n1 | n2 for 2s");
}

TEST(FaultPlan, SemicolonsAndCommentsWork) {
  EXPECT_EQ(parse_fault_plan("100ms crash n0 for 1s; 2s heal # done", 2, "x").size(), 2u);
}

TEST(FaultPlan, ErrorsNameTheLineAndWhatWasExpected) {
  try {
    parse_fault_plan("1s crash n0\n2s explode n1", 3, "plan.txt");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("plan.txt:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("explode"), std::string::npos);
  }
  EXPECT_THROW(parse_fault_plan("1s crash n7", 3, "p"), InputError);
  EXPECT_THROW(parse_fault_plan("1s partition n0 | n0", 3, "p"), InputError);
  EXPECT_THROW(parse_fault_plan("1s pause n0", 3, "p"), InputError);
  EXPECT_THROW(parse_fault_plan("soon crash n0", 3, "p"), InputError);
}

TEST(FaultPlan, GenerationIsDeterministicAndWithinTheWindow) {
  SimConfig config;
  config.time_limit_ns = seconds(10);
  apply_fault_spec("crash=2,partition=2,pause=1,loss-burst=1", config);
  apply_clock_spec("drift=100ppm,skew=5ms,jump=-1s", config);
  const FaultTargets targets{{0, 1, 2}, 3};
  const FaultPlan a = generate_fault_plan(config, targets, 5);
  EXPECT_EQ(a, generate_fault_plan(config, targets, 5));
  EXPECT_NE(a, generate_fault_plan(config, targets, 6));
  EXPECT_EQ(a.size(), 3u + 3u + 2u + 2u + 1u + 1u + 1u);
  EXPECT_LE(last_heal_ns(a), seconds(7));
  for (const FaultEvent& f : a) {
    for (NodeId n : f.nodes) EXPECT_LT(n, 3u);
  }
}

RC_GTEST_PROP(FaultPlan, GeneratedPlansRoundTripThroughText, (std::uint64_t seed)) {
  SimConfig config;
  apply_fault_spec("crash=3,crash-stop=1,partition=3,pause=2,loss-burst=1", config);
  apply_clock_spec("drift=300ppm,skew=2ms,jump=-2s,jumps=2,drift-changes=2", config);
  const FaultPlan plan = generate_fault_plan(config, {{0, 1, 2, 3, 4}, 5}, seed);
  RC_ASSERT(parse_fault_plan(format_fault_plan(plan), 5, "rt") == plan);
}

TEST(ChoiceLog, EncodesAndDecodes) {
  ChoiceLog log;
  log.push({ChoiceKind::delay, 1500000});
  log.push({ChoiceKind::loss, 0});
  log.push({ChoiceKind::random, 3});
  EXPECT_EQ(log.encode(), "d1500000 l0 r3");
  EXPECT_EQ(ChoiceLog::decode(log.encode()), log);
  EXPECT_THROW(ChoiceLog::decode("d15 x3"), std::invalid_argument);
  EXPECT_THROW(ChoiceLog::decode("d"), std::invalid_argument);
}

TEST(Chooser, ReplayReturnsTheLoggedDecisionsAndCountsDivergence) {
  Chooser a;
  a.start_random(11);
  const auto x = a.below(ChoiceKind::random, 100);
  const bool y = a.chance(ChoiceKind::loss, 0.5);
  const ChoiceLog log = a.log();
  Chooser b;
  b.start_replay(log);
  EXPECT_EQ(b.below(ChoiceKind::random, 100), x);
  EXPECT_EQ(b.chance(ChoiceKind::loss, 0.5), y);
  EXPECT_EQ(b.divergences(), 0u);
  EXPECT_EQ(b.below(ChoiceKind::random, 100), 0u);  // past the log: the default
  EXPECT_EQ(b.divergences(), 1u);
}

TEST(Chooser, AScheduledStepIsReadEvenWithOneChoiceAndEndsWithTheLog) {
  ChoiceLog log;
  log.push({ChoiceKind::pick, 0});
  log.push({ChoiceKind::delay, 7});
  log.push({ChoiceKind::pick, 2});
  log.push({ChoiceKind::at, 5'000'000});
  Chooser c;
  c.start_replay(log);
  const auto first = c.scheduled_step(1);
  ASSERT_TRUE(first) << "one enabled event still reads its pick";
  EXPECT_EQ(first->index, 0u);
  EXPECT_EQ(first->at_ns, 0u) << "no time after the pick: the step fires at its due time";
  EXPECT_EQ(c.replay_position(), 1u);
  EXPECT_EQ(c.value(ChoiceKind::delay, 1, [](std::uint64_t) { return 1u; }), 7u);
  const auto second = c.scheduled_step(3);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->index, 2u);
  EXPECT_EQ(second->at_ns, 5'000'000u) << "a delayed step's time follows its pick";
  EXPECT_FALSE(c.scheduled_step(3)) << "the end of the log is the end of the schedule";
  EXPECT_EQ(c.divergences(), 0u);
  EXPECT_EQ(c.log(), log) << "every pick and time is logged, so the log replays the schedule";
  EXPECT_EQ(ChoiceLog::decode(log.encode()), log) << "a5000000 reads back";
}

TEST(Chooser, AScheduledStepSkipsWhatIsNotAPickAndClampsOneOutOfRange) {
  ChoiceLog log;
  log.push({ChoiceKind::random, 4});
  log.push({ChoiceKind::pick, 5});
  Chooser c;
  c.start_replay(log);
  const auto step = c.scheduled_step(3);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->index, 0u);
  EXPECT_EQ(c.divergences(), 2u) << "the draw skipped and the pick out of range";
  Chooser fresh;
  fresh.start_random(1);
  EXPECT_FALSE(fresh.scheduled_step(3)) << "a schedule only replays";
}

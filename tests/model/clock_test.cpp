#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/clock.hpp"

using namespace corridor;

TEST(Clock, DriftArithmetic) {
  NodeClock fast(0, 1000);  // 1000 ppm: 1 ms per second fast
  EXPECT_EQ(fast.monotonic(seconds(1)), seconds(1) + ms(1));
  EXPECT_EQ(fast.wall(seconds(10)), seconds(10) + ms(10));
  NodeClock slow(ms(5), -500);
  EXPECT_EQ(slow.wall(seconds(2)), ms(5) + seconds(2) - ms(1));
  EXPECT_EQ(slow.monotonic(seconds(2)), seconds(2) - ms(1));
}

TEST(Clock, JumpMovesWallNotMonotonic) {
  NodeClock c(0, 0);
  c.jump(seconds(3), -seconds(2));
  EXPECT_EQ(c.wall(seconds(3)), seconds(1));
  EXPECT_EQ(c.monotonic(seconds(3)), seconds(3));
  EXPECT_EQ(c.wall(seconds(4)), seconds(2));
}

TEST(Clock, DriftChangeIsContinuous) {
  NodeClock c(0, 0);
  c.set_drift(seconds(1), 100'000);  // 10% fast from 1 s
  EXPECT_EQ(c.monotonic(seconds(1)), seconds(1));
  EXPECT_EQ(c.monotonic(seconds(2)), seconds(2) + ms(100));
}

TEST(Clock, TrueTimeAtMonotonicInvertsTheClock) {
  NodeClock c(0, -3333);
  const time_ns target = seconds(5) + 17;
  const time_ns t = c.true_time_at_monotonic(target);
  EXPECT_GE(c.monotonic(t), target);
  EXPECT_LT(c.monotonic(t - 1), target);
}

// monotonic() never decreases, whatever jumps and drift changes happen.
RC_GTEST_PROP(Clock, MonotonicNeverDecreases, ()) {
  NodeClock c(*rc::gen::inRange<time_ns>(0, seconds(1)), *rc::gen::inRange<std::int64_t>(-400'000, 400'000));
  time_ns t = 0;
  time_ns last = c.monotonic(0);
  const int changes = *rc::gen::inRange(1, 40);
  for (int i = 0; i < changes; ++i) {
    t += *rc::gen::inRange<time_ns>(0, seconds(2));
    switch (*rc::gen::inRange(0, 3)) {
      case 0: c.jump(t, *rc::gen::inRange<time_ns>(-seconds(10), seconds(10))); break;
      case 1: c.set_drift(t, *rc::gen::inRange<std::int64_t>(-400'000, 400'000)); break;
      default: break;
    }
    const time_ns now = c.monotonic(t);
    RC_ASSERT(now >= last);
    last = now;
  }
}

RC_GTEST_PROP(Clock, TimerInverseIsTight, ()) {
  NodeClock c(0, *rc::gen::inRange<std::int64_t>(-400'000, 400'000));
  const time_ns target = *rc::gen::inRange<time_ns>(0, seconds(1000));
  const time_ns t = c.true_time_at_monotonic(target);
  RC_ASSERT(c.monotonic(t) >= target);
  if (t > 0) RC_ASSERT(c.monotonic(t - 1) < target);
}

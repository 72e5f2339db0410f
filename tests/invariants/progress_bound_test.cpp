#include "invariants/progress_bound.hpp"

#include <gtest/gtest.h>

#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::ProgressBoundMonitor;
using test_support::EventStream;

namespace {
RunInfo run_info(time_ns last_heal_ns) { return RunInfo{3, 2, seconds(10), last_heal_ns}; }
}  // namespace

TEST(ProgressBound, QuietWhenOperationsCompleteInTime) {
  ProgressBoundMonitor monitor(seconds(3));
  EventStream s(monitor, run_info(0));
  s.history(0, OpType::invoke, ms(100));
  s.history(1, OpType::invoke, ms(200));
  s.history(1, OpType::info, ms(900));
  s.history(1, OpType::invoke, ms(1000));
  s.history(1, OpType::fail, ms(1200));
  s.history(0, OpType::ok, ms(3100));  // exactly at the bound
  s.tick(seconds(9));
  monitor.on_run_end(seconds(10));
  EXPECT_FALSE(s.violation());
}

TEST(ProgressBound, FiresAtTheFirstEventPastTheDeadline) {
  ProgressBoundMonitor monitor(seconds(3));
  EventStream s(monitor, run_info(0));
  s.history(0, OpType::invoke, ms(100));
  s.history(1, OpType::invoke, ms(500));
  s.tick(ms(3000));
  EXPECT_FALSE(s.violation());
  s.tick(ms(3101));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "progress-bound");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->true_ns, ms(3101));
  EXPECT_EQ(s.violation()->operations, (std::vector<std::uint64_t>{0}));
  EXPECT_NE(s.violation()->message.find("client 0's write invoked at 0.100000s"), std::string::npos)
      << s.violation()->message;
}

TEST(ProgressBound, TheClockStartsWhenTheLastFaultHeals) {
  ProgressBoundMonitor monitor(seconds(3));
  EventStream s(monitor, run_info(seconds(5)));
  s.history(0, OpType::invoke, seconds(1));
  s.tick(ms(7900));
  s.history(0, OpType::ok, ms(7990));
  EXPECT_FALSE(s.violation());
  s.history(0, OpType::invoke, seconds(8));
  s.tick(ms(11001));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->operations, (std::vector<std::uint64_t>{2}));
}

TEST(ProgressBound, OpenOperationsAtTheEndCountOnlyPastTheirDeadline) {
  {
    ProgressBoundMonitor monitor(seconds(3));
    EventStream s(monitor, run_info(seconds(2)));
    s.history(0, OpType::invoke, seconds(1));
    monitor.on_run_end(ms(5001));
    ASSERT_TRUE(s.violation());
    EXPECT_EQ(s.violation()->true_ns, ms(5001));
  }
  ProgressBoundMonitor monitor(seconds(3));
  EventStream s(monitor, run_info(seconds(2)));
  s.history(0, OpType::invoke, seconds(8));
  monitor.on_run_end(seconds(10));
  EXPECT_FALSE(s.violation());
}

TEST(ProgressBound, ChecksNothingWhenAFaultNeverHeals) {
  ProgressBoundMonitor monitor(seconds(3));
  EventStream s(monitor, run_info(time_ns_max));
  s.history(0, OpType::invoke, seconds(0));
  s.tick(seconds(9));
  monitor.on_run_end(seconds(10));
  EXPECT_FALSE(s.violation());
}

// The bounded liveness monitors over hand-made event streams: eventual delivery (broadcasts),
// completion (snapshots, transaction decisions) and receipt gaps (a ball or token kept moving).
// Each fires past its bound, counts from the last fault healing, and owes nothing once a message
// is dropped (the protocols they serve do not retransmit).
#include <gtest/gtest.h>

#include "invariants/completion_bound.hpp"
#include "invariants/eventual_delivery.hpp"
#include "invariants/receipt_gap.hpp"
#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using namespace corridor::invariants;
using test_support::EventStream;

namespace {

RunInfo run_info(time_ns last_heal_ns) { return RunInfo{3, 0, seconds(1), last_heal_ns}; }
constexpr std::uint64_t m0 = cast_id(0, 1);  // node 0's first cast

void start_nodes(EventStream& s) {
  for (NodeId n = 0; n < 3; ++n) s.event(EventKind::start, n, 0);
}

}  // namespace

TEST(EventualDelivery, QuietWhenEveryNodeDeliversInTime) {
  EventualDeliveryMonitor monitor(ms(400));
  EventStream s(monitor, run_info(0));
  s.note(0, "cast", m0, {}, ms(10));
  for (NodeId n = 0; n < 3; ++n) s.note(n, "deliver", m0, {}, ms(100 + n));
  s.tick(ms(900));
  monitor.on_run_end(seconds(1));
  EXPECT_FALSE(s.violation());
}

TEST(EventualDelivery, NamesTheMessageTheNodesAndTheBound) {
  EventualDeliveryMonitor monitor(ms(400));
  EventStream s(monitor, run_info(0));
  s.note(0, "cast", m0, {}, ms(10));
  s.note(0, "deliver", m0, {}, ms(10));
  s.note(1, "deliver", m0, {}, ms(30));
  s.tick(ms(410));
  EXPECT_FALSE(s.violation());
  s.tick(ms(411));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "eventual-delivery");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{2}));
  EXPECT_NE(s.violation()->message.find("message 0:1 (cast by node 0 at 0.010000s) was not delivered at node 2 by "
                                        "0.410000s (400ms after its cast)"),
            std::string::npos)
      << s.violation()->message;
}

TEST(EventualDelivery, TheBoundCountsFromTheLastFaultHealing) {
  EventualDeliveryMonitor monitor(ms(400));
  EventStream s(monitor, run_info(ms(500)));
  s.note(0, "cast", m0, {}, ms(10));
  s.tick(ms(900));
  EXPECT_FALSE(s.violation());
  monitor.on_run_end(seconds(1));
  ASSERT_TRUE(s.violation());
  EXPECT_NE(s.violation()->message.find("after the last fault healed"), std::string::npos) << s.violation()->message;
}

TEST(EventualDelivery, ADroppedMessageOrACrashMeansNothingIsOwed) {
  for (EventKind lost : {EventKind::drop, EventKind::crash}) {
    EventualDeliveryMonitor monitor(ms(400));
    EventStream s(monitor, run_info(0));
    s.note(0, "cast", m0, {}, ms(10));
    s.event(lost, 2, ms(20));
    monitor.on_run_end(seconds(1));
    EXPECT_FALSE(s.violation());
  }
}

TEST(CompletionBound, FiresForTheNodeThatDidNotComplete) {
  CompletionBoundMonitor monitor({"snapshot-state", "snapshot-complete", "snapshot"}, ms(300), "snapshot-completion");
  EventStream s(monitor, run_info(0));
  start_nodes(s);
  s.note(0, "snapshot-state", 1, {}, ms(80));
  s.note(1, "snapshot-state", 1, {}, ms(85));
  s.note(0, "snapshot-complete", 1, {}, ms(120));
  s.tick(ms(385));
  EXPECT_FALSE(s.violation());
  s.tick(ms(386));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "snapshot-completion");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{1}));
  EXPECT_NE(s.violation()->message.find("node 1's snapshot 1 started at 0.085000s did not complete by 0.385000s"),
            std::string::npos)
      << s.violation()->message;
}

TEST(CompletionBound, ACrashedNodeOwesNothingAndAPausedOneOwesAfterTheHeal) {
  CompletionBoundMonitor monitor({"await", "learn", "decision"}, ms(300), "decision-bound");
  EventStream s(monitor, run_info(ms(600)));  // the pause below ends at 600 ms
  start_nodes(s);
  s.note(1, "await", 1, {}, ms(10));
  s.note(2, "await", 1, {}, ms(10));
  s.event(EventKind::crash, 1, ms(50));
  s.event(EventKind::pause, 2, ms(100));
  s.event(EventKind::resume, 2, ms(600));
  s.tick(ms(900));
  EXPECT_FALSE(s.violation());
  monitor.on_run_end(seconds(1));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{2}));
}

TEST(CompletionBound, ADroppedMessageMeansNothingIsOwed) {
  CompletionBoundMonitor monitor({"await", "learn", "decision"}, ms(300), "decision-bound");
  EventStream s(monitor, run_info(0));
  start_nodes(s);
  s.note(1, "await", 1, {}, ms(10));
  s.event(EventKind::drop, 1, ms(20));
  monitor.on_run_end(seconds(1));
  EXPECT_FALSE(s.violation());
}

TEST(ReceiptGap, QuietWhileEveryNodeKeepsReceiving) {
  ReceiptGapMonitor monitor(ms(100), "token-circulates", "the token");
  EventStream s(monitor, run_info(0));
  start_nodes(s);
  for (time_ns t = ms(10); t < seconds(1); t += ms(30)) {
    for (NodeId n = 0; n < 3; ++n) s.event(EventKind::deliver, n, t + n);
  }
  monitor.on_run_end(seconds(1));
  EXPECT_FALSE(s.violation());
}

TEST(ReceiptGap, FiresWhenANodeStopsReceiving) {
  ReceiptGapMonitor monitor(ms(100), "token-circulates", "the token");
  EventStream s(monitor, run_info(0));
  start_nodes(s);
  s.event(EventKind::deliver, 0, ms(10));
  s.event(EventKind::deliver, 1, ms(20));
  s.event(EventKind::deliver, 2, ms(30));
  s.event(EventKind::deliver, 0, ms(100));
  s.event(EventKind::deliver, 1, ms(110));
  EXPECT_FALSE(s.violation());
  s.event(EventKind::deliver, 0, ms(131));  // node 2's deadline was 130 ms
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "token-circulates");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{2}));
  EXPECT_NE(s.violation()->message.find("node 2 received nothing between 0.030000s and 0.131000s: the token stopped"),
            std::string::npos)
      << s.violation()->message;
}

TEST(ReceiptGap, APausedNodeOwesFromItsResumeAndADropEndsTheCheck) {
  {
    ReceiptGapMonitor monitor(ms(100), "token-circulates", "the token");
    EventStream s(monitor, run_info(ms(500)));
    start_nodes(s);
    s.event(EventKind::pause, 2, ms(10));
    s.event(EventKind::resume, 2, ms(500));
    for (time_ns t = ms(20); t < ms(600); t += ms(30)) {
      s.event(EventKind::deliver, 0, t);
      s.event(EventKind::deliver, 1, t);
    }
    EXPECT_FALSE(s.violation());
    s.tick(ms(601));
    ASSERT_TRUE(s.violation());
    EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{2}));
  }
  ReceiptGapMonitor monitor(ms(100), "token-circulates", "the token");
  EventStream s(monitor, run_info(0));
  start_nodes(s);
  s.event(EventKind::drop, no_node, ms(10));
  monitor.on_run_end(seconds(1));
  EXPECT_FALSE(s.violation());
}

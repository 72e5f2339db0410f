// The failure-detector checks on hand-made event streams: completeness from a crash (or the last
// message from the crashed node, or the observer becoming live), accuracy after the last fault
// heals (or the last dropped message), and what each excuses.
#include "invariants/failure_detector.hpp"

#include <gtest/gtest.h>

using namespace corridor;
using invariants::DetectorProperty;
using invariants::FailureDetectorMonitor;

namespace {

constexpr time_ns bound_ns = ms(150);

// Feeds one monitor events of three nodes, all started at time 0.
class Stream {
 public:
  Stream(DetectorProperty property, time_ns last_heal_ns) : monitor_(property, bound_ns) {
    monitor_.on_run_start(RunInfo{3, 0, seconds(10), last_heal_ns});
    for (NodeId n = 0; n < 3; ++n) event(EventKind::start, n, 0);
  }
  void event(EventKind kind, NodeId actor, time_ns t_ns, NodeId source = no_node, NodeId target = no_node) {
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = actor;
    v.kind = kind;
    v.source = source;
    v.target = target;
    monitor_.on_event(v);
  }
  void note(NodeId observer, std::string_view name, NodeId peer, time_ns t_ns) {
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = observer;
    v.kind = EventKind::note;
    v.note = name;
    v.note_a = peer;
    monitor_.on_event(v);
  }
  void deliver(NodeId from, NodeId to, time_ns t_ns) { event(EventKind::deliver, to, t_ns, from, to); }
  void drop(NodeId from, NodeId to, time_ns t_ns) { event(EventKind::drop, no_node, t_ns, from, to); }
  void tick(time_ns t_ns) { event(EventKind::timer, 0, t_ns); }
  const std::optional<Violation>& violation() const { return *monitor_.violation(); }
  FailureDetectorMonitor& monitor() { return monitor_; }

 private:
  FailureDetectorMonitor monitor_;
  std::uint64_t step_ = 0;
};

}  // namespace

TEST(DetectorCompleteness, QuietWhenEveryLiveNodeSuspectsTheCrashedOneInTime) {
  Stream s(DetectorProperty::completeness, ms(100));
  s.event(EventKind::crash, 2, ms(100));
  s.note(0, "suspect", 2, ms(240));
  s.note(1, "suspect", 2, ms(250));  // exactly at the bound
  s.tick(seconds(2));
  s.monitor().on_run_end(seconds(10));
  EXPECT_FALSE(s.violation());
}

TEST(DetectorCompleteness, FiresAtTheFirstEventPastTheBoundNamingObserverAndCrashedNode) {
  Stream s(DetectorProperty::completeness, ms(100));
  s.event(EventKind::crash, 2, ms(100));
  s.note(0, "suspect", 2, ms(240));
  s.tick(ms(250));
  EXPECT_FALSE(s.violation());
  s.tick(ms(251));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "detector-completeness");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(s.violation()->true_ns, ms(251));
  EXPECT_NE(s.violation()->message.find("crashed at 0.100000s"), std::string::npos) << s.violation()->message;
}

TEST(DetectorCompleteness, CountsFromALateMessageOfTheCrashedNodeAndFromTheObserversRestart) {
  Stream s(DetectorProperty::completeness, ms(100));
  s.note(1, "suspect", 2, ms(90));     // a restart forgets this
  s.event(EventKind::crash, 1, ms(95));
  s.event(EventKind::crash, 2, ms(100));
  s.deliver(2, 0, ms(120));            // in flight when node 2 crashed
  s.event(EventKind::recover, 1, ms(200));
  s.note(0, "suspect", 2, ms(270));
  s.tick(ms(350));
  EXPECT_FALSE(s.violation());
  s.tick(ms(351));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{1, 2}));
}

TEST(DetectorCompleteness, AnEndOfRunPastTheBoundIsAViolationButARecoveryIsNot) {
  Stream late(DetectorProperty::completeness, ms(100));
  late.event(EventKind::crash, 2, ms(100));
  late.tick(ms(200));
  late.monitor().on_run_end(ms(300));
  EXPECT_TRUE(late.violation());

  Stream back(DetectorProperty::completeness, ms(100));
  back.event(EventKind::crash, 2, ms(100));
  back.event(EventKind::recover, 2, ms(240));
  back.monitor().on_run_end(seconds(10));
  EXPECT_FALSE(back.violation());
}

TEST(DetectorAccuracy, FiresWhenALiveNodeStaysSuspectedPastTheHealPlusTheBound) {
  Stream s(DetectorProperty::accuracy, ms(500));
  s.note(0, "suspect", 1, ms(400));
  s.tick(ms(650));
  EXPECT_FALSE(s.violation());
  s.tick(ms(651));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "detector-accuracy");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{0, 1}));
  EXPECT_NE(s.violation()->message.find("the last fault healing (0.500000s)"), std::string::npos)
      << s.violation()->message;
}

TEST(DetectorAccuracy, ADroppedMessageOrATrustExcusesASuspicion) {
  Stream s(DetectorProperty::accuracy, ms(500));
  s.note(0, "suspect", 1, ms(400));
  s.drop(1, 0, ms(600));   // the link from 1 to 0 lost a message: not connected
  s.drop(0, 1, ms(700));   // the other direction does not excuse 0's suspicion of 1
  s.tick(ms(750));
  EXPECT_FALSE(s.violation());
  s.note(0, "trust", 1, ms(750));
  s.tick(seconds(3));
  s.monitor().on_run_end(seconds(10));
  EXPECT_FALSE(s.violation());

  Stream wrong_way(DetectorProperty::accuracy, ms(500));
  wrong_way.note(0, "suspect", 1, ms(400));
  wrong_way.drop(0, 1, ms(600));
  wrong_way.tick(ms(651));
  EXPECT_TRUE(wrong_way.violation());
}

TEST(DetectorAccuracy, NotCheckedForACrashedPeerNorWhenAFaultNeverHeals) {
  Stream crashed(DetectorProperty::accuracy, ms(500));
  crashed.event(EventKind::crash, 1, ms(300));
  crashed.note(0, "suspect", 1, ms(400));
  crashed.tick(seconds(3));
  EXPECT_FALSE(crashed.violation());

  Stream unhealed(DetectorProperty::accuracy, time_ns_max);
  unhealed.note(0, "suspect", 1, ms(400));
  unhealed.tick(seconds(3));
  unhealed.monitor().on_run_end(seconds(10));
  EXPECT_FALSE(unhealed.violation());
}

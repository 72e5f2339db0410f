// Leader stability on hand-made event streams: an election after the last fault healed and a
// leader took over (plus the grace) is churn; one within the grace, one with no live leader and
// one when a fault never heals are not.
#include "invariants/leader_stability.hpp"

#include <gtest/gtest.h>

using namespace corridor;
using invariants::LeaderStabilityMonitor;

namespace {

constexpr time_ns grace_ns = ms(200);

class Stream {
 public:
  explicit Stream(time_ns last_heal_ns) : monitor_(grace_ns) {
    monitor_.on_run_start(RunInfo{3, 2, seconds(10), last_heal_ns});
    for (NodeId n = 0; n < 5; ++n) event(EventKind::start, n, 0);
  }
  void event(EventKind kind, NodeId actor, time_ns t_ns) {
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = actor;
    v.kind = kind;
    monitor_.on_event(v);
  }
  void note(NodeId node, std::string_view name, std::uint64_t term, time_ns t_ns) {
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = node;
    v.kind = EventKind::note;
    v.note = name;
    v.note_a = term;
    monitor_.on_event(v);
  }
  const std::optional<Violation>& violation() const { return *monitor_.violation(); }

 private:
  LeaderStabilityMonitor monitor_;
  std::uint64_t step_ = 0;
};

}  // namespace

TEST(LeaderStability, ElectionsWithinTheGraceOrBeforeTheHealAreNotChurn) {
  Stream s(seconds(2));
  s.note(0, "election", 1, ms(300));
  s.note(0, "leader", 1, ms(310));
  s.note(1, "election", 2, ms(1500));       // during the faults
  s.note(2, "election", 3, ms(2200));       // within the grace after the heal
  s.note(0, "step-down", 1, ms(2210));
  s.note(2, "leader", 3, ms(2220));
  s.note(1, "election", 4, ms(2400));       // within the grace after node 2 took over
  s.note(2, "election", 5, ms(5000));       // the leader itself: no churn
  EXPECT_FALSE(s.violation());
}

TEST(LeaderStability, AnElectionUnderAStableLeaderIsChurnAndListsTheElections) {
  Stream s(seconds(2));
  s.note(0, "leader", 1, ms(310));
  s.note(2, "election", 2, ms(2100));
  s.note(1, "election", 3, ms(2201));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "leader-stability");
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{1, 0}));
  EXPECT_EQ(s.violation()->true_ns, ms(2201));
  EXPECT_NE(s.violation()->message.find("node 2 term 2 at 2.100000s, node 1 term 3 at 2.201000s"), std::string::npos)
      << s.violation()->message;
}

TEST(LeaderStability, NoLiveLeaderNoChurn) {
  Stream crashed(seconds(2));
  crashed.note(0, "leader", 1, ms(310));
  crashed.event(EventKind::crash, 0, ms(1000));
  crashed.note(1, "election", 2, ms(3000));
  EXPECT_FALSE(crashed.violation());

  Stream paused(seconds(2));
  paused.note(0, "leader", 1, ms(310));
  paused.event(EventKind::pause, 0, ms(1000));
  paused.note(1, "election", 2, ms(3000));
  EXPECT_FALSE(paused.violation());

  Stream stepped_down(seconds(2));
  stepped_down.note(0, "leader", 1, ms(310));
  stepped_down.note(0, "step-down", 1, ms(2500));
  stepped_down.note(1, "election", 2, ms(3000));
  EXPECT_FALSE(stepped_down.violation());
}

// A paused leader leads again when it resumes (until it hears of a higher term); among several
// nodes that believe they lead, the highest term is the leader.
TEST(LeaderStability, AResumedLeaderAndTheHighestTermLead) {
  Stream resumed(seconds(2));
  resumed.note(0, "leader", 1, ms(310));
  resumed.event(EventKind::pause, 0, ms(1000));
  resumed.event(EventKind::resume, 0, ms(1500));
  resumed.note(1, "election", 2, ms(3000));
  ASSERT_TRUE(resumed.violation());
  EXPECT_EQ(resumed.violation()->nodes, (std::vector<NodeId>{1, 0}));

  Stream two(seconds(2));
  two.note(0, "leader", 1, ms(310));
  two.note(1, "leader", 2, ms(1900));  // node 0 has not heard of term 2 yet
  two.note(2, "election", 3, ms(2300));
  ASSERT_TRUE(two.violation());
  EXPECT_EQ(two.violation()->nodes, (std::vector<NodeId>{2, 1}));
}

TEST(LeaderStability, NotCheckedWhenAFaultNeverHeals) {
  Stream s(time_ns_max);
  s.note(0, "leader", 1, ms(310));
  s.note(1, "election", 2, ms(3000));
  EXPECT_FALSE(s.violation());
}

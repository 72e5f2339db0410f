// Badge monitors: each leaves its corridor exactly when it should, emits once per subject where
// it latches, and can only observe (the restraint is checked at compile time).
#include <bit>
#include <deque>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "invariants/badges/badge_stats.hpp"
#include "invariants/badges/causal_order.hpp"
#include "invariants/badges/clock_skew.hpp"
#include "invariants/badges/false_suspicion.hpp"
#include "invariants/badges/heartbeat_gap.hpp"
#include "invariants/badges/leader_count.hpp"
#include "invariants/badges/message_delay.hpp"
#include "invariants/badges/version_lag.hpp"

namespace corridor::invariants {
namespace {

// The restraint: observe takes a const event, a const world and an append-only sink; the world
// answers only const questions. A monitor that wanted a Context or a mutable engine would not
// compile against BadgeMonitor.
static_assert(RestrainedMonitor<MessageDelayMonitor>);
static_assert(RestrainedMonitor<ClockSkewMonitor>);
static_assert(RestrainedMonitor<HeartbeatGapMonitor>);
static_assert(RestrainedMonitor<FalseSuspicionMonitor>);
static_assert(RestrainedMonitor<VersionLagMonitor>);
static_assert(RestrainedMonitor<LeaderCountMonitor>);
static_assert(RestrainedMonitor<CausalOrderMonitor>);
static_assert(std::is_same_v<decltype(&WorldView::wall_ns), time_ns (WorldView::*)(NodeId) const>);
static_assert(std::is_same_v<decltype(&WorldView::is_alive), bool (WorldView::*)(NodeId) const>);
static_assert(std::is_same_v<decltype(&BadgeSink::append), void (BadgeSink::*)(Badge)>);
static_assert(!std::is_default_constructible_v<BadgeSink>);

class FakeWorld final : public WorldView {
 public:
  explicit FakeWorld(std::uint32_t nodes) : wall_ns_(nodes, 0), alive_(nodes, true) {}
  std::uint32_t node_count() const override { return static_cast<std::uint32_t>(wall_ns_.size()); }
  time_ns true_ns() const override { return 0; }
  time_ns wall_ns(NodeId n) const override { return wall_ns_[n]; }
  bool is_alive(NodeId n) const override { return alive_[n]; }
  std::vector<time_ns> wall_ns_;
  std::vector<bool> alive_;
};

// Feeds hand-made events to one monitor.
class Feed {
 public:
  Feed(BadgeMonitor& monitor, std::uint32_t nodes) : monitor_(monitor), world(nodes), sink_(badges) {
    monitor_.on_run_start({nodes, 0, seconds(10), 0});
  }
  void send(NodeId from, NodeId to, std::uint64_t id, time_ns t_ns) {
    EventView v = base(EventKind::send, from, t_ns);
    v.source = from;
    v.target = to;
    v.message_id = id;
    monitor_.observe(v, world, sink_);
  }
  void deliver(NodeId from, NodeId to, std::uint64_t id, time_ns t_ns) {
    EventView v = base(EventKind::deliver, to, t_ns);
    v.source = from;
    v.target = to;
    v.message_id = id;
    monitor_.observe(v, world, sink_);
  }
  void note(NodeId actor, std::string_view name, std::uint64_t a, std::uint64_t b, time_ns t_ns, time_ns local_ns,
            std::vector<std::uint32_t> vc = {}) {
    EventView v = base(EventKind::note, actor, t_ns);
    v.local_ns = local_ns;
    v.note = name;
    v.note_a = a;
    v.note_b = b;
    vcs_.push_back(std::move(vc));
    v.vc = vcs_.back();
    monitor_.observe(v, world, sink_);
  }
  void crash(NodeId actor, time_ns t_ns) { monitor_.observe(base(EventKind::crash, actor, t_ns), world, sink_); }

  std::vector<Badge> badges;

 private:
  EventView base(EventKind kind, NodeId actor, time_ns t_ns) {
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = actor;
    v.local_ns = t_ns;
    v.kind = kind;
    return v;
  }
  BadgeMonitor& monitor_;
  std::uint64_t step_ = 0;
  std::deque<std::vector<std::uint32_t>> vcs_;

 public:
  FakeWorld world;

 private:
  BadgeSink sink_;
};

std::string detail(const Badge& b, const std::string& name) {
  for (const auto& [k, v] : b.details) {
    if (k == name) return v;
  }
  return "(none)";
}

TEST(MessageDelayMonitor, BadgesOnlyDeliveriesLaterThanTheBound) {
  MessageDelayMonitor m(ms(15));
  Feed f(m, 2);
  f.send(0, 1, 1, 0);
  f.send(0, 1, 2, ms(1));
  f.deliver(0, 1, 1, ms(15));  // exactly the bound: inside
  f.deliver(0, 1, 2, ms(20));  // 19ms: outside
  ASSERT_EQ(f.badges.size(), 1u);
  const Badge& b = f.badges[0];
  EXPECT_EQ(b.node, 1u);
  EXPECT_EQ(b.module, "network");
  EXPECT_EQ(b.view, "omniscient");
  EXPECT_EQ(b.context, "delay_exceeded");
  EXPECT_EQ(detail(b, "delay"), "19.000ms");
  EXPECT_EQ(b.step, 4u);
  f.deliver(0, 1, 2, ms(30));  // a duplicate is judged from the original send
  EXPECT_EQ(f.badges.size(), 2u);
}

TEST(ClockSkewMonitor, OmniscientViewLatchesPerPairAndRearms) {
  ClockSkewMonitor m(SkewView::omniscient, ms(10), ms(15));
  Feed f(m, 3);
  f.world.wall_ns_ = {0, ms(12), ms(5)};
  f.deliver(0, 1, 1, ms(1));
  f.deliver(1, 0, 2, ms(2));  // same pair, still outside: no second badge
  f.deliver(0, 2, 3, ms(3));  // 5ms: inside
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(f.badges[0].view, "omniscient");
  EXPECT_EQ(f.badges[0].node, 1u);
  EXPECT_EQ(detail(f.badges[0], "offset"), "12.000ms");
  f.world.wall_ns_ = {0, ms(2), ms(5)};
  f.deliver(0, 1, 4, ms(4));  // back inside: re-armed
  f.world.wall_ns_ = {0, ms(-11), ms(5)};
  f.deliver(0, 1, 5, ms(5));
  EXPECT_EQ(f.badges.size(), 2u);
}

TEST(ClockSkewMonitor, NodeLocalViewJudgesTimestampsCarriedInMessages) {
  ClockSkewMonitor m(SkewView::node_local, ms(10), ms(15));
  Feed f(m, 2);
  const auto stamp = [](time_ns ns) { return std::bit_cast<std::uint64_t>(ns); };
  // apparent offset = receiver's wall clock - sender's stamp, allowed in [-10ms, 25ms]
  f.note(1, "heartbeat", 0, stamp(ms(100)), ms(110), ms(124));  // 24ms: skew + delay may explain it
  f.note(1, "heartbeat", 0, stamp(ms(200)), ms(210), ms(189));  // -11ms: no delay explains it
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(f.badges[0].view, "node-local");
  EXPECT_EQ(f.badges[0].local_ns, ms(189));
  EXPECT_EQ(detail(f.badges[0], "apparent_offset"), "-11.000ms");
  f.note(0, "heartbeat", 1, stamp(ms(300)), ms(300), ms(330));  // the other direction is its own pair
  EXPECT_EQ(f.badges.size(), 2u);
  EXPECT_EQ(f.badges[1].node, 0u);
}

TEST(HeartbeatGapMonitor, MeasuresGapsOnTheReceiversClockPerPeer) {
  HeartbeatGapMonitor m(ms(100));
  Feed f(m, 3);
  f.note(0, "heartbeat", 1, 0, ms(50), ms(50));
  f.note(0, "heartbeat", 2, 0, ms(60), ms(60));
  f.note(0, "heartbeat", 1, 0, ms(150), ms(150));  // 100ms: inside
  f.note(0, "heartbeat", 2, 0, ms(170), ms(171));  // 111ms: outside
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(detail(f.badges[0], "peer"), "n2");
  EXPECT_EQ(detail(f.badges[0], "gap"), "111.000ms");
  f.crash(0, ms(200));  // a restarted node counts afresh
  f.note(0, "heartbeat", 1, 0, ms(900), ms(900));
  EXPECT_EQ(f.badges.size(), 1u);
}

TEST(FalseSuspicionMonitor, BadgesSuspicionsOfLivePeersOnly) {
  FalseSuspicionMonitor m(ms(150));
  Feed f(m, 3);
  f.world.alive_ = {true, true, false};
  f.note(0, "suspect", 2, 0, ms(10), ms(10));  // n2 really crashed
  f.note(0, "suspect", 1, 0, ms(20), ms(20));  // n1 is alive
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(f.badges[0].context, "false_suspicion");
  EXPECT_EQ(f.badges[0].node, 0u);
  EXPECT_EQ(detail(f.badges[0], "peer"), "n1");
}

TEST(VersionLagMonitor, OneBadgePerLaggingReplicaUntilItCatchesUp) {
  VersionLagMonitor m(3);
  Feed f(m, 3);
  for (std::uint64_t v = 1; v <= 5; ++v) {
    f.note(0, "head", v, 0, ms(v), ms(v));
    f.note(0, "applied", v, 0, ms(v), ms(v));
    f.note(1, "applied", v, 0, ms(v), ms(v));
  }
  // n2 never applied anything: lag 4 at head 4 (one badge), still lagging at 5 (no second).
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(f.badges[0].node, 2u);
  EXPECT_EQ(f.badges[0].module, "replication");
  EXPECT_EQ(f.badges[0].context, "version_lag_exceeded");
  EXPECT_EQ(detail(f.badges[0], "lag"), "4");
  f.note(2, "applied", 5, 0, ms(6), ms(6));  // caught up: re-armed
  f.world.alive_[1] = false;                 // a crashed replica observes nothing
  for (std::uint64_t v = 6; v <= 9; ++v) {
    f.note(0, "head", v, 0, ms(v + 1), ms(v + 1));
    f.note(0, "applied", v, 0, ms(v + 1), ms(v + 1));
  }
  ASSERT_EQ(f.badges.size(), 2u);
  EXPECT_EQ(f.badges[1].node, 2u);
}

TEST(LeaderCountMonitor, BadgesTheSecondLeaderOnceAndRearms) {
  LeaderCountMonitor m(1);
  Feed f(m, 3);
  f.note(0, "lead", 1, 0, ms(1), ms(1));
  f.note(1, "lead", 1, 0, ms(2), ms(2));
  f.note(2, "lead", 1, 0, ms(3), ms(3));  // still over: latched
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(f.badges[0].node, 1u);
  EXPECT_EQ(detail(f.badges[0], "leaders"), "n0,n1");
  f.crash(1, ms(4));
  f.note(2, "lead", 0, 0, ms(5), ms(5));  // back to one leader
  f.note(1, "lead", 1, 0, ms(6), ms(6));
  EXPECT_EQ(f.badges.size(), 2u);
}

TEST(CausalOrderMonitor, BadgesTheFirstBrokenDelivery) {
  CausalOrderMonitor m;
  Feed f(m, 2);
  f.note(0, "cast", cast_id(0, 1), 0, ms(1), ms(1), {1, 0});
  f.note(0, "cast", cast_id(0, 2), 0, ms(2), ms(2), {2, 0});
  f.note(1, "deliver", cast_id(0, 2), 0, ms(3), ms(3), {2, 1});  // before 0:1
  ASSERT_EQ(f.badges.size(), 1u);
  EXPECT_EQ(f.badges[0].node, 1u);
  EXPECT_EQ(f.badges[0].context, "causal_order_broken");
  EXPECT_EQ(detail(f.badges[0], "message"), "0:2");
}

TEST(BadgeSink, KeepsAtMostItsLimitAndCountsTheRest) {
  std::vector<Badge> out;
  BadgeSink sink(out);
  for (std::size_t i = 0; i < BadgeSink::badges_max + 5; ++i) sink.append(Badge{});
  EXPECT_EQ(out.size(), BadgeSink::badges_max);
  EXPECT_EQ(sink.dropped(), 5u);
}

Badge badge_at(NodeId node, time_ns t_ns, std::string monitor = "m") {
  Badge b;
  b.node = node;
  b.true_ns = t_ns;
  b.monitor = std::move(monitor);
  return b;
}

TEST(BadgeStats, FrequencySymmetryFirstDriftAndTrend) {
  BadgeStats s(4);
  // Run 1: 10s, 1,000 events, badges late (windows 8 and 9) from two nodes.
  s.add_run({badge_at(0, seconds(8)), badge_at(0, seconds(9)), badge_at(1, seconds(9), "x")}, 1000, seconds(10));
  // Run 2: no badges.
  s.add_run({}, 1000, seconds(10));
  EXPECT_EQ(s.runs(), 2u);
  EXPECT_EQ(s.runs_drifted(), 1u);
  EXPECT_DOUBLE_EQ(s.per_1000_events(), 1.5);
  EXPECT_DOUBLE_EQ(s.per_simulated_second(), 0.15);
  EXPECT_DOUBLE_EQ(s.per_node_per_simulated_second(), 0.0375);
  EXPECT_EQ(s.emitters(), 2u);
  EXPECT_EQ(s.per_monitor().at("m"), 2u);
  EXPECT_EQ(s.first_drift_median_ns(), seconds(8));
  EXPECT_EQ(s.trend(), BadgeTrend::cascading);
  EXPECT_NEAR(s.evenness(), (-(2.0 / 3) * std::log(2.0 / 3) - (1.0 / 3) * std::log(1.0 / 3)) / std::log(4.0), 1e-12);

  BadgeStats even(2);
  even.add_run({badge_at(0, seconds(1)), badge_at(1, seconds(1))}, 10, seconds(10));
  EXPECT_DOUBLE_EQ(even.evenness(), 1.0);
  EXPECT_EQ(even.trend(), BadgeTrend::stabilising);
  BadgeStats steady(2);
  steady.add_run({badge_at(0, seconds(1)), badge_at(1, seconds(6))}, 10, seconds(10));
  EXPECT_EQ(steady.trend(), BadgeTrend::steady);
  EXPECT_EQ(BadgeStats(2).trend(), BadgeTrend::none);
  steady.merge(even);
  EXPECT_EQ(steady.badges(), 4u);
  EXPECT_EQ(steady.runs(), 2u);
}

}  // namespace
}  // namespace corridor::invariants

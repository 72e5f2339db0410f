// The operation-latency badge on hand-made client histories: it leaves its corridor exactly when
// a kind's windowed p99 crosses the bound, on both sides of it, once per crossing; and badges a
// client observed are counted per client.
#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "invariants/badges/badge_stats.hpp"
#include "invariants/badges/operation_latency.hpp"

namespace corridor::invariants {
namespace {

static_assert(RestrainedMonitor<OperationLatencyMonitor>);

class OpLatWorld final : public WorldView {
 public:
  explicit OpLatWorld(std::uint32_t actors) : actors_(actors) {}
  std::uint32_t node_count() const override { return actors_; }
  time_ns true_ns() const override { return 0; }
  time_ns wall_ns(NodeId n) const override { return static_cast<time_ns>(n); }  // tells actors apart
  bool is_alive(NodeId) const override { return true; }

 private:
  std::uint32_t actors_;
};

constexpr std::uint32_t oplat_nodes = 3;

// Client histories for one monitor: `client` is the client's index, its actor nodes + client (the
// multi-paxos-kv layout), and its history process the same index.
class OpLatFeed {
 public:
  explicit OpLatFeed(OperationLatencyMonitor& monitor) : monitor_(monitor), world_(oplat_nodes + 4), sink_(badges) {
    monitor_.on_run_start({oplat_nodes, 4, seconds(10), 0});
  }
  void history(std::uint32_t client, OpType type, std::string f, time_ns t_ns) {
    HistoryEvent h;
    h.process = client;
    h.type = type;
    h.f = std::move(f);
    h.true_time_ns = t_ns;
    history_.push_back(std::move(h));
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = oplat_nodes + client;
    v.local_ns = t_ns + 7;
    v.kind = EventKind::history;
    v.history = &history_.back();
    monitor_.observe(v, world_, sink_);
  }
  // One operation of `client`, invoked now and completed `latency_ns` later (ok unless told).
  void operation(time_ns latency_ns, std::string f = "get", std::uint32_t client = 0, OpType done = OpType::ok) {
    history(client, OpType::invoke, f, now_ns_);
    now_ns_ += latency_ns;
    history(client, done, f, now_ns_);
    now_ns_ += ms(1);
  }
  std::vector<Badge> badges;

 private:
  OperationLatencyMonitor& monitor_;
  OpLatWorld world_;
  BadgeSink sink_;
  std::deque<HistoryEvent> history_;  // stable addresses for the views
  std::uint64_t step_ = 0;
  time_ns now_ns_ = ms(5);
};

std::string oplat_detail(const Badge& b, const std::string& name) {
  for (const auto& [n, v] : b.details) {
    if (n == name) return v;
  }
  return "";
}

TEST(OperationLatencyBadge, AtTheBoundIsInsideAndOneNanosecondOverIsOutside) {
  OperationLatencyMonitor at(ms(50), "", 100);
  OpLatFeed inside(at);
  inside.operation(ms(50));
  EXPECT_TRUE(inside.badges.empty());

  OperationLatencyMonitor over(ms(50), "", 100);
  OpLatFeed outside(over);
  outside.operation(ms(50) + 1);
  ASSERT_EQ(outside.badges.size(), 1u);
  const Badge& b = outside.badges[0];
  EXPECT_EQ(b.monitor, "operation-latency");
  EXPECT_EQ(b.module, "client");
  EXPECT_EQ(b.view, "omniscient");
  EXPECT_EQ(b.context, "latency_p99_exceeded");
  EXPECT_EQ(b.node, oplat_nodes);  // the client that completed it, an actor after the nodes
  EXPECT_EQ(b.true_ns, ms(5) + ms(50) + 1);
  EXPECT_EQ(b.local_ns, b.true_ns + 7);  // its own clock at the completion
  EXPECT_EQ(oplat_detail(b, "client"), "c0");
  EXPECT_EQ(oplat_detail(b, "op"), "get");
  EXPECT_EQ(oplat_detail(b, "latency"), "50.000ms");
  EXPECT_EQ(oplat_detail(b, "p99"), "50.000ms");
  EXPECT_EQ(oplat_detail(b, "window"), "1 ops");
  EXPECT_EQ(oplat_detail(b, "bound"), "50ms");
}

// With 100 operations in the window the p99 is the second slowest: one slow operation in 100 is
// inside the corridor, two are outside.
TEST(OperationLatencyBadge, OneSlowOperationInAFullWindowIsInsideTwoAreOutside) {
  OperationLatencyMonitor monitor(ms(50), "", 100);
  OpLatFeed feed(monitor);
  for (int i = 0; i < 99; ++i) feed.operation(ms(10));
  feed.operation(ms(200));  // the 100th: p99 = 10ms
  EXPECT_TRUE(feed.badges.empty());
  feed.operation(ms(200));  // the window drops a fast one: 98 fast, 2 slow, p99 = 200ms
  ASSERT_EQ(feed.badges.size(), 1u);
  EXPECT_EQ(oplat_detail(feed.badges[0], "p99"), "200.000ms");
  EXPECT_EQ(oplat_detail(feed.badges[0], "window"), "100 ops");
}

// Fewer operations than the window: the p99 by nearest rank is their maximum.
TEST(OperationLatencyBadge, AShortWindowsP99IsItsMaximum) {
  OperationLatencyMonitor monitor(ms(50), "", 100);
  OpLatFeed feed(monitor);
  for (int i = 0; i < 20; ++i) feed.operation(ms(10));
  EXPECT_TRUE(feed.badges.empty());
  feed.operation(ms(51));
  ASSERT_EQ(feed.badges.size(), 1u);
  EXPECT_EQ(oplat_detail(feed.badges[0], "window"), "21 ops");
}

// One badge per crossing: none while the p99 stays outside, another after it came back inside.
TEST(OperationLatencyBadge, EmitsOncePerCrossingAndRearmsInside) {
  OperationLatencyMonitor monitor(ms(50), "", 10);
  OpLatFeed feed(monitor);
  for (int i = 0; i < 10; ++i) feed.operation(ms(100));
  EXPECT_EQ(feed.badges.size(), 1u);
  for (int i = 0; i < 9; ++i) feed.operation(ms(10));  // the window still holds one slow: p99 (10th of 10) outside
  EXPECT_EQ(feed.badges.size(), 1u);
  feed.operation(ms(10));  // the last slow one leaves: inside
  EXPECT_EQ(feed.badges.size(), 1u);
  feed.operation(ms(60));
  EXPECT_EQ(feed.badges.size(), 2u);
}

TEST(OperationLatencyBadge, EachKindHasItsOwnWindow) {
  OperationLatencyMonitor monitor(ms(50), "", 100);
  OpLatFeed feed(monitor);
  feed.operation(ms(80), "put", 1);
  ASSERT_EQ(feed.badges.size(), 1u);
  EXPECT_EQ(oplat_detail(feed.badges[0], "op"), "put");
  EXPECT_EQ(oplat_detail(feed.badges[0], "client"), "c1");
  EXPECT_EQ(feed.badges[0].node, oplat_nodes + 1);
  feed.operation(ms(10), "get", 1);
  feed.operation(ms(80), "get", 2);  // get crosses on its own, put is still outside
  ASSERT_EQ(feed.badges.size(), 2u);
  EXPECT_EQ(oplat_detail(feed.badges[1], "op"), "get");
  feed.operation(ms(90), "put", 0);  // put was already outside: no new badge
  EXPECT_EQ(feed.badges.size(), 2u);
}

// An operation the client gave up on (info) has no latency, as in the latency summary; a failed
// one (fail) completed and has one.
TEST(OperationLatencyBadge, InfoHasNoLatencyAndFailHasOne) {
  OperationLatencyMonitor monitor(ms(50), "", 100);
  OpLatFeed feed(monitor);
  feed.operation(seconds(2), "put", 0, OpType::info);
  EXPECT_TRUE(feed.badges.empty());
  feed.operation(ms(10), "put", 0);  // measured from its own invoke, not the abandoned one's
  EXPECT_TRUE(feed.badges.empty());
  feed.operation(ms(70), "cas", 0, OpType::fail);
  EXPECT_EQ(feed.badges.size(), 1u);
}

// Two clients' operations overlap: each completion closes its own client's invoke.
TEST(OperationLatencyBadge, ConcurrentClientsAreMatchedByProcess) {
  OperationLatencyMonitor monitor(ms(50), "", 100);
  OpLatFeed feed(monitor);
  feed.history(0, OpType::invoke, "get", ms(0));
  feed.history(1, OpType::invoke, "get", ms(40));
  feed.history(1, OpType::ok, "get", ms(60));  // 20ms for c1 (60ms since c0's invoke)
  EXPECT_TRUE(feed.badges.empty());
  feed.history(0, OpType::ok, "get", ms(51));  // 51ms for c0
  ASSERT_EQ(feed.badges.size(), 1u);
  EXPECT_EQ(oplat_detail(feed.badges[0], "client"), "c0");
  EXPECT_EQ(oplat_detail(feed.badges[0], "latency"), "51.000ms");
}

TEST(OperationLatencyBadge, DeclaresItsBoundAndHowItWasDerived) {
  const OperationLatencyMonitor monitor(ms(480), "300ms + 180ms", 100);
  const BadgeDeclaration& d = monitor.declaration();
  EXPECT_EQ(d.monitor, "operation-latency");
  EXPECT_EQ(d.corridor, "p99_ns_max = 480ms: 300ms + 180ms");
  EXPECT_NE(d.assumption.find("last 100 completed client operations"), std::string::npos) << d.assumption;
  EXPECT_EQ(d.boundary, "client history (invoke to ok/fail)");
}

// A badge a client observed counts in the totals and per client, not as a node's (evenness is
// the nodes' symmetry).
TEST(OperationLatencyBadge, StatisticsCountAClientsBadgesPerClient) {
  Badge client_badge;
  client_badge.node = oplat_nodes + 2;
  client_badge.monitor = "operation-latency";
  client_badge.true_ns = ms(100);
  BadgeStats stats(oplat_nodes);
  stats.add_run({client_badge, client_badge}, 1000, seconds(1));
  EXPECT_EQ(stats.badges(), 2u);
  EXPECT_EQ(stats.per_node(), (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(stats.per_client(), (std::vector<std::uint64_t>{0, 0, 2}));
  EXPECT_EQ(stats.emitters(), 0u);
  EXPECT_EQ(stats.evenness(), 0.0);
  Badge node_badge = client_badge;
  node_badge.node = 1;
  BadgeStats other(oplat_nodes);
  other.add_run({node_badge}, 1000, seconds(1));
  stats.merge(other);
  EXPECT_EQ(stats.per_node(), (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(stats.per_client(), (std::vector<std::uint64_t>{0, 0, 2}));
  EXPECT_EQ(stats.emitters(), 1u);
  EXPECT_EQ(stats.runs_drifted(), 2u);
}

}  // namespace
}  // namespace corridor::invariants

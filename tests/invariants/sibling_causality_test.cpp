// The vector-clock checks of invariants/sibling_causality.hpp: clock order and merge (RapidCheck
// properties), the history encoding of versions, and each of no-lost-write and siblings-concurrent
// on hand-made histories that break it, beside ones that hold.
#include "invariants/sibling_causality.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using namespace corridor::invariants;
using corridor::test_support::EventStream;

namespace {

using ClockV = std::vector<std::uint32_t>;

rc::Gen<ClockV> clock_of(std::size_t replicas) { return rc::gen::container<ClockV>(replicas, rc::gen::inRange<std::uint32_t>(0, 4)); }

HistoryValue versions(std::initializer_list<std::pair<std::int64_t, ClockV>> vs) {
  std::vector<std::int64_t> out;
  for (const auto& [value, clock] : vs) append_version(out, value, clock);
  return out;
}

// Three replicas, a monitor of `check`, and the operations of a kv's clients.
struct Kv {
  explicit Kv(SiblingCausalityMonitor::Check check) : monitor(check), stream(monitor, RunInfo{3, 2, seconds(1), 0}) {}
  void put(std::uint32_t client, std::int64_t value, ClockV context) {
    stream.history(client, OpType::invoke, 0, "put", "x", versions({{value, context}}));
  }
  void put_ok(std::uint32_t client, std::int64_t value, ClockV clock) {
    stream.history(client, OpType::ok, 0, "put", "x", versions({{value, clock}}));
  }
  void get(std::uint32_t client) { stream.history(client, OpType::invoke, 0, "get", "x", {}); }
  void get_ok(std::uint32_t client, HistoryValue siblings) { stream.history(client, OpType::ok, 0, "get", "x", siblings); }
  const std::optional<Violation>& violation() const { return stream.violation(); }

  SiblingCausalityMonitor monitor;
  EventStream stream;
};

}  // namespace

RC_GTEST_PROP(VectorClock, OrderIsReversedBySwappingAndEqualOnlyForEqualClocks, ()) {
  const ClockV a = *clock_of(3);
  const ClockV b = *clock_of(3);
  const ClockOrder ab = compare_clocks(a, b);
  const ClockOrder ba = compare_clocks(b, a);
  RC_ASSERT((ab == ClockOrder::before) == (ba == ClockOrder::after));
  RC_ASSERT((ab == ClockOrder::concurrent) == (ba == ClockOrder::concurrent));
  RC_ASSERT((ab == ClockOrder::equal) == (a == b));
}

RC_GTEST_PROP(VectorClock, MergeIsTheLeastClockAtOrAboveBoth, ()) {
  const ClockV a = *clock_of(4);
  const ClockV b = *clock_of(4);
  ClockV m = a;
  merge_clock_into(m, b);
  for (const ClockV* c : {&a, &b}) {
    const ClockOrder order = compare_clocks(*c, m);
    RC_ASSERT(order == ClockOrder::before || order == ClockOrder::equal);
  }
  for (std::size_t i = 0; i < m.size(); ++i) RC_ASSERT(m[i] == a[i] || m[i] == b[i]);  // none higher than needed
}

TEST(VectorClock, ConcurrentWhenEachHasAnEntryAboveTheOther) {
  EXPECT_EQ(compare_clocks(ClockV{1, 0, 0}, ClockV{0, 1, 0}), ClockOrder::concurrent);
  EXPECT_EQ(compare_clocks(ClockV{1, 0, 0}, ClockV{1, 1, 0}), ClockOrder::before);
  EXPECT_EQ(compare_clocks(ClockV{2, 1, 0}, ClockV{1, 1, 0}), ClockOrder::after);
  EXPECT_EQ(format_clock(ClockV{2, 0, 7}), "[2,0,7]");
}

RC_GTEST_PROP(HistoryVersions, ParseReadsWhatAppendWrote, ()) {
  const std::size_t count = *rc::gen::inRange<std::size_t>(0, 5);
  std::vector<std::int64_t> flat;
  std::vector<HistoryVersion> written;
  for (std::size_t i = 0; i < count; ++i) {
    written.push_back({*rc::gen::arbitrary<std::int64_t>(), *clock_of(3)});
    append_version(flat, written.back().value, written.back().clock);
  }
  const auto read = parse_versions(flat, 3);
  RC_ASSERT(read.has_value());
  RC_ASSERT(read->size() == count);
  for (std::size_t i = 0; i < count; ++i) {
    RC_ASSERT((*read)[i].value == written[i].value);
    RC_ASSERT((*read)[i].clock == written[i].clock);
  }
}

TEST(HistoryVersions, AValueOfTheWrongShapeIsNotVersions) {
  EXPECT_FALSE(parse_versions(std::vector<std::int64_t>{1, 0, 0}, 3).has_value());  // one entry short
  EXPECT_FALSE(parse_versions(std::int64_t{5}, 3).has_value());
  EXPECT_FALSE(parse_versions(std::vector<std::int64_t>{1, 0, -1, 0}, 3).has_value());
}

TEST(NoLostWrite, AReadAfterTheAckThatMissesTheWriteFailsNamingKeyWriteClockAndRead) {
  Kv kv(SiblingCausalityMonitor::Check::no_lost_write);
  kv.put(0, 1001, {0, 0, 0});
  kv.put_ok(0, 1001, {1, 0, 0});
  kv.put(1, 2001, {0, 0, 0});
  kv.put_ok(1, 2001, {0, 1, 0});
  kv.get(0);
  kv.get_ok(0, versions({{2001, {0, 1, 0}}}));  // 1001 is concurrent with it and gone
  ASSERT_TRUE(kv.violation());
  EXPECT_EQ(kv.violation()->invariant, "no-lost-write");
  EXPECT_EQ(kv.violation()->message,
            "get x by client 0 returned {2001@[0,1,0]}; put x = 1001 by client 0 with clock [1,0,0], acknowledged "
            "before the get was invoked, is neither among them nor below one of their clocks: it was dropped beside "
            "concurrent siblings, so the acknowledged write was lost");
}

TEST(NoLostWrite, AnOlderVersionReturnedInPlaceOfAWriteThatSawItIsALoss) {
  Kv kv(SiblingCausalityMonitor::Check::no_lost_write);
  kv.put(0, 1001, {0, 0, 0});
  kv.put_ok(0, 1001, {1, 0, 0});
  kv.put(0, 1002, {1, 0, 0});
  kv.put_ok(0, 1002, {2, 0, 0});
  kv.get(1);
  kv.get_ok(1, versions({{1001, {1, 0, 0}}}));
  ASSERT_TRUE(kv.violation());
  EXPECT_NE(kv.violation()->message.find("put x = 1002"), std::string::npos) << kv.violation()->message;
  EXPECT_NE(kv.violation()->message.find("a version it had seen came back in its place"), std::string::npos);
}

TEST(NoLostWrite, HoldsForSiblingsAWriteThatSawThemAndWritesAcknowledgedDuringTheRead) {
  Kv kv(SiblingCausalityMonitor::Check::no_lost_write);
  kv.put(0, 1001, {0, 0, 0});
  kv.put_ok(0, 1001, {1, 0, 0});
  kv.put(1, 2001, {0, 0, 0});
  kv.put_ok(1, 2001, {0, 1, 0});
  kv.get(0);
  kv.get_ok(0, versions({{1001, {1, 0, 0}}, {2001, {0, 1, 0}}}));  // both siblings
  kv.put(0, 1002, {1, 1, 0});
  kv.put_ok(0, 1002, {1, 1, 1});
  kv.get(1);
  kv.get_ok(1, versions({{1002, {1, 1, 1}}}));  // the resolving write dominates both
  kv.get(1);
  kv.put(0, 1003, {1, 1, 1});
  kv.put_ok(0, 1003, {2, 1, 1});  // acknowledged after the get was invoked: the get may miss it
  kv.get_ok(1, versions({{1002, {1, 1, 1}}}));
  EXPECT_FALSE(kv.violation()) << kv.violation()->message;
}

TEST(SiblingsConcurrent, ASiblingBelowAnotherFails) {
  Kv kv(SiblingCausalityMonitor::Check::siblings_concurrent);
  kv.get(0);
  kv.get_ok(0, versions({{1001, {1, 0, 0}}, {1002, {2, 0, 0}}}));
  ASSERT_TRUE(kv.violation());
  EXPECT_EQ(kv.violation()->invariant, "siblings-concurrent");
  EXPECT_EQ(kv.violation()->message,
            "get x by client 0 returned {1001@[1,0,0], 1002@[2,0,0]}: sibling 1001's clock [1,0,0] is below sibling "
            "1002's [2,0,0], so they are not concurrent writes");
}

TEST(SiblingsConcurrent, AWriteReturnedBesideASiblingItsContextCoveredFails) {
  Kv kv(SiblingCausalityMonitor::Check::siblings_concurrent);
  kv.put(1, 2001, {1, 0, 0});  // written having read 1001@[1,0,0], yet given a clock that does not show it
  kv.put_ok(1, 2001, {0, 1, 0});
  kv.get(0);
  kv.get_ok(0, versions({{1001, {1, 0, 0}}, {2001, {0, 1, 0}}}));
  ASSERT_TRUE(kv.violation());
  EXPECT_EQ(kv.violation()->message,
            "get x by client 0 returned {1001@[1,0,0], 2001@[0,1,0]}: sibling 2001 was written by client 1 with "
            "context [1,0,0], which covers sibling 1001's clock [1,0,0], so it resolved that write and the two are not "
            "concurrent");
}

TEST(SiblingsConcurrent, HoldsForConcurrentSiblingsWrittenBlind) {
  Kv kv(SiblingCausalityMonitor::Check::siblings_concurrent);
  kv.put(0, 1001, {0, 0, 0});
  kv.put_ok(0, 1001, {1, 0, 0});
  kv.put(1, 2001, {0, 0, 0});
  kv.put_ok(1, 2001, {0, 1, 0});
  kv.get(0);
  kv.get_ok(0, versions({{1001, {1, 0, 0}}, {2001, {0, 1, 0}}}));
  EXPECT_FALSE(kv.violation()) << kv.violation()->message;
}

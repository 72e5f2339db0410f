#include "invariants/causal_delivery.hpp"

#include <gtest/gtest.h>

#include "invariants/delivery_notes.hpp"
#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::CausalDeliveryMonitor;
using invariants::CausalOrder;
using invariants::cast_id;
using test_support::EventStream;

namespace {

constexpr RunInfo three_nodes{3, 0, seconds(1), 0};
const std::uint64_t a1 = cast_id(0, 1), a2 = cast_id(0, 2), b1 = cast_id(1, 1);

// Node 0 casts a1; node 1 delivers it, then casts b1 (so a1 causally precedes b1).
void a1_then_b1(EventStream& s) {
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(1, "deliver", a1, {2, 1, 0});  // engine clock after the receipt of a1
  s.note(1, "cast", b1, {2, 2, 0});
}

}  // namespace

TEST(CausalDelivery, QuietWhenEveryoneRespectsCausality) {
  for (CausalOrder order : {CausalOrder::delivered, CausalOrder::engine}) {
    CausalDeliveryMonitor monitor(order);
    EventStream s(monitor, three_nodes);
    a1_then_b1(s);
    s.note(2, "deliver", a1, {2, 0, 1});
    s.note(2, "deliver", b1, {2, 2, 2});
    s.note(0, "deliver", b1, {3, 2, 0});
    EXPECT_FALSE(s.violation()) << s.violation()->message;
  }
}

TEST(CausalDelivery, FiresWhenAnEffectOvertakesItsCause) {
  for (CausalOrder order : {CausalOrder::delivered, CausalOrder::engine}) {
    CausalDeliveryMonitor monitor(order);
    EventStream s(monitor, three_nodes);
    a1_then_b1(s);
    s.note(2, "deliver", b1, {2, 2, 1}, ms(7));
    ASSERT_TRUE(s.violation());
    EXPECT_EQ(s.violation()->invariant, "causal-delivery");
    EXPECT_EQ(s.violation()->verdict, Verdict::safety);
    EXPECT_EQ(s.violation()->true_ns, ms(7));
    EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{0, 1, 2}));
    EXPECT_NE(s.violation()->message.find("node 2 delivered message 1:1"), std::string::npos) << s.violation()->message;
    EXPECT_NE(s.violation()->message.find("before message 0:1"), std::string::npos) << s.violation()->message;
  }
}

TEST(CausalDelivery, FiresOnAnOriginsOwnOrder) {
  CausalDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(0, "cast", a2, {2, 0, 0});
  s.note(1, "deliver", a2, {2, 1, 0});
  ASSERT_TRUE(s.violation());
  EXPECT_NE(s.violation()->message.find("before message 0:1"), std::string::npos);
}

TEST(CausalDelivery, ConcurrentCastsMayArriveInAnyOrder) {
  CausalDeliveryMonitor monitor(CausalOrder::engine);
  EventStream s(monitor, three_nodes);
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(1, "cast", b1, {0, 1, 0});
  s.note(2, "deliver", b1, {0, 1, 1});
  s.note(2, "deliver", a1, {1, 1, 2});
  s.note(0, "deliver", b1, {2, 1, 0});
  s.note(1, "deliver", a1, {1, 2, 0});
  EXPECT_FALSE(s.violation());
}

// Node 1 receives a1 but holds it back (no deliver note) and casts b1. In the engine's order a1
// precedes b1 (a receipt merges clocks); in the delivered order it does not.
TEST(CausalDelivery, HeldBackReceiptsCountOnlyInTheEngineOrder) {
  for (CausalOrder order : {CausalOrder::delivered, CausalOrder::engine}) {
    CausalDeliveryMonitor monitor(order);
    EventStream s(monitor, three_nodes);
    s.note(0, "cast", a1, {1, 0, 0});
    s.note(1, "cast", b1, {2, 2, 0});  // node 1's clock has seen a1's send
    s.note(2, "deliver", b1, {2, 2, 1});
    EXPECT_EQ(s.violation().has_value(), order == CausalOrder::engine);
  }
}

TEST(CausalDelivery, OwnCastsCountAsDeliveredAndDuplicatesAreIgnored) {
  CausalDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  a1_then_b1(s);
  s.note(0, "deliver", a1, {2, 0, 0});  // the origin's own deliver note: a duplicate
  s.note(0, "deliver", b1, {3, 2, 0});
  s.note(0, "deliver", b1, {4, 2, 0});
  EXPECT_FALSE(s.violation());
}

TEST(CausalDelivery, FiresOnADeliveryOfSomethingNeverCast) {
  CausalDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(2, "deliver", a1, {0, 0, 1});
  ASSERT_TRUE(s.violation());
  EXPECT_NE(s.violation()->message.find("no node has cast"), std::string::npos);
}

TEST(CausalDelivery, OtherNotesAndNamesAreIgnored) {
  CausalDeliveryMonitor monitor(CausalOrder::delivered, {"bcast", "adeliver"}, "my-causal");
  EventStream s(monitor, three_nodes);
  s.note(0, "bcast", a1, {1, 0, 0});
  s.note(1, "deliver", a2, {1, 1, 0});  // not our note name
  s.note(0, "bcast", a2, {2, 0, 0});
  s.note(1, "adeliver", a2, {2, 2, 0});
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "my-causal");
}

TEST(CausalDelivery, ARunStartForgetsThePreviousRun) {
  CausalDeliveryMonitor monitor;
  {
    EventStream s(monitor, three_nodes);
    s.note(2, "deliver", a1, {0, 0, 1});
    ASSERT_TRUE(s.violation());
  }
  EventStream s(monitor, three_nodes);
  a1_then_b1(s);
  EXPECT_FALSE(s.violation());
}

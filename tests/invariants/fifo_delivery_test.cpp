#include "invariants/fifo_delivery.hpp"

#include <gtest/gtest.h>

#include "invariants/delivery_notes.hpp"
#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::cast_id;
using invariants::FifoDeliveryMonitor;
using test_support::EventStream;

namespace {
constexpr RunInfo three_nodes{3, 0, seconds(1), 0};
const std::uint64_t a1 = cast_id(0, 1), a2 = cast_id(0, 2), a3 = cast_id(0, 3), b1 = cast_id(1, 1);
}  // namespace

TEST(FifoDelivery, QuietInCastOrder) {
  FifoDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(0, "cast", a2, {2, 0, 0});
  s.note(1, "deliver", a1, {1, 1, 0});
  s.note(1, "deliver", a2, {2, 2, 0});
  s.note(1, "deliver", a2, {2, 3, 0});  // again: not a FIFO matter
  EXPECT_FALSE(s.violation());
}

TEST(FifoDelivery, FiresWhenAnOriginsLaterMessageComesFirst) {
  FifoDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(0, "cast", a2, {2, 0, 0});
  s.note(0, "cast", a3, {3, 0, 0});
  s.note(2, "deliver", a1, {1, 0, 1});
  s.note(2, "deliver", a3, {3, 0, 2}, ms(12));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "fifo-delivery");
  EXPECT_EQ(s.violation()->true_ns, ms(12));
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{2, 0}));
  EXPECT_NE(s.violation()->message.find("delivered message 0:3"), std::string::npos) << s.violation()->message;
  EXPECT_NE(s.violation()->message.find("before message 0:2"), std::string::npos) << s.violation()->message;
}

// FIFO says nothing across origins: b1 before a1 is fine even when a1 caused b1.
TEST(FifoDelivery, QuietWhenOnlyCausalityIsBroken) {
  FifoDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(1, "deliver", a1, {1, 1, 0});
  s.note(1, "cast", b1, {1, 2, 0});
  s.note(2, "deliver", b1, {1, 2, 1});
  s.note(2, "deliver", a1, {1, 2, 2});
  EXPECT_FALSE(s.violation());
}

TEST(FifoDelivery, OwnCastsAreDeliveredAtTheOrigin) {
  FifoDeliveryMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(0, "cast", a1, {1, 0, 0});
  s.note(0, "cast", a2, {2, 0, 0});
  s.note(0, "deliver", a2, {3, 0, 0});
  EXPECT_FALSE(s.violation());
}

#include "invariants/total_order.hpp"

#include <gtest/gtest.h>

#include "invariants/delivery_notes.hpp"
#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::cast_id;
using invariants::TotalOrderMonitor;
using test_support::EventStream;

namespace {
constexpr RunInfo three_nodes{3, 0, seconds(1), 0};
const std::uint64_t a1 = cast_id(0, 1), b1 = cast_id(1, 1);
}  // namespace

TEST(TotalOrder, QuietWhenEveryNodeDeliversTheSameSequence) {
  TotalOrderMonitor monitor;
  EventStream s(monitor, three_nodes);
  for (NodeId n = 0; n < 3; ++n) {
    s.note(n, "deliver", a1, {});
    s.note(n, "deliver", b1, {});
  }
  monitor.on_run_end(seconds(1));
  EXPECT_FALSE(s.violation());
}

TEST(TotalOrder, FiresWhenTwoNodesDeliverInDifferentOrders) {
  TotalOrderMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(0, "deliver", a1, {});
  s.note(0, "deliver", b1, {});
  s.note(2, "deliver", b1, {}, ms(7));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "total-order");
  EXPECT_EQ(s.violation()->verdict, Verdict::safety);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{2, 0}));
  EXPECT_EQ(s.violation()->true_ns, ms(7));
}

TEST(TotalOrder, FiresOnADuplicateDelivery) {
  TotalOrderMonitor monitor;
  EventStream s(monitor, three_nodes);
  s.note(1, "deliver", a1, {});
  s.note(1, "deliver", a1, {});
  ASSERT_TRUE(s.violation());
  EXPECT_NE(s.violation()->message.find("a second time"), std::string::npos);
}

TEST(TotalOrder, ANodeLeftBehindIsALivenessViolationAtTheEndUnlessIncompleteIsAllowed) {
  for (const bool complete : {true, false}) {
    TotalOrderMonitor monitor(complete);
    EventStream s(monitor, three_nodes);
    s.note(0, "deliver", a1, {});
    s.note(1, "deliver", a1, {});
    monitor.on_run_end(seconds(1));
    ASSERT_EQ(s.violation().has_value(), complete);
    if (complete) {
      EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
    }
  }
}

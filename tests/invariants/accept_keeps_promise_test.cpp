// accept-keeps-promise (invariants/accept_keeps_promise.hpp) on hand-made note streams: accepts at
// or above the promise pass; an accept below the promise it arrived at fails; so does an accept
// below what the node promised or accepted earlier, when its durable promise went back.
#include "invariants/accept_keeps_promise.hpp"

#include <gtest/gtest.h>

#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::AcceptKeepsPromiseMonitor;
using test_support::EventStream;

namespace {
constexpr RunInfo run_info{3, 0, seconds(1), 0};
}

TEST(AcceptKeepsPromise, QuietWhileEveryAcceptIsAtOrAboveItsPromise) {
  AcceptKeepsPromiseMonitor monitor;
  EventStream s(monitor, run_info);
  s.note(1, "accept", 64, 64, {0, 1, 0});
  s.note(1, "accept", 64, 64, {0, 2, 0});   // a duplicated Accept
  s.note(1, "accept", 129, 65, {0, 3, 0});  // a higher ballot raises the promise as it is taken
  s.note(2, "accept", 65, 0, {0, 0, 1});    // node 2's promise is its own
  s.note(1, "decide", 1, 0, {0, 4, 0});     // another note name
  EXPECT_FALSE(s.violation());
}

TEST(AcceptKeepsPromise, AnAcceptOneBallotBelowThePromiseFails) {
  AcceptKeepsPromiseMonitor monitor;
  EventStream s(monitor, run_info);
  s.note(1, "accept", 64, 64, {0, 1, 0}, ms(10));
  s.note(1, "accept", 129, 130, {0, 2, 0}, ms(20));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "accept-keeps-promise");
  EXPECT_EQ(s.violation()->verdict, Verdict::safety);
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{1}));
  EXPECT_NE(s.violation()->message.find("node 1 accepted ballot 129 at 0.020000s after promising ballot 130: an acceptor"),
            std::string::npos)
      << s.violation()->message;
}

TEST(AcceptKeepsPromise, AnAcceptBelowAnEarlierAcceptFailsWhenThePromiseWentBack) {
  // The state says promise 0 (lost, say, across a restart); the monitor remembers ballot 130.
  AcceptKeepsPromiseMonitor monitor;
  EventStream s(monitor, run_info);
  s.note(0, "accept", 130, 130, {1, 0, 0});
  s.note(0, "accept", 66, 0, {2, 0, 0});
  ASSERT_TRUE(s.violation());
  EXPECT_NE(s.violation()->message.find("after promising ballot 130 (its durable promise had gone back)"), std::string::npos)
      << s.violation()->message;
}

TEST(AcceptKeepsPromise, ANewRunForgetsTheLastRunsPromises) {
  AcceptKeepsPromiseMonitor monitor;
  {
    EventStream s(monitor, run_info);
    s.note(0, "accept", 130, 130, {1, 0, 0});
  }
  EventStream s(monitor, run_info);
  s.note(0, "accept", 66, 0, {1, 0, 0});
  EXPECT_FALSE(s.violation());
}

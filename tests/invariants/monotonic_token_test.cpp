#include "invariants/monotonic_token.hpp"

#include <gtest/gtest.h>

#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::MonotonicTokenMonitor;
using test_support::EventStream;

namespace {
constexpr RunInfo run_info{4, 0, seconds(1), 0};
}

TEST(MonotonicToken, QuietWhileTokensNeverDecrease) {
  MonotonicTokenMonitor monitor("accept", "fencing-monotonic");
  EventStream s(monitor, run_info);
  for (std::uint64_t token : {1, 1, 2, 5, 5, 7}) s.note(3, "accept", token, {0, 0, 0, 1});
  s.note(3, "reject", 1, {0, 0, 0, 2});  // another note name
  EXPECT_FALSE(s.violation());
}

TEST(MonotonicToken, FiresWhenATokenGoesBack) {
  MonotonicTokenMonitor monitor("accept", "fencing-monotonic");
  EventStream s(monitor, run_info);
  s.note(3, "accept", 1, {0, 0, 0, 1}, ms(10));
  s.note(3, "accept", 3, {0, 0, 0, 2}, ms(20));
  s.note(3, "accept", 2, {0, 0, 0, 3}, ms(30));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "fencing-monotonic");
  EXPECT_EQ(s.violation()->verdict, Verdict::safety);
  EXPECT_EQ(s.violation()->true_ns, ms(30));
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{3}));
  EXPECT_NE(s.violation()->message.find("token 2 at 0.030000s, lower than token 3 noted by node 3 at 0.020000s"), std::string::npos)
      << s.violation()->message;
}

TEST(MonotonicToken, TokensOfAllNodesFormOneSequence) {
  MonotonicTokenMonitor monitor("commit", "my-tokens");
  EventStream s(monitor, run_info);
  s.note(0, "commit", 4, {1, 0, 0, 0});
  s.note(1, "commit", 3, {0, 1, 0, 0});
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "my-tokens");
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{1, 0}));
}

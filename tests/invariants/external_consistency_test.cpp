// external-consistency (invariants/external_consistency.hpp) on hand-made histories: a transaction
// acknowledged before another is invoked must have the smaller timestamp; concurrent ones, failed
// ones and ones of unknown outcome constrain nothing; the step order decides at equal true times.
#include "invariants/external_consistency.hpp"

#include <gtest/gtest.h>

#include "tests/invariants/event_stream.hpp"

using namespace corridor;
using invariants::ExternalConsistencyMonitor;
using test_support::EventStream;

namespace {

RunInfo ec_run_info() { return RunInfo{3, 2, seconds(2), 0}; }

void ec_commit(EventStream& s, std::uint32_t process, OpType type, time_ns t_ns, std::int64_t value) {
  s.history(process, type, t_ns, "commit", {}, value);
}

}  // namespace

TEST(ExternalConsistency, QuietWhenEveryLaterTransactionHasALargerTimestamp) {
  ExternalConsistencyMonitor monitor("commit", "external-consistency");
  EventStream s(monitor, ec_run_info());
  ec_commit(s, 0, OpType::invoke, ms(10), 1);
  ec_commit(s, 0, OpType::ok, ms(20), 15'000'000);
  ec_commit(s, 1, OpType::invoke, ms(21), 2);
  ec_commit(s, 1, OpType::ok, ms(30), 15'000'001);
  EXPECT_FALSE(s.violation());
}

TEST(ExternalConsistency, ATransactionStartedAfterAnAckWithASmallerTimestampIsReported) {
  ExternalConsistencyMonitor monitor("commit", "external-consistency");
  EventStream s(monitor, ec_run_info());
  ec_commit(s, 0, OpType::invoke, ms(10), 1);
  ec_commit(s, 0, OpType::ok, ms(20), 25'000'000);
  ec_commit(s, 1, OpType::invoke, ms(20), 2);  // same true time, a later step: after the ack
  ec_commit(s, 1, OpType::ok, ms(30), 24'000'000);
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "external-consistency");
  EXPECT_EQ(s.violation()->true_ns, ms(30));
  EXPECT_NE(s.violation()->message.find("client 0's transaction 1 was acknowledged with timestamp 25000000"),
            std::string::npos)
      << s.violation()->message;
  EXPECT_NE(s.violation()->message.find("client 1's transaction 1 started at 0.020000s"), std::string::npos)
      << s.violation()->message;
}

TEST(ExternalConsistency, EqualTimestampsAreReportedToo) {
  ExternalConsistencyMonitor monitor("commit", "external-consistency");
  EventStream s(monitor, ec_run_info());
  ec_commit(s, 0, OpType::invoke, ms(10), 1);
  ec_commit(s, 0, OpType::ok, ms(20), 25'000'000);
  ec_commit(s, 0, OpType::invoke, ms(21), 2);
  ec_commit(s, 0, OpType::ok, ms(30), 25'000'000);
  EXPECT_TRUE(s.violation());
}

TEST(ExternalConsistency, ConcurrentFailedAndUnknownTransactionsConstrainNothing) {
  ExternalConsistencyMonitor monitor("commit", "external-consistency");
  EventStream s(monitor, ec_run_info());
  ec_commit(s, 1, OpType::invoke, ms(5), 1);   // invoked before client 0's ack: concurrent with it
  ec_commit(s, 0, OpType::invoke, ms(10), 2);
  ec_commit(s, 0, OpType::ok, ms(20), 25'000'000);
  ec_commit(s, 1, OpType::ok, ms(30), 24'000'000);
  ec_commit(s, 1, OpType::invoke, ms(40), 3);
  ec_commit(s, 1, OpType::info, ms(140), 3);  // its timestamp is unknown
  ec_commit(s, 0, OpType::invoke, ms(150), 4);
  ec_commit(s, 0, OpType::fail, ms(160), 4);
  s.history(1, OpType::ok, ms(170), "read", {}, std::int64_t{1});  // another function: not a transaction
  EXPECT_FALSE(s.violation());
}

// The replicated-log monitors: exactly-once execution and log agreement.
#include <gtest/gtest.h>

#include "invariants/exactly_once.hpp"
#include "invariants/log_agreement.hpp"

using namespace corridor;

namespace {

constexpr RunInfo three_nodes{3, 1, seconds(1), 0};

// Feeds notes with two values to a monitor.
class Notes {
 public:
  explicit Notes(RunObserver& monitor) : monitor_(monitor) { monitor_.on_run_start(three_nodes); }
  void note(NodeId actor, std::string_view name, std::uint64_t a, std::uint64_t b) {
    EventView v;
    v.step = ++step_;
    v.actor = actor;
    v.kind = EventKind::note;
    v.note = name;
    v.note_a = a;
    v.note_b = b;
    monitor_.on_event(v);
  }
  const std::optional<Violation>& violation() const { return *monitor_.violation(); }

 private:
  RunObserver& monitor_;
  std::uint64_t step_ = 0;
};

}  // namespace

TEST(ExactlyOnce, QuietWhenEveryReplicaExecutesARequestAtOnePosition) {
  invariants::ExactlyOnceMonitor monitor;
  Notes s(monitor);
  for (NodeId n = 0; n < 3; ++n) s.note(n, "execute", 0x100000001, 4);
  s.note(1, "execute", 0x100000001, 4);  // replayed after a restart: same position
  EXPECT_FALSE(s.violation());
}

TEST(ExactlyOnce, FiresWhenARequestExecutesAtTwoPositions) {
  invariants::ExactlyOnceMonitor monitor;
  Notes s(monitor);
  s.note(0, "execute", 0x100000001, 4);
  s.note(2, "execute", 0x100000001, 6);
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "exactly-once");
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{0, 2}));
}

TEST(LogAgreement, QuietWhenReplicasDecideTheSameCommandPerSlot) {
  invariants::LogAgreementMonitor monitor;
  Notes s(monitor);
  s.note(0, "decide", 1, 0xAA);
  s.note(1, "decide", 1, 0xAA);
  s.note(1, "decide", 2, 0xBB);
  EXPECT_FALSE(s.violation());
}

TEST(LogAgreement, FiresWhenTwoReplicasDecideDifferentCommandsForASlot) {
  invariants::LogAgreementMonitor monitor;
  Notes s(monitor);
  s.note(0, "decide", 1, 0xAA);
  s.note(2, "decide", 1, 0xBB);
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "log-agreement");
  EXPECT_NE(s.violation()->message.find("slot 1"), std::string::npos);
}

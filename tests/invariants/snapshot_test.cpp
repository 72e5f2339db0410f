// The snapshot monitors: conservation of a complete snapshot's total and the consistent cut.
#include <gtest/gtest.h>

#include "invariants/consistent_cut.hpp"
#include "invariants/snapshot_conservation.hpp"
#include "invariants/snapshot_notes.hpp"

using namespace corridor;
using invariants::channel_key;

namespace {

constexpr RunInfo two_nodes{2, 0, seconds(1), 0};

invariants::SnapshotConservationMonitor conservation() {
  return invariants::SnapshotConservationMonitor([](std::uint32_t nodes) { return std::int64_t{100} * nodes; });
}

}  // namespace

// A stream with explicit amounts (EventStream's note has no second value), fed directly.
class AmountStream {
 public:
  AmountStream(RunObserver& monitor, RunInfo info) : monitor_(monitor) { monitor_.on_run_start(info); }
  // same_step: the note belongs to the step of the previous event (as in one handler).
  void note(NodeId actor, std::string_view name, std::uint64_t a, std::uint64_t b, std::vector<std::uint32_t> vc = {},
            bool same_step = false) {
    EventView v;
    v.step = same_step ? step_ : ++step_;
    v.actor = actor;
    v.kind = EventKind::note;
    v.note = name;
    v.note_a = a;
    v.note_b = b;
    vc_ = std::move(vc);
    v.vc = vc_;
    monitor_.on_event(v);
  }
  void event(NodeId actor, std::vector<std::uint32_t> vc) {
    EventView v;
    v.step = ++step_;
    v.actor = actor;
    v.kind = EventKind::deliver;
    vc_ = std::move(vc);
    v.vc = vc_;
    monitor_.on_event(v);
  }
  const std::optional<Violation>& violation() const { return *monitor_.violation(); }

 private:
  RunObserver& monitor_;
  std::uint64_t step_ = 0;
  std::vector<std::uint32_t> vc_;
};

TEST(SnapshotConservation, QuietWhenStatesAndChannelsAddUp) {
  auto monitor = conservation();
  AmountStream s(monitor, two_nodes);
  s.note(0, "snapshot-state", 1, 70);
  s.note(1, "snapshot-state", 1, 110);
  s.note(1, "snapshot-channel", channel_key(1, 0), 20);
  s.note(0, "snapshot-channel", channel_key(1, 1), 0);
  monitor.on_run_end(seconds(1));
  EXPECT_FALSE(s.violation());
}

TEST(SnapshotConservation, FiresWhenMoneyInFlightIsLostOrCountedTwice) {
  for (const std::uint64_t in_flight : {std::uint64_t{0}, std::uint64_t{40}}) {
    auto monitor = conservation();
    AmountStream s(monitor, two_nodes);
    s.note(0, "snapshot-state", 1, 70);
    s.note(1, "snapshot-state", 1, 110);
    s.note(1, "snapshot-channel", channel_key(1, 0), in_flight);
    EXPECT_FALSE(s.violation());  // not complete yet
    s.note(0, "snapshot-channel", channel_key(1, 1), 0);
    ASSERT_TRUE(s.violation());
    EXPECT_EQ(s.violation()->invariant, "snapshot-conservation");
    EXPECT_NE(s.violation()->message.find(in_flight == 0 ? "lost 20" : "counted 20"), std::string::npos)
        << s.violation()->message;
  }
}

TEST(SnapshotConservation, AnIncompleteSnapshotAtTheEndIsALivenessViolation) {
  auto monitor = conservation();
  AmountStream s(monitor, two_nodes);
  s.note(0, "snapshot-state", 1, 100);
  monitor.on_run_end(seconds(1));
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->verdict, Verdict::liveness);
}

TEST(SnapshotConservation, RecordingAChannelTwiceIsAViolation) {
  auto monitor = conservation();
  AmountStream s(monitor, two_nodes);
  s.note(1, "snapshot-channel", channel_key(1, 0), 0);
  s.note(1, "snapshot-channel", channel_key(1, 0), 0);
  ASSERT_TRUE(s.violation());
}

// Node 0 records after its event 2 and sends a message at its event 3 (after recording). Node 1
// receives it and only then records: the cut saw node 0's event 3, which is after node 0's cut.
TEST(ConsistentCut, FiresWhenAMessageSentAfterARecordingIsReceivedBeforeOne) {
  invariants::ConsistentCutMonitor monitor;
  AmountStream s(monitor, two_nodes);
  s.event(0, {1, 0});
  s.note(0, "snapshot-state", 1, 0, {2, 0});  // recorded: node 0 as it was after its event 1
  s.event(0, {3, 0});                          // a send after the recording
  s.event(1, {3, 1});                          // node 1 receives it
  s.event(1, {3, 2});                          // a later step at node 1 (a marker's receipt)
  s.note(1, "snapshot-state", 1, 0, {3, 3}, /*same_step=*/true);
  ASSERT_TRUE(s.violation());
  EXPECT_EQ(s.violation()->invariant, "consistent-cut");
  EXPECT_EQ(s.violation()->nodes, (std::vector<NodeId>{0, 1}));
}

TEST(ConsistentCut, TheMarkerThatMakesANodeRecordIsNotPartOfTheCut) {
  invariants::ConsistentCutMonitor monitor;
  AmountStream s(monitor, two_nodes);
  s.event(0, {1, 0});
  s.note(0, "snapshot-state", 1, 0, {2, 0});
  s.event(0, {3, 0});                          // the marker's send
  s.event(1, {3, 1});                          // its receipt, and in the same step the recording
  s.note(1, "snapshot-state", 1, 0, {3, 2}, /*same_step=*/true);
  EXPECT_FALSE(s.violation());
}

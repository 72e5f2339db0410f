#pragma once
// Completion with a bound (liveness) for what a node starts and must finish on its own part:
// a snapshot it recorded its state for, a transaction it waits on the decision of. Read from
// two notes of the protocol's:
//
//   ctx.note(notes.started, id);    // this node now owes the completion of `id`
//   ctx.note(notes.completed, id);  // ... and has completed it
//
// Every started (node, id) completes within bound_ns after the latest of its start, the last
// fault healing (RunInfo.last_heal_ns) and the node becoming live. A crashed node owes nothing
// while down and forgets what it owed (volatile state is lost; after a restart it owes only what
// it starts again); a paused node owes after it resumes. Once the network drops a message, a
// protocol without retransmission may never finish (the marker or the decision is gone), so from
// then on nothing more is checked; a fault that never heals turns the check off too. At the end
// of the run, what is still open past its deadline is a violation. A message in flight longer than
// the bound is a network fault (invariants/late_messages.hpp): nothing is owed while one is, and
// the bound counts from its arrival as from a heal.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "invariants/actor_liveness.hpp"
#include "invariants/late_messages.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

struct CompletionNotes {
  std::string_view started;
  std::string_view completed;
  std::string_view what;  // for sentences: "snapshot", "transaction decision"
};

class CompletionBoundMonitor final : public RunObserver {
 public:
  CompletionBoundMonitor(CompletionNotes notes, time_ns bound_ns, std::string invariant);

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  struct Open {
    time_ns started_ns = 0;
    time_ns deadline_ns = 0;
  };
  static constexpr std::size_t open_max = 100'000;

  void on_note(const EventView& view);
  void forget(NodeId node);
  // Fails on the open (node, id) with the earliest deadline if that deadline is before now_ns.
  void check_deadlines(std::uint64_t step, time_ns now_ns);

  CompletionNotes notes_;
  time_ns bound_ns_;
  std::string invariant_;

  bool active_ = false;
  time_ns last_heal_ns_ = 0;
  ActorLiveness liveness_;
  LateMessages late_;
  std::map<std::pair<NodeId, std::uint64_t>, Open> open_;
  time_ns earliest_deadline_ns_ = time_ns_max;  // a lower bound on the open deadlines
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants

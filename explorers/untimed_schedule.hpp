#pragma once
// Untimed schedules of a failing run, for shrinking it DEMi-style (issue 15): a run as the list of
// events that fired, in order, each named by what stays the same when other events are left out
// (its kind, whose handler ran, the sender, its due time) with the decisions its handler made. A
// schedule is replayed as an untimed run (ExplorerKind::schedule) that fires its events in order
// and ends after the last: an event left out is one the world delays past the end, which an
// untimed world may do and a timed one may not (a timed run can postpone a due event but never
// skip it). So leaving out a heartbeat, a retry, a timer or another client's operation is one
// edit, where the timed shrinker can at most push it later.
//
// A timed run is the schedule that fires the earliest due event at every step, which is the same
// run (same events, true times, states and decisions) as long as no node is paused (a timed engine
// holds a paused node's events and re-times them at its resume; the untimed world leaves them
// pending). Since a schedule keeps the order of what it keeps, true time at each kept event is its
// due time as in the run it came from, so clock readings, leases and timeouts read the same.
//
// A kept event is found again by its name among the pending events; when its causal past changed
// (a sender that now sends something else), it may not be there, and it is skipped.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "explorers/failing_run.hpp"
#include "model/simulation.hpp"

namespace corridor {

// One step of a schedule.
struct ScheduledEvent {
  std::uint8_t kind = 0;  // as EnabledEvent::kind: 0 start, 1 delivery, 2 timer, 3 fault begins, 4 ends, 5 restart
  NodeId actor = no_node;   // whose handler ran (no_node: a fault of the plan)
  NodeId source = no_node;  // deliveries: the sender
  time_ns due_ns = 0;
  // Fired later than its due time, at this true time (0: at its due time or when the run reached
  // it): a stand-in for an event left out fires when that one did (see build_schedule).
  time_ns at_ns = 0;
  std::vector<Choice> decisions;  // what its handler decided, in order (the pick and time not included)
  friend bool operator==(const ScheduledEvent&, const ScheduledEvent&) = default;
};

struct EventSchedule {
  std::vector<ScheduledEvent> events;
  std::optional<Violation> violation;  // what the run violated, with the end-of-run checks
  std::uint64_t violation_step = 0;    // the step it was found at (events.size() when at the end)
};

// The schedule of `run`, read by replaying it: a timed run as the untimed world firing the
// earliest due event at every step (see above), a walk, PCT or schedule run as itself. With
// `record`, sim.records() holds the replay's records afterwards (for causal_past).
EventSchedule schedule_of(Simulation& sim, const FailingRun& run, bool record = false);

// A schedule run firing `events` in order (each found among the pending events by its name, or
// skipped), on `base`'s configuration, seed and plan less the entries whose fault never begins in
// `events`. An event found by its name fires at its due time (or its at_ns). A stand-in (a pending
// delivery or timer of the same node and sender, for a wanted one that is not pending as named:
// left-out events before it sent or set it otherwise) fires at the wanted event's time when that
// is later than its own due time: a heartbeat timer left out hands its place to the next one,
// which then fires when the left-out chain would have, not early. That is the untimed world's
// delay of a pending event, with no other event needed to carry true time there. `fired` is the
// schedule that ran (the events found); `run`'s choice log is the one its run recorded, a pick
// (and a time, for a delayed step) before every step, so it replays exactly.
struct BuiltSchedule {
  FailingRun run;
  EventSchedule fired;
};
BuiltSchedule build_schedule(Simulation& sim, const FailingRun& base, std::span<const ScheduledEvent> events);

// The steps of `schedule` in the causal past of `of` (its index), `of` included, by the vector
// clocks of the recorded run `records` (the records of replaying the schedule's run, one or more
// per step): a step happened before `of` when its vector clock is at most `of`'s. Steps without a
// vector clock (faults of the plan, network events) are kept.
std::vector<ScheduledEvent> causal_past(const EventSchedule& schedule, const std::vector<EventRecord>& records,
                                        std::span<const std::uint64_t> of_steps);

}  // namespace corridor

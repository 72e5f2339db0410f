#pragma once
// Shrink passes: small named searches over one candidate type (FailingRun), composed from two
// moves, RapidCheck-style:
//
//   remove chunks   of a list (the fault plan, the choice log): runs of entries deleted, the run
//                   length halving from half the list down to one entry (delta debugging);
//   move toward     a number of each element (a fault's start, a fault's duration, an actor's
//                   operation budget, a decision's value) toward its target: the target first,
//                   then bisection between what failed to fail and the current value; or runs of
//                   elements set to their target at once, halving the run length.
//
// A pass offers candidates to a ShrinkSearch, which replays each and keeps it only when it still
// fails the same way and is smaller; a pass never changes the best run itself. The shrinker
// (explorers/shrink.hpp) runs a list of passes, which is data (shrink_passes()), round after round
// to a fixed point or the budget. Passes are deterministic: the same best run and the same
// answers give the same candidates in the same order.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "explorers/failing_run.hpp"
#include "model/violation.hpp"

namespace corridor {

class Simulation;

// What a pass sees of the search: the best failing run so far, and a way to offer a candidate.
class ShrinkSearch {
 public:
  virtual const FailingRun& best() const = 0;
  // The client operations each actor started in the best run: what a budget goes down from.
  virtual const std::vector<std::uint32_t>& best_operations() const = 0;
  // Replays the candidate; true when it was kept (it is the best run now). A candidate only ever
  // removes from, or moves toward a default, what best() has.
  virtual bool offer(FailingRun candidate) = 0;
  // True once an offer found a budget spent: every pass then stops offering.
  virtual bool spent() const = 0;
  // What every kept candidate violates (the input's invariant and verdict).
  virtual const Violation& failure() const = 0;
  // The simulation candidates replay in, for a pass that replays a run to read it (untimed-events
  // reads the best run's schedule); what it leaves there is overwritten by the next offer.
  virtual Simulation& simulation() = 0;

 protected:
  ~ShrinkSearch() = default;
};

struct ShrinkPass {
  std::string_view name;  // short, for reports: "fault-chunks"
  std::string_view what;  // one sentence, for --help and the README
  bool (*run)(ShrinkSearch& search);  // true when any candidate was kept
  // Whether it runs when the best run is an untimed schedule (ExplorerKind::schedule), whose log
  // is a pick before every step: edits of plan entries, budgets or decisions by position would
  // move every later pick onto another event, so only untimed-events runs there.
  bool on_schedules = false;
};

// The default pass list, in the order the shrinker runs it: what removes the most first (faults,
// client operations, decisions), then what only moves things (delays postponed, values toward
// their defaults), whose results the next round's removals start from.
std::span<const ShrinkPass> shrink_passes();
// The same list without untimed-events (the last): a shrunk run that stays timed (`corridor shrink
// --timed`, and bench_shrink's "before" column).
std::span<const ShrinkPass> timed_shrink_passes();

// The shortest delay any link can draw: where message delays shrink to.
std::uint64_t delay_floor(const SimConfig& config);

// Where a decision shrinks to: `delay_floor_ns` for a message's delay, else 0 (no loss, no
// duplication, draw 0, a timer at its minimum, pick 0).
std::uint64_t choice_default(ChoiceKind kind, std::uint64_t delay_floor_ns);

// The longest delay every link with drawn delays can draw: where the postponing pass moves a
// delivery to, so that it comes after the violation.
std::uint64_t delay_ceiling(const SimConfig& config);

}  // namespace corridor

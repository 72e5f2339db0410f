#pragma once
// The shrinker: minimises a failing run, layer by layer, to a fixpoint.
//
//   1. the fault plan: runs of entries removed, halving the run length down to single entries
//      (delta debugging), then each fault moved as early, and made as short, as still fails
//      (bisection);
//   2. the workload: each actor's operation budget (SimConfig::operations_max) lowered to 0, or
//      to the smallest that still fails (bisection);
//   3. the choice log: runs of decisions deleted, down to single decisions (greedy deletion);
//   4. message delays: runs of them set to the longest a link draws, halving the run length down
//      to one, so deliveries the violation does not need come after it (a timed run cannot skip a
//      due event; postponing it is what deleting a delivery is to an untimed search);
//   5. what is left: runs of decisions set to their defaults (no loss, no duplication, draw 0, the
//      shortest delay), then each decision's value bisected toward its default.
//
// Every candidate is replayed from its fault plan and choice log (the chooser tolerates an edited
// log, falling back to each decision's default); it is kept only when the same invariant fails
// and the run is strictly smaller in the order (faults, operations, steps, decisions, decisions
// off their default, sum of values), so the search ends. A kept candidate's log is the one its
// replay recorded, so it replays exactly. Same input and budgets, same result, unless the
// seconds budget runs out first (ShrinkResult::stopped_by says so).
#include <cstdint>
#include <string>

#include "model/simulation.hpp"

namespace corridor {

// A run as the shrinker sees it: replayed from the plan and the log, never from the seed.
struct FailingRun {
  SimConfig config;
  std::uint64_t seed = 0;  // kept for the trace header only
  FaultPlan plan;
  ChoiceLog choices;
};

struct ShrinkBudget {
  std::uint64_t replays_max = 20'000;
  double seconds_max = 60.0;
};

// How big a run is (events as a trace counts them: every recorded line).
struct RunSize {
  std::uint64_t events = 0;
  std::uint64_t steps = 0;
  std::uint64_t faults = 0;
  std::uint64_t operations = 0;
  std::uint64_t messages = 0;
  std::uint64_t choices = 0;
};

struct ShrinkResult {
  FailingRun shrunk;
  Violation violation;  // what the shrunk run violates: the same invariant as the input's
  RunSize before;
  RunSize after;
  std::uint64_t replays = 0;
  double seconds = 0;
  std::string stopped_by;  // "" at the fixpoint, else "replays" or "seconds"
};

// The shrunk run of `failing`. Throws std::invalid_argument when `failing` does not fail.
// `sim` must be a simulation of the protocol the run belongs to.
ShrinkResult shrink(Simulation& sim, const FailingRun& failing, const ShrinkBudget& budget = {});

// "events 1029 -> 87, faults 6 -> 1, client operations 40 -> 2, messages 301 -> 25
//  (412 replays, 0.81 s)"
std::string describe(const ShrinkResult& result);

}  // namespace corridor

#pragma once
// The shrinker: minimises a failing run by running a list of shrink passes (explorers/
// shrink_passes.hpp), round after round, to a fixed point or the budget. The default list, in order:
//
//   fault-chunks         runs of fault-plan entries removed, halving down to single entries;
//   fault-times          each fault moved toward time 0, its duration toward 1 ns (bisection);
//   operation-budgets    each actor's client-operation budget (SimConfig::operations_max) toward 0;
//   choice-chunks        runs of choice-log decisions removed, halving down to single decisions;
//   postpone-deliveries  runs of message delays set to the longest a link draws, so deliveries the
//                        violation does not need come after it (a timed run cannot skip a due
//                        event; postponing it is what deleting a delivery is to an untimed search);
//   default-chunks       runs of decisions set to their defaults (no loss, no duplication, draw 0,
//                        the shortest delay);
//   choice-values        each decision's value moved toward its default (bisection);
//   untimed-events       the run read as an untimed schedule (explorers/untimed_schedule.hpp): the
//                        violation's causal past offered whole, then runs of events left out,
//                        halving down to one event (DEMi's delta debugging). Once a schedule is the
//                        best run, it is the only pass that runs (ShrinkPass::on_schedules), and
//                        the shrunk trace is untimed: its header's config says explorer "schedule".
//
// Every candidate is replayed from its fault plan and choice log (the chooser tolerates an edited
// log, falling back to each decision's default); it is kept only when the same invariant fails
// and the run is strictly smaller in the order (faults, operations, steps, decisions, decisions
// off their default, sum of values), so the search ends. A kept candidate's log is the one its
// replay recorded, so it replays exactly. A candidate offered again (the same plan, log and
// budgets) is answered from the record of what was tried, without a replay: it cannot be kept,
// since replays are deterministic and the best run only gets smaller. Same input and budgets,
// same result, unless the seconds budget runs out first (ShrinkResult::stopped_by says so).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "explorers/failing_run.hpp"
#include "explorers/shrink_passes.hpp"
#include "model/simulation.hpp"

namespace corridor {

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

// What one pass of the list did, summed over the rounds: how many candidates it offered, how many
// of those were replayed (the rest had been tried before), how many were kept, and how much the
// kept ones removed from the run (negative where a removal elsewhere made a run longer: fewer
// faults can mean more steps).
struct PassReport {
  std::string_view name;
  std::uint64_t offered = 0;
  std::uint64_t replays = 0;
  std::uint64_t kept = 0;
  std::int64_t faults_removed = 0;
  std::int64_t operations_removed = 0;
  std::int64_t steps_removed = 0;
  std::int64_t choices_removed = 0;
};

struct ShrinkResult {
  FailingRun shrunk;
  Violation violation;  // what the shrunk run violates: the same invariant as the input's
  RunSize before;
  RunSize after;
  std::uint64_t replays = 0;
  double seconds = 0;
  std::string stopped_by;  // "" at the fixpoint, else "replays" or "seconds"
  std::uint32_t rounds = 0;        // rounds of the pass list that ran
  std::vector<PassReport> passes;  // one per pass of the list, in its order
};

// The shrunk run of `failing`. Throws std::invalid_argument when `failing` does not fail.
// `sim` must be a simulation of the protocol the run belongs to.
// `passes` is the list to run, in order (shrink_passes() unless a test or a benchmark compares
// another order); it must not be empty.
ShrinkResult shrink(Simulation& sim, const FailingRun& failing, const ShrinkBudget& budget = {},
                    std::span<const ShrinkPass> passes = shrink_passes());

// "events 1029 -> 87, faults 6 -> 1, client operations 40 -> 2, messages 301 -> 25
//  (412 replays, 0.81 s)"
std::string describe(const ShrinkResult& result);

// One line per pass that ran, in the list's order, with what it removed:
//   "  fault-times              90 offered,     90 replayed,    5 kept: client operations -85, steps -516, decisions -441"
std::string describe_passes(const ShrinkResult& result);

}  // namespace corridor

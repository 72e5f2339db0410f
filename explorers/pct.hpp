#pragma once
// Untimed runs of the simulated world: any enabled event may fire next, and true time moves to
// its due time. Two pickers, both through the chooser (each pick is a `pick` choice in the choice
// log, so a trace replays without the picker):
//
// - walk: a uniformly random enabled event at every step.
// - schedule: no picker; a replay only, every step's pick read from the log, the run ending where
//   the log does (the untimed shrinker's output, explorers/untimed_schedule.hpp).
// - pct: PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010) with the nodes as the
//   scheduled entities. Each of the n entities (every actor, and the fault plan as one more) gets
//   a distinct random priority in [d, d + n); d - 1 change points are drawn from the steps 1..k.
//   At each step the enabled entity of highest priority runs its earliest due event; at the j-th
//   change point the entity about to run drops to priority d - j. A bug of depth d (d ordering
//   constraints between events) is hit by one run with probability at least 1 / (n * k^(d-1)).
#include <cstdint>
#include <string>

#include "explorers/random_explorer.hpp"

namespace corridor {

// PCT's guarantee for n scheduled entities, k steps and depth d.
struct PctBound {
  std::uint32_t entities = 0;
  std::uint64_t steps = 0;
  std::uint32_t depth = 0;
  double probability = 0;  // 1 / (n * k^(d-1))
};
PctBound pct_bound(std::uint32_t entities, std::uint64_t steps, std::uint32_t depth);
// One line for people: "pct: depth 3, n = 7 ..., k = 1000: ... at least 1/(n*k^(d-1)) = 1.4e-07".
std::string describe_pct_bound(const PctBound& bound, std::uint32_t actors);

// One untimed run (config.explorer is pct, walk or schedule); the counterpart of run_once's timed loop.
RunOutcome run_untimed(Simulation& sim, const SimConfig& config, std::uint64_t seed, const RunOptions& options);

}  // namespace corridor

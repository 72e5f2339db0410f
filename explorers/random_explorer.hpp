#pragma once
// The timed random explorer: the earliest due event fires next; message delays, loss,
// duplication and protocol draws come from the chooser (seeded, or replayed from a log).
#include <cstdint>
#include <optional>
#include <vector>

#include "model/simulation.hpp"

namespace corridor {

struct RunOptions {
  bool record = false;                // keep every event (for a trace)
  const FaultPlan* plan = nullptr;    // use this plan instead of the config's or a generated one
  const ChoiceLog* replay = nullptr;  // take decisions from this log instead of the seed
};

struct RunOutcome {
  std::uint64_t seed = 0;
  Verdict verdict = Verdict::pass;
  std::optional<Violation> violation;
  std::uint64_t steps = 0;
  time_ns end_ns = 0;
  std::uint64_t messages = 0;
  std::uint64_t replay_divergences = 0;
};

// One run of `sim` under `config` with `seed`, to the time limit, the first violation, or the
// step budget (verdict hung). Results stay readable on `sim` (records, history, choices, plan).
RunOutcome run_once(Simulation& sim, const SimConfig& config, std::uint64_t seed, const RunOptions& options = {});

// Ends a run that stopped stepping, for every explorer alike: `hung` when the step budget ran out
// (verdict hung), otherwise the run is finished to its time limit and its first violation, if any,
// becomes the verdict. Fills in the counts of `out` from `sim`.
RunOutcome conclude_run(Simulation& sim, const SimConfig& config, bool hung, RunOutcome out);

}  // namespace corridor

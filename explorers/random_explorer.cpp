#include "explorers/random_explorer.hpp"

#include <new>

#include <fmt/format.h>

#include "model/assert.hpp"

#include "explorers/pct.hpp"

namespace corridor {

RunOutcome conclude_run(Simulation& sim, const SimConfig& config, bool hung, RunOutcome out) {
  if (hung) {
    // Not a protocol verdict: the step budget ran out before simulated time did.
    out.verdict = Verdict::hung;
    out.violation = Violation{.invariant = "step-budget", .verdict = Verdict::hung, .step = sim.steps(),
                              .true_ns = sim.now_ns(),
                              .message = fmt::format("the run took more than {} steps before reaching the time limit "
                                          "(a livelock, or raise the budget)", config.max_steps)};
  } else {
    // A schedule ends at its last event (what comes after it is not part of the schedule); the
    // other explorers run to the time limit or until nothing is left to fire.
    const time_ns end_ns = config.explorer == ExplorerKind::schedule ? sim.now_ns() : config.time_limit_ns;
    if (!sim.violation()) sim.finish(end_ns);
    if (sim.violation()) {
      out.violation = sim.violation();
      out.verdict = out.violation->verdict;
    }
  }
  out.steps = sim.steps();
  out.end_ns = sim.now_ns();
  out.messages = sim.messages_sent();
  out.replay_divergences = sim.replay_divergences();
  return out;
}

RunOutcome run_once(Simulation& sim, const SimConfig& config, std::uint64_t seed, const RunOptions& options) {
  // Every run goes through here (seed runner, replay, shrink, determinism check, demo): a failing
  // CORRIDOR_ASSERT during it names this seed, and the step the engine publishes when it starts.
  const RunInFlightScope in_flight(seed, nullptr);
  try {
    if (config.explorer != ExplorerKind::timed) return run_untimed(sim, config, seed, options);
    sim.start(config, seed, options.plan, options.replay, options.record);
    RunOutcome out;
    out.seed = seed;
    bool hung = false;
    while (!sim.violation()) {
      if (sim.steps() >= config.max_steps) {
        hung = true;
        break;
      }
      if (!sim.step(config.time_limit_ns)) break;
    }
    return conclude_run(sim, config, hung, out);
  } catch (const std::bad_alloc&) {
    // What the world's count (SimConfig::run_bytes_max) misses, a monitor's or a checker's own
    // memory, can still exhaust the process: the run gets the same verdict and keeps its seed.
    RunOutcome out;
    out.seed = seed;
    out.verdict = Verdict::hung;
    out.violation = Violation{.invariant = "memory-budget", .verdict = Verdict::hung, .step = sim.steps(),
                              .true_ns = sim.now_ns(),
                              .message = fmt::format("the process ran out of memory at step {} of this run "
                                                     "(std::bad_alloc): a protocol that sends or keeps without bound",
                                                     sim.steps())};
    out.steps = sim.steps();
    out.end_ns = sim.now_ns();
    return out;
  }
}

}  // namespace corridor

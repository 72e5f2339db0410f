#include "explorers/pct.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/prng.hpp"

namespace corridor {

PctBound pct_bound(std::uint32_t entities, std::uint64_t steps, std::uint32_t depth) {
  CORRIDOR_ASSERT(entities > 0 && steps > 0 && depth > 0);
  const double k_power = std::pow(static_cast<double>(steps), static_cast<double>(depth - 1));
  return {entities, steps, depth, 1.0 / (static_cast<double>(entities) * k_power)};
}

std::string describe_pct_bound(const PctBound& b, std::uint32_t actors) {
  return fmt::format("pct: depth d = {} over n = {} scheduled entities ({} nodes and clients, and the fault plan), "
                     "k = {} steps: each run hits a given depth-{} bug with probability at least "
                     "1/(n*k^(d-1)) = {:.3g}",
                     b.depth, b.entities, actors, b.steps, b.depth, b.probability);
}

namespace {

// PCT's priorities over entities 0..n-1 (actor a is entity a, the fault plan entity n - 1).
class PctScheduler {
 public:
  PctScheduler(std::uint32_t entities, std::uint32_t depth, std::uint64_t steps, std::uint64_t seed)
      : depth_(depth), priority_(entities) {
    CORRIDOR_ASSERT(entities > 0 && depth > 0 && steps > 0);
    Xoshiro256 rng(seed);
    auto draw = [&rng](std::uint64_t bound) { return uniform_below([&rng] { return rng.next(); }, bound); };
    for (std::uint32_t i = 0; i < entities; ++i) priority_[i] = depth + i;
    for (std::uint32_t i = entities; i > 1; --i) std::swap(priority_[i - 1], priority_[draw(i)]);  // Fisher-Yates
    for (std::uint32_t j = 1; j < depth; ++j) change_points_.push_back(1 + draw(steps));
  }

  // The index in `events` ((due, seq) order) of the event to fire at step `step` (from 1).
  std::size_t pick(const std::vector<EnabledEvent>& events, std::uint64_t step) {
    CORRIDOR_ASSERT(!events.empty());
    std::size_t best = choose(events);
    for (std::uint32_t j = 1; j < depth_; ++j) {
      if (change_points_[j - 1] != step) continue;
      priority_[entity(events[best])] = depth_ - j;  // below every initial priority
      best = choose(events);
    }
    CORRIDOR_ASSERT(best < events.size());
    return best;
  }

 private:
  std::uint32_t entity(const EnabledEvent& e) const {
    const std::uint32_t id = e.actor == no_node ? static_cast<std::uint32_t>(priority_.size() - 1) : e.actor;
    CORRIDOR_ASSERT_MSG(id < priority_.size(), "every enabled event belongs to an entity PCT ranks");
    return id;
  }
  // The earliest event of the enabled entity with the highest priority.
  std::size_t choose(const std::vector<EnabledEvent>& events) const {
    std::size_t best = 0;
    for (std::size_t i = 1; i < events.size(); ++i) {
      if (priority_[entity(events[i])] > priority_[entity(events[best])]) best = i;
    }
    return best;
  }

  std::uint32_t depth_;
  std::vector<std::uint64_t> priority_;
  std::vector<std::uint64_t> change_points_;
};

}  // namespace

RunOutcome run_untimed(Simulation& sim, const SimConfig& config, std::uint64_t seed, const RunOptions& options) {
  CORRIDOR_ASSERT(config.explorer != ExplorerKind::timed);
  CORRIDOR_ASSERT_MSG(config.explorer != ExplorerKind::schedule || options.replay != nullptr,
                      "a schedule only replays: its picks are its choice log");
  sim.start(config, seed, options.plan, options.replay, options.record);
  const std::uint32_t entities = sim.actor_count() + 1;
  // PCT's own draws come from a stream of their own, so the protocol's choice log is unaffected.
  PctScheduler pct(entities, std::max<std::uint32_t>(config.pct_depth, 1), std::max<std::uint64_t>(config.pct_steps, 1),
                   derive_seed(seed, 0x9C7));
  RunOutcome out;
  out.seed = seed;
  std::vector<EnabledEvent> events;
  bool hung = false;
  while (!sim.violation()) {
    if (sim.steps() >= config.max_steps) {
      hung = true;
      break;
    }
    events.clear();
    sim.enabled_events(config.time_limit_ns, events);
    if (events.empty()) break;
    Chooser& chooser = sim.chooser();
    std::uint64_t index = 0;
    if (config.explorer == ExplorerKind::schedule) {
      const std::optional<Chooser::ScheduledStep> step = chooser.scheduled_step(events.size());
      if (!step) break;  // the schedule ends where its log does
      CORRIDOR_ASSERT(step->index < events.size());
      sim.fire_at(events[step->index].slot, static_cast<time_ns>(step->at_ns));
      continue;
    } else if (config.explorer == ExplorerKind::pct && !chooser.replaying()) {
      index = chooser.decided(ChoiceKind::pick, pct.pick(events, sim.steps() + 1), events.size());
    } else {
      index = chooser.below(ChoiceKind::pick, events.size());  // walk, or any replay
    }
    CORRIDOR_ASSERT(index < events.size());
    sim.fire(events[index].slot);
  }
  return conclude_run(sim, config, hung, out);
}

}  // namespace corridor

#include "explorers/shrink.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "explorers/random_explorer.hpp"
#include "model/assert.hpp"

namespace corridor {

namespace {

using Clock = std::chrono::steady_clock;

// The order candidates must go down in; lexicographic over natural numbers, so the search ends.
using Measure = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t>;

constexpr int rounds_max = 16;            // outer passes over the five layers
constexpr int bisection_steps_max = 8;    // halvings of a fault's time toward 0
constexpr int value_steps_max = 3;        // halvings of a decision's value toward its default

// The shortest delay any link can draw: where delays shrink to.
std::uint64_t delay_floor(const SimConfig& config) {
  auto floor_of = [](const DelaySpec& d) -> time_ns { return d.kind == DelaySpec::Kind::normal ? 0 : d.a_ns; };
  time_ns floor = floor_of(config.link.delay);
  for (const LinkOverride& o : config.links) floor = std::min(floor, floor_of(o.spec.delay));
  return static_cast<std::uint64_t>(std::max<time_ns>(floor, 0));
}

// The longest delay every link with drawn delays can draw: where a delivery is postponed to, so
// that it comes after the violation (a uniform link's upper bound; drawn_delay_ns_max, the engine's cap, for
// exponential and normal links). Constant links draw nothing and do not count.
std::uint64_t delay_ceiling(const SimConfig& config) {
  auto ceiling_of = [](const DelaySpec& d) -> time_ns {
    switch (d.kind) {
      case DelaySpec::Kind::constant: return drawn_delay_ns_max;
      case DelaySpec::Kind::uniform: return d.b_ns;
      case DelaySpec::Kind::exponential:
      case DelaySpec::Kind::normal: return drawn_delay_ns_max;
    }
    return d.a_ns;
  };
  time_ns ceiling = ceiling_of(config.link.delay);
  for (const LinkOverride& o : config.links) ceiling = std::min(ceiling, ceiling_of(o.spec.delay));
  return static_cast<std::uint64_t>(std::max<time_ns>(ceiling, 0));
}

std::uint64_t default_of(ChoiceKind kind, std::uint64_t floor) { return kind == ChoiceKind::delay ? floor : 0; }

std::uint64_t total(const std::vector<std::uint32_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

class Shrinker {
 public:
  Shrinker(Simulation& sim, const ShrinkBudget& budget) : sim_(sim), budget_(budget), start_(Clock::now()) {}

  ShrinkResult run(const FailingRun& failing) {
    const RunOutcome first = replay(failing, false);
    if (!first.violation) throw std::invalid_argument("the run does not fail: there is nothing to shrink");
    target_ = *first.violation;
    ShrinkResult result;
    result.before = size_of(failing);
    floor_ = delay_floor(failing.config);
    ceiling_ = delay_ceiling(failing.config);
    actors_ = sim_.actor_count();
    best_ = failing;
    best_.choices = sim_.choices();
    best_measure_ = measure(best_);
    const Measure first_measure = best_measure_;
    operations_ = sim_.operations_started();
    CORRIDOR_ASSERT(operations_.size() == actors_);
    for (int round = 0; round < rounds_max && !spent(); ++round) {
      bool progress = shrink_faults();
      progress = shrink_operations() || progress;
      progress = shrink_choices() || progress;
      progress = postpone_deliveries() || progress;
      progress = shrink_values() || progress;
      if (!progress) break;
    }
    result.shrunk = best_;
    result.replays = replays_;
    result.stopped_by = stopped_by_;
    result.after = size_of(best_);
    // Both sides of the search: what comes out is no bigger than what went in, in the order the
    // candidates went down in, and it fails the same way, replaying exactly.
    CORRIDOR_ASSERT(!(first_measure < best_measure_));
    CORRIDOR_ASSERT(result.after.faults <= result.before.faults);
    CORRIDOR_ASSERT(result.replays <= budget_.replays_max);
    const RunOutcome last = replay(best_, false);
    CORRIDOR_ASSERT_MSG(last.violation && same_failure(*last.violation), "the shrunk run fails the same way");
    CORRIDOR_ASSERT_MSG(last.replay_divergences == 0, "a kept log replays exactly");
    result.violation = *last.violation;
    result.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return result;
  }

 private:
  RunOutcome replay(const FailingRun& r, bool record) {
    return run_once(sim_, r.config, r.seed, {.record = record, .plan = &r.plan, .replay = &r.choices});
  }

  bool same_failure(const Violation& v) const { return v.invariant == target_.invariant && v.verdict == target_.verdict; }

  // Recorded, for the events count that traces show; not counted as a shrinking replay.
  RunSize size_of(const FailingRun& r) {
    const RunOutcome out = replay(r, true);
    return {sim_.records().size(), out.steps, r.plan.size(), total(sim_.operations_started()), out.messages,
            sim_.choices().size()};
  }

  // The measure of the run `sim_` just replayed for `r`.
  Measure measure(const FailingRun& r) const {
    std::uint64_t off_default = 0;
    std::uint64_t sum = 0;
    for (const Choice& c : sim_.choices().entries()) {
      const std::uint64_t d = default_of(c.kind, floor_);
      if (c.value != d) ++off_default;
      sum += c.value > d ? c.value - d : 0;
    }
    return {r.plan.size(), total(sim_.operations_started()), sim_.steps(), sim_.choices().size(), off_default, sum};
  }

  bool spent() {
    if (!stopped_by_.empty()) return true;
    if (replays_ >= budget_.replays_max) stopped_by_ = "replays";
    else if (std::chrono::duration<double>(Clock::now() - start_).count() >= budget_.seconds_max) stopped_by_ = "seconds";
    return !stopped_by_.empty();
  }

  // Replays the candidate; keeps it (with the log its replay recorded) when it fails the same way
  // and is strictly smaller.
  bool accept(FailingRun candidate) {
    if (spent()) return false;
    assert_well_formed(candidate);
    ++replays_;
    const RunOutcome out = replay(candidate, false);
    if (!out.violation || !same_failure(*out.violation)) return false;
    const Measure m = measure(candidate);
    if (!(m < best_measure_)) return false;
    candidate.choices = sim_.choices();
    best_ = std::move(candidate);
    best_measure_ = m;
    operations_ = sim_.operations_started();
    return true;
  }

  // A candidate is the best run with things removed or moved toward their defaults, never added:
  // every fault names nodes of the run, at a time that exists.
  void assert_well_formed(const FailingRun& c) const {
    CORRIDOR_ASSERT(c.plan.size() <= best_.plan.size());
    CORRIDOR_ASSERT(c.choices.size() <= best_.choices.size());
    for (const FaultEvent& f : c.plan) {
      CORRIDOR_ASSERT(f.at_ns >= 0 && f.duration_ns >= -1);
      for (NodeId n : f.nodes) CORRIDOR_ASSERT_MSG(n < actors_, "a shrunk fault names a node of the run");
      for (NodeId n : f.others) CORRIDOR_ASSERT_MSG(n < actors_, "a shrunk fault names a node of the run");
    }
  }

  // Removes runs of `chunk` items for chunk = size/2, size/4, ..., 1; true when any was kept.
  bool delete_chunks(const std::function<std::size_t()>& size,
                     const std::function<FailingRun(std::size_t begin, std::size_t length)>& without) {
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(size() / 2, 1);; chunk /= 2) {
      for (std::size_t begin = 0; begin < size() && !spent();) {
        const std::size_t length = std::min(chunk, size() - begin);
        if (accept(without(begin, length))) any = true;  // what followed now starts at `begin`
        else begin += length;
      }
      if (chunk <= 1 || spent()) break;
    }
    return any;
  }

  // Entries removed, then each remaining fault moved as early, and made as short, as still fails.
  bool shrink_faults() {
    bool changed = delete_chunks([&] { return best_.plan.size(); },
                                 [&](std::size_t begin, std::size_t length) {
                                   FailingRun c = best_;
                                   c.plan.erase(c.plan.begin() + static_cast<std::ptrdiff_t>(begin),
                                                c.plan.begin() + static_cast<std::ptrdiff_t>(begin + length));
                                   return c;
                                 });
    for (std::size_t i = 0; i < best_.plan.size() && !spent(); ++i) {
      changed = bisect(0, static_cast<std::uint64_t>(best_.plan[i].at_ns),
                       [&](std::uint64_t v) {
                         FailingRun c = best_;
                         c.plan[i].at_ns = static_cast<time_ns>(v);
                         return c;
                       },
                       [&] { return static_cast<std::uint64_t>(best_.plan[i].at_ns); }) || changed;
      if (i >= best_.plan.size() || best_.plan[i].duration_ns <= 0) continue;  // for ever: stays so
      changed = bisect(1, static_cast<std::uint64_t>(best_.plan[i].duration_ns),
                       [&](std::uint64_t v) {
                         FailingRun c = best_;
                         c.plan[i].duration_ns = static_cast<time_ns>(v);
                         return c;
                       },
                       [&] { return static_cast<std::uint64_t>(best_.plan[i].duration_ns); }) || changed;
    }
    return changed;
  }

  // Each actor's budget to 0, else bisected between what failed to fail and what it uses now.
  bool shrink_operations() {
    bool any = false;
    for (std::size_t a = 0; a < operations_.size() && !spent(); ++a) {
      auto with_budget = [&](std::uint32_t budget) {
        FailingRun c = best_;
        c.config.operations_max = operations_;  // the budgets the current run uses, exactly
        c.config.operations_max[a] = budget;
        return c;
      };
      if (operations_[a] == 0) continue;
      if (accept(with_budget(0))) {
        any = true;
        continue;
      }
      std::uint32_t lo = 0;  // fails to fail (or is no smaller)
      for (int guard = 0; guard < 40 && operations_[a] > lo + 1 && !spent(); ++guard) {
        const std::uint32_t mid = lo + (operations_[a] - lo) / 2;
        if (accept(with_budget(mid))) any = true;
        else lo = mid;
      }
    }
    return any;
  }

  bool shrink_choices() {
    return delete_chunks([&] { return best_.choices.size(); },
                         [&](std::size_t begin, std::size_t length) {
                           FailingRun c = best_;
                           auto& e = c.choices.entries();
                           e.erase(e.begin() + static_cast<std::ptrdiff_t>(begin),
                                   e.begin() + static_cast<std::ptrdiff_t>(begin + length));
                           return c;
                         });
  }

  // Runs of message delays set to the longest a link draws, halving the run length down to one:
  // a delivery the violation does not need moves past it, and the run ends in fewer steps (what
  // deleting a delivery is in DEMi's untimed terms; a timed run cannot skip a due event).
  bool postpone_deliveries() {
    if (ceiling_ <= floor_) return false;
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(best_.choices.size() / 2, 1);; chunk /= 2) {
      for (std::size_t begin = 0; begin < best_.choices.size() && !spent(); begin += chunk) {
        FailingRun c = best_;
        auto& e = c.choices.entries();
        const std::size_t end = std::min(begin + chunk, e.size());
        bool changes = false;
        for (std::size_t i = begin; i < end; ++i) {
          if (e[i].kind != ChoiceKind::delay || e[i].value >= ceiling_) continue;
          e[i].value = ceiling_;
          changes = true;
        }
        if (changes && accept(std::move(c))) any = true;
      }
      if (chunk <= 1 || spent()) break;
    }
    return any;
  }

  // Bisects one number between `low` (tried, or the default) and its current value, keeping the
  // smallest that still fails; `set` builds the candidate with the number changed.
  bool bisect(std::uint64_t low, std::uint64_t current, const std::function<FailingRun(std::uint64_t)>& set,
              const std::function<std::uint64_t()>& now, int steps_max = bisection_steps_max) {
    if (current <= low) return false;
    if (accept(set(low))) return true;
    bool any = false;
    for (int guard = 0; guard < steps_max && current > low + 1 && !spent(); ++guard) {
      const std::uint64_t mid = low + (current - low) / 2;
      if (accept(set(mid))) {
        any = true;
        current = std::min(now(), mid);
      } else {
        low = mid;
      }
    }
    return any;
  }

  // Runs of decisions set to their defaults at once, halving the run length down to one.
  bool default_chunks() {
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(best_.choices.size() / 2, 1);; chunk /= 2) {
      for (std::size_t begin = 0; begin < best_.choices.size() && !spent(); begin += chunk) {
        FailingRun c = best_;
        auto& e = c.choices.entries();
        const std::size_t end = std::min(begin + chunk, e.size());
        bool changes = false;
        for (std::size_t i = begin; i < end; ++i) {
          const std::uint64_t d = default_of(e[i].kind, floor_);
          changes = changes || e[i].value != d;
          e[i].value = d;
        }
        if (changes && accept(std::move(c))) any = true;
      }
      if (chunk <= 1 || spent()) break;
    }
    return any;
  }

  bool shrink_values() {
    bool changed = default_chunks();
    for (std::size_t i = 0; i < best_.choices.size() && !spent(); ++i) {
      const std::uint64_t d = default_of(best_.choices.entries()[i].kind, floor_);
      const std::uint64_t v = best_.choices.entries()[i].value;
      if (v <= d + 1) continue;  // the default was tried by default_chunks
      changed = bisect(d + 1, v,
                       [&](std::uint64_t x) {
                         FailingRun c = best_;
                         if (i < c.choices.size()) c.choices.entries()[i].value = x;
                         return c;
                       },
                       [&] { return i < best_.choices.size() ? best_.choices.entries()[i].value : 0; },
                       value_steps_max) || changed;
    }
    return changed;
  }

  Simulation& sim_;
  ShrinkBudget budget_;
  Clock::time_point start_;
  Violation target_;
  std::uint64_t floor_ = 0;
  std::uint64_t ceiling_ = 0;
  std::uint32_t actors_ = 0;
  FailingRun best_;
  Measure best_measure_;
  std::vector<std::uint32_t> operations_;  // what the best run started, per actor
  std::uint64_t replays_ = 0;
  std::string stopped_by_;
};

}  // namespace

ShrinkResult shrink(Simulation& sim, const FailingRun& failing, const ShrinkBudget& budget) {
  if (budget.replays_max == 0 || !(budget.seconds_max > 0)) throw std::invalid_argument("a shrink budget must be positive");
  Shrinker shrinker(sim, budget);
  return shrinker.run(failing);
}

std::string describe(const ShrinkResult& r) {
  std::string text = fmt::format(
      "events {} -> {}, faults {} -> {}, client operations {} -> {}, messages {} -> {} ({} replays, {:.2f} s",
      r.before.events, r.after.events, r.before.faults, r.after.faults, r.before.operations, r.after.operations,
      r.before.messages, r.after.messages, r.replays, r.seconds);
  if (!r.stopped_by.empty()) text += fmt::format("; stopped: {} budget spent", r.stopped_by == "replays" ? "replay" : "time");
  return text + ")";
}

}  // namespace corridor

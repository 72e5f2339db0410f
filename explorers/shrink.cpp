#include "explorers/shrink.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "explorers/random_explorer.hpp"
#include "model/assert.hpp"

namespace corridor {

namespace {

using Clock = std::chrono::steady_clock;

// The order candidates must go down in; lexicographic over natural numbers, so the search ends.
// (faults, operations, steps, decisions, decisions off their default, sum of values)
using Measure = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t>;

constexpr std::uint32_t rounds_max = 16;  // rounds of the pass list

std::uint64_t total(const std::vector<std::uint32_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

// What identifies a candidate's replay: the fields passes edit (explorers/failing_run.hpp). A
// 64-bit digest; with at most replays_max candidates a collision is about as likely as 2^-34 at
// 20,000, and it would only skip one candidate, the same one on every run.
std::uint64_t candidate_digest(const FailingRun& c) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  auto add = [&](const auto& value) { XXH3_64bits_update(&state, &value, sizeof value); };
  add(c.plan.size());
  for (const FaultEvent& f : c.plan) {
    add(f.at_ns), add(f.kind), add(f.both_ways), add(f.duration_ns), add(f.amount_ns), add(f.drift_ppm);
    add(f.probability), add(f.nodes.size()), add(f.others.size());
    for (NodeId n : f.nodes) add(n);
    for (NodeId n : f.others) add(n);
  }
  add(c.choices.size());
  for (const Choice& choice : c.choices.entries()) add(choice.kind), add(choice.value);
  add(c.config.explorer);
  add(c.config.operations_max.size());
  for (std::uint32_t budget : c.config.operations_max) add(budget);
  return XXH3_64bits_digest(&state);
}

class Shrinker final : public ShrinkSearch {
 public:
  Shrinker(Simulation& sim, const ShrinkBudget& budget) : sim_(sim), budget_(budget), start_(Clock::now()) {}

  ShrinkResult run(const FailingRun& failing, std::span<const ShrinkPass> passes) {
    const RunOutcome first = replay(failing, false);
    if (!first.violation) throw std::invalid_argument("the run does not fail: there is nothing to shrink");
    target_ = *first.violation;
    ShrinkResult result;
    result.before = size_of(failing);
    floor_ = delay_floor(failing.config);
    actors_ = sim_.actor_count();
    best_ = failing;
    best_.choices = sim_.choices();
    best_measure_ = measure(best_);
    const Measure first_measure = best_measure_;
    operations_ = sim_.operations_started();
    CORRIDOR_ASSERT(operations_.size() == actors_);
    tried_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(budget_.replays_max, 1u << 20)));
    for (const ShrinkPass& pass : passes) result.passes.push_back({.name = pass.name});
    run_rounds(passes, result);
    result.shrunk = best_;
    result.replays = replays_;
    result.stopped_by = stopped_by_;
    result.after = size_of(best_);
    // Both sides of the search: what comes out is no bigger than what went in, in the order the
    // candidates went down in, and it fails the same way, replaying exactly.
    CORRIDOR_ASSERT(!(first_measure < best_measure_));
    CORRIDOR_ASSERT(result.after.faults <= result.before.faults);
    CORRIDOR_ASSERT(result.after.operations <= result.before.operations);
    CORRIDOR_ASSERT(result.replays <= budget_.replays_max);
    const RunOutcome last = replay(best_, false);
    CORRIDOR_ASSERT_MSG(last.violation && same_failure(*last.violation), "the shrunk run fails the same way");
    CORRIDOR_ASSERT_MSG(last.replay_divergences == 0, "a kept log replays exactly");
    result.violation = *last.violation;
    result.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return result;
  }

  const FailingRun& best() const override { return best_; }
  const std::vector<std::uint32_t>& best_operations() const override { return operations_; }

  bool spent() const override { return !stopped_by_.empty(); }
  const Violation& failure() const override { return target_; }
  Simulation& simulation() override { return sim_; }

  // Replays the candidate; keeps it (with the log its replay recorded) when it fails the same way
  // and is strictly smaller.
  bool offer(FailingRun candidate) override {
    if (check_budget()) return false;
    assert_well_formed(candidate);
    PassReport& report = *report_;
    ++report.offered;
    if (!tried_.insert(candidate_digest(candidate)).second) return false;
    ++replays_;
    ++report.replays;
    const RunOutcome out = replay(candidate, false);
    if (!out.violation || !same_failure(*out.violation)) return false;
    const Measure m = measure(candidate);
    if (!(m < best_measure_)) return false;
    // Fewer faults can let a run start more operations before it fails (vc-kv's lww-wall-clock
    // did): lexicographically smaller, but the result must not grow in operations either.
    if (std::get<1>(m) > std::get<1>(best_measure_)) return false;
    candidate.choices = sim_.choices();
    best_ = std::move(candidate);
    best_measure_ = m;
    operations_ = sim_.operations_started();
    ++report.kept;
    return true;
  }

 private:
  // The pass list, in order, round after round, until a round keeps nothing or a budget is spent.
  void run_rounds(std::span<const ShrinkPass> passes, ShrinkResult& result) {
    for (std::uint32_t round = 0; round < rounds_max && !check_budget(); ++round) {
      ++result.rounds;
      bool progress = false;
      for (std::size_t p = 0; p < passes.size(); ++p) {
        if (best_.config.explorer == ExplorerKind::schedule && !passes[p].on_schedules) continue;
        report_ = &result.passes[p];
        const Measure before = best_measure_;
        const bool kept = passes[p].run(*this);
        CORRIDOR_ASSERT_MSG(kept == (best_measure_ < before), "a pass says whether it kept a candidate");
        count_removed(before, best_measure_, *report_);
        progress = progress || kept;
      }
      report_ = nullptr;
      if (!progress) break;
    }
  }

  static void count_removed(const Measure& before, const Measure& after, PassReport& report) {
    auto removed = [](std::uint64_t b, std::uint64_t a) { return static_cast<std::int64_t>(b) - static_cast<std::int64_t>(a); };
    report.faults_removed += removed(std::get<0>(before), std::get<0>(after));
    report.operations_removed += removed(std::get<1>(before), std::get<1>(after));
    report.steps_removed += removed(std::get<2>(before), std::get<2>(after));
    report.choices_removed += removed(std::get<3>(before), std::get<3>(after));
  }

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
      const std::uint64_t d = choice_default(c.kind, floor_);
      if (c.value != d) ++off_default;
      sum += c.value > d ? c.value - d : 0;
    }
    return {r.plan.size(), total(sim_.operations_started()), sim_.steps(), sim_.choices().size(), off_default, sum};
  }

  // True once a budget is spent, recording which.
  bool check_budget() {
    if (!stopped_by_.empty()) return true;
    if (replays_ >= budget_.replays_max) stopped_by_ = "replays";
    else if (std::chrono::duration<double>(Clock::now() - start_).count() >= budget_.seconds_max) stopped_by_ = "seconds";
    return !stopped_by_.empty();
  }

  // A candidate is the best run with things removed or moved toward their defaults, never added:
  // every fault names nodes of the run, at a time that exists, and budgets are per actor.
  void assert_well_formed(const FailingRun& c) const {
    CORRIDOR_ASSERT(report_ != nullptr);
    CORRIDOR_ASSERT(c.plan.size() <= best_.plan.size());
    // A schedule's log is written afresh from its events (a pick before each), so it is not an
    // edit of the best run's log and may be longer; every other candidate only removes decisions.
    CORRIDOR_ASSERT(c.choices.size() <= best_.choices.size() || c.config.explorer == ExplorerKind::schedule);
    CORRIDOR_ASSERT_MSG(c.config.explorer == best_.config.explorer || c.config.explorer == ExplorerKind::schedule,
                        "a candidate is a run of the best run's explorer, or an untimed schedule");
    CORRIDOR_ASSERT(c.config.operations_max.empty() || c.config.operations_max.size() == actors_);
    CORRIDOR_ASSERT(total(c.config.operations_max) <= total(best_.config.operations_max) ||
                    best_.config.operations_max.empty());
    for (const FaultEvent& f : c.plan) {
      CORRIDOR_ASSERT(f.at_ns >= 0 && f.duration_ns >= -1);
      for (NodeId n : f.nodes) CORRIDOR_ASSERT_MSG(n < actors_, "a shrunk fault names a node of the run");
      for (NodeId n : f.others) CORRIDOR_ASSERT_MSG(n < actors_, "a shrunk fault names a node of the run");
    }
  }

  Simulation& sim_;
  ShrinkBudget budget_;
  Clock::time_point start_;
  Violation target_;
  std::uint64_t floor_ = 0;
  std::uint32_t actors_ = 0;
  FailingRun best_;
  Measure best_measure_;
  std::vector<std::uint32_t> operations_;  // what the best run started, per actor
  std::unordered_set<std::uint64_t> tried_;  // digests of every candidate offered; looked up, never iterated
  PassReport* report_ = nullptr;             // the pass running now
  std::uint64_t replays_ = 0;
  std::string stopped_by_;
};

}  // namespace

ShrinkResult shrink(Simulation& sim, const FailingRun& failing, const ShrinkBudget& budget,
                    std::span<const ShrinkPass> passes) {
  if (budget.replays_max == 0 || !(budget.seconds_max > 0)) throw std::invalid_argument("a shrink budget must be positive");
  CORRIDOR_ASSERT_MSG(!passes.empty(), "a shrinker runs at least one pass");
  Shrinker shrinker(sim, budget);
  return shrinker.run(failing, passes);
}

std::string describe(const ShrinkResult& r) {
  std::string text = fmt::format(
      "events {} -> {}, faults {} -> {}, client operations {} -> {}, messages {} -> {} ({} replays, {:.2f} s",
      r.before.events, r.after.events, r.before.faults, r.after.faults, r.before.operations, r.after.operations,
      r.before.messages, r.after.messages, r.replays, r.seconds);
  if (!r.stopped_by.empty()) text += fmt::format("; stopped: {} budget spent", r.stopped_by == "replays" ? "replay" : "time");
  text += ")";
  if (r.shrunk.config.explorer == ExplorerKind::schedule) {
    text += "; an untimed schedule: the events the violation needs, in their order, the rest delayed past it";
  }
  return text;
}

std::string describe_passes(const ShrinkResult& r) {
  std::string text = fmt::format("passes, in order, over {} round{}:\n", r.rounds, r.rounds == 1 ? "" : "s");
  for (const PassReport& p : r.passes) {
    text += fmt::format("  {:<20} {:>6} offered, {:>6} replayed, {:>4} kept", p.name, p.offered, p.replays, p.kept);
    std::string removed;
    auto add = [&](const char* what, std::int64_t n) {
      if (n != 0) removed += fmt::format("{}{} {:+}", removed.empty() ? ": " : ", ", what, -n);
    };
    add("faults", p.faults_removed);
    add("client operations", p.operations_removed);
    add("steps", p.steps_removed);
    add("decisions", p.choices_removed);
    text += removed + "\n";
  }
  return text;
}

}  // namespace corridor

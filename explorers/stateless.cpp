#include "explorers/stateless.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "model/assert.hpp"

namespace corridor {

namespace {

// Events of two different nodes commute; a fault of the plan (no actor) commutes with nothing.
bool independent(const EnabledEvent& a, const EnabledEvent& b) {
  return a.actor != no_node && b.actor != no_node && a.actor != b.actor;
}
bool contains(const std::vector<EnabledEvent>& set, const EnabledEvent& e) {
  return std::any_of(set.begin(), set.end(), [&](const EnabledEvent& z) { return z.seq == e.seq && z.slot == e.slot; });
}

// An event for people, as the stateful search describes its actions (model/world_model.hpp).
std::string describe(const EnabledEvent& e) {
  switch (e.kind) {
    case 0: return "n" + std::to_string(e.actor) + " starts";
    case 1: return "n" + std::to_string(e.actor) + " receives from n" + std::to_string(e.source);
    case 2: return "n" + std::to_string(e.actor) + " timer fires";
    case 5: return "n" + std::to_string(e.actor) + " restarts";
    default: return "a fault of the plan";
  }
}

// The shallowest schedule this search found to each witness.
struct WitnessFound {
  std::uint32_t depth = UINT32_MAX;  // UINT32_MAX: not reached
  std::vector<std::string> path;
};

struct Shared {
  const StatelessOptions& options;
  std::atomic<std::uint64_t> executions{0};
  std::atomic<bool> budget_hit{false};
  // The leftmost root branch that failed so far: branches right of it stop.
  std::atomic<std::uint32_t> failed_branch{UINT32_MAX};
};

class Search {
 public:
  Search(Simulation& sim, const SimConfig& config, Shared& shared, std::uint32_t branch, std::size_t witness_count)
      : witnesses(witness_count), sim_(sim), config_(config), shared_(shared), branch_(branch) {}

  // Runs the subtree under root child `branch_` with its sleep set.
  void run(std::vector<EnabledEvent> sleep) {
    path_ = {branch_};
    if (!replay()) return;
    explore(1, std::move(sleep));
  }

  std::optional<Violation> violation;
  std::vector<std::uint32_t> failing_path;
  std::uint64_t events_fired = 0;
  std::uint64_t schedules = 0;
  std::uint64_t pruned = 0;
  std::uint32_t depth_reached = 0;
  std::vector<WitnessFound> witnesses;  // by declaration order

 private:
  bool stopped() const {
    return violation || shared_.budget_hit.load() || shared_.failed_branch.load() < branch_;
  }
  // A fresh run, then every pick of path_, each logged as a `k` choice so a trace replays.
  bool replay() {
    if (shared_.executions.fetch_add(1) >= shared_.options.executions_max) {
      shared_.budget_hit = true;
      return false;
    }
    sim_.start(config_, shared_.options.seed, nullptr, nullptr, false);
    fired_ = 0;
    for (std::uint32_t index : path_) {
      if (!fire(index)) return false;
    }
    return true;
  }
  bool fire(std::uint32_t index) {
    events_.clear();
    sim_.enabled_events(config_.time_limit_ns, events_);
    CORRIDOR_ASSERT_MSG(index < events_.size(), "a replayed prefix finds the events it found before");
    sim_.chooser().decided(ChoiceKind::pick, index, events_.size());
    if (described_.size() <= fired_) described_.resize(fired_ + 1);
    described_[fired_++] = events_[index];
    sim_.fire(events_[index].slot);
    ++events_fired;
    note_witnesses();
    return !note_violation();
  }
  // The witnesses the world now holds, each kept if this schedule reaches it shallower than any
  // before (a replayed prefix reaches it at the same depth again, which keeps the first).
  void note_witnesses() {
    const std::uint64_t holding = witnesses.empty() ? 0 : sim_.witnesses_holding();
    for (std::size_t i = 0; holding != 0 && i < witnesses.size(); ++i) {
      if (((holding >> i) & 1) == 0 || witnesses[i].depth <= fired_) continue;
      witnesses[i].depth = fired_;
      witnesses[i].path.clear();
      for (std::uint32_t k = 0; k < fired_; ++k) witnesses[i].path.push_back(describe(described_[k]));
    }
  }
  bool note_violation() {
    if (!sim_.violation()) return false;
    violation = sim_.violation();
    failing_path = path_;
    return true;
  }
  void leaf(std::uint32_t depth) {
    ++schedules;
    depth_reached = std::max(depth_reached, depth);
    sim_.finish(sim_.now_ns());
    note_violation();
  }

  // sim_ is at the end of path_ (depth events).
  void explore(std::uint32_t depth, std::vector<EnabledEvent> sleep) {
    if (stopped()) return;
    std::vector<EnabledEvent> enabled;
    sim_.enabled_events(config_.time_limit_ns, enabled);
    if (depth >= shared_.options.depth_max || enabled.empty()) {
      leaf(depth);
      return;
    }
    std::vector<EnabledEvent> explored;
    bool at_node = true;  // sim_ is still at this node's state
    for (std::uint32_t i = 0; i < enabled.size() && !stopped(); ++i) {
      const EnabledEvent& e = enabled[i];
      if (shared_.options.sleep_sets && contains(sleep, e)) {
        ++pruned;
        continue;
      }
      if (!at_node && !replay()) return;
      at_node = false;
      std::vector<EnabledEvent> child_sleep;
      if (shared_.options.sleep_sets) {
        for (const auto* set : {&sleep, &explored}) {
          for (const EnabledEvent& z : *set) {
            if (independent(z, e)) child_sleep.push_back(z);
          }
        }
      }
      path_.push_back(i);
      if (fire(i)) explore(depth + 1, std::move(child_sleep));
      path_.pop_back();
      explored.push_back(e);
    }
  }

  Simulation& sim_;
  const SimConfig& config_;
  Shared& shared_;
  std::uint32_t branch_;
  std::vector<std::uint32_t> path_;
  std::vector<EnabledEvent> events_;
  std::vector<EnabledEvent> described_;  // the events fired since the run's start, in order
  std::uint32_t fired_ = 0;
};

}  // namespace

StatelessResult explore_stateless(const std::function<std::unique_ptr<Simulation>()>& make, SimConfig config,
                                  const StatelessOptions& options) {
  CORRIDOR_ASSERT(options.depth_max > 0 && options.executions_max > 0);
  const auto started = std::chrono::steady_clock::now();
  config.explorer = ExplorerKind::walk;
  Shared shared{options};
  StatelessResult result;

  // The root's enabled events, each the root of one thread's subtree.
  std::vector<EnabledEvent> roots;
  std::vector<WitnessInfo> declared;
  {
    std::unique_ptr<Simulation> sim = make();
    declared = sim->witnesses();
    sim->start(config, options.seed, nullptr, nullptr, false);
    sim->enabled_events(config.time_limit_ns, roots);
  }
  const auto branches = static_cast<std::uint32_t>(roots.size());
  std::vector<std::optional<Search>> searches(branches);
  std::vector<std::unique_ptr<Simulation>> sims;
  std::atomic<std::uint32_t> next{0};
  std::mutex sims_mutex;
  const std::uint32_t jobs = std::max<std::uint32_t>(
      1, std::min<std::uint32_t>(options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency()), branches));

  const auto worker = [&] {
    std::unique_ptr<Simulation> sim = make();
    for (std::uint32_t b = next.fetch_add(1); b < branches; b = next.fetch_add(1)) {
      if (shared.failed_branch.load() < b || shared.budget_hit.load()) break;
      std::vector<EnabledEvent> sleep;
      for (std::uint32_t j = 0; options.sleep_sets && j < b; ++j) {
        if (independent(roots[j], roots[b])) sleep.push_back(roots[j]);
      }
      Search& search = searches[b].emplace(*sim, config, shared, b, declared.size());
      search.run(std::move(sleep));
      if (search.violation) {
        std::uint32_t seen = shared.failed_branch.load();
        while (b < seen && !shared.failed_branch.compare_exchange_weak(seen, b)) {
        }
      }
    }
    const std::lock_guard lock(sims_mutex);
    sims.push_back(std::move(sim));  // freed after every thread is done
  };
  std::vector<std::thread> threads;
  for (std::uint32_t t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();

  for (const auto& s : searches) {
    if (!s) continue;
    result.events_fired += s->events_fired;
    result.schedules += s->schedules;
    result.pruned += s->pruned;
    result.depth_reached = std::max(result.depth_reached, s->depth_reached);
    if (s->violation && !result.violation) {
      result.violation = s->violation;
      result.path = s->failing_path;
    }
  }
  for (std::size_t i = 0; i < declared.size(); ++i) {
    WitnessReport r{declared[i].name, declared[i].description, false, 0, {}};
    for (const auto& s : searches) {  // in branch order: the leftmost of the shallowest
      if (!s || s->witnesses[i].depth == UINT32_MAX) continue;
      if (r.reached && s->witnesses[i].depth >= r.depth) continue;
      r.reached = true;
      r.depth = s->witnesses[i].depth;
      r.path = s->witnesses[i].path;
    }
    result.witnesses.push_back(std::move(r));
  }
  if (branches == 0) result.schedules = 1;
  result.executions = std::min(shared.executions.load(), options.executions_max);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (result.violation) result.stop_reason = "violation";
  else if (shared.budget_hit) result.stop_reason = "execution budget";
  else result.stop_reason = "complete to depth " + std::to_string(options.depth_max);
  result.complete = !result.violation && !shared.budget_hit;
  return result;
}

}  // namespace corridor

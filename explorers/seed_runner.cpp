#include "explorers/seed_runner.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/prng.hpp"

namespace corridor {

namespace {
// Lock-free atomics, so a signal handler may read them.
std::array<std::atomic<std::uint64_t>, in_flight_slots> in_flight{};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
}  // namespace

std::uint64_t in_flight_seed(std::size_t slot) { return slot < in_flight_slots ? in_flight[slot].load() : 0; }

std::uint64_t seed_of_run(const CampaignConfig& campaign, std::uint64_t index) {
  return campaign.only_seed ? *campaign.only_seed : derive_seed(campaign.master_seed, index);
}

std::optional<Violation> check_determinism(Simulation& sim, const SimConfig& config, std::uint64_t seed) {
  run_once(sim, config, seed, {.record = true});
  const std::vector<EventRecord> first = sim.records();
  const ChoiceLog first_choices = sim.choices();
  run_once(sim, config, seed, {.record = true});
  const std::vector<EventRecord>& second = sim.records();
  const std::size_t common = std::min(first.size(), second.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (first[i] == second[i]) continue;
    return Violation{"determinism", Verdict::crashed, first[i].step, first[i].true_ns, {first[i].actor}, {},
                     fmt::format("seed {:#x} ran twice differs first at step {} (event {}): '{}' then '{}'", seed,
                                 first[i].step, i, first[i].summary, second[i].summary)};
  }
  if (first.size() != second.size() || !(first_choices == sim.choices())) {
    return Violation{"determinism", Verdict::crashed, common, 0, {}, {},
                     fmt::format("seed {:#x} ran twice gives {} and {} events", seed, first.size(), second.size())};
  }
  return std::nullopt;
}

namespace {

// The events of the runs counted. Without keep_going a run counts only when its index is at most
// the lowest failing index F, which is known only at the end; a worker therefore keeps the
// (index, steps) of its recent runs and folds an entry once its fate is settled: below the
// lowest index not yet finished (W) every run is done, so every failure there is known, and F is
// at least min(W, the lowest failure known). Entries stay pending only while a slower run below
// them is in flight.
struct RunSteps {
  std::uint64_t index = 0;
  std::uint64_t steps = 0;
};

struct Tally {
  std::uint64_t events_counted = 0;
  std::vector<RunSteps> pending;  // in index order: a worker takes increasing indexes
};

inline constexpr std::size_t fold_every_runs = 64;
inline constexpr std::uint64_t no_index = UINT64_MAX;

struct Shared {
  const SimulationFactory& make;
  const SimConfig& config;
  const CampaignConfig& campaign;
  const RunHook& after_run;
  std::uint64_t first = 0;
  std::uint64_t end = 0;  // one past the last index
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> stop_index{no_index};
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> failures{0};
  // Per worker: a lower bound of the index it runs (no_index when idle), published before it takes
  // the index, so that no index handed out is ever unaccounted for.
  std::unique_ptr<std::atomic<std::uint64_t>[]> floors;
  unsigned workers = 0;
  std::mutex mutex;
  std::condition_variable finished;
  unsigned workers_left = 0;
  std::vector<SeedFailure> failed;
  std::uint64_t events_counted = 0;
  std::vector<RunSteps> pending;  // the workers' unsettled entries, at the end
  std::exception_ptr error;
};

// The lowest index not finished: read `next` first, then the floors (see Shared::floors).
std::uint64_t unfinished_below(const Shared& s) {
  std::uint64_t low = s.next.load();
  for (unsigned w = 0; w < s.workers; ++w) low = std::min(low, s.floors[w].load());
  return low;
}

void fold(const Shared& s, Tally& tally) {
  if (s.campaign.keep_going) {  // every run counts
    for (const RunSteps& r : tally.pending) tally.events_counted += r.steps;
    tally.pending.clear();
    return;
  }
  const std::uint64_t settled_below = unfinished_below(s);
  const std::uint64_t failure_low = s.stop_index.load();
  std::size_t settled = 0;
  while (settled < tally.pending.size() && tally.pending[settled].index < settled_below) {
    if (tally.pending[settled].index <= failure_low) tally.events_counted += tally.pending[settled].steps;
    ++settled;
  }
  tally.pending.erase(tally.pending.begin(), tally.pending.begin() + static_cast<std::ptrdiff_t>(settled));
}

// With keep_going, the lowest failures_kept_max failures are kept, whichever thread found them.
void keep_failure(Shared& s, std::uint64_t index, RunOutcome&& outcome) {
  s.failed.push_back({index, std::move(outcome)});
  const std::size_t kept_max = std::max<std::size_t>(1, s.campaign.failures_kept_max);
  if (s.failed.size() < 2 * kept_max) return;
  std::sort(s.failed.begin(), s.failed.end(), [](const SeedFailure& a, const SeedFailure& b) { return a.index < b.index; });
  s.failed.resize(kept_max);
}

void worker(Shared& s, std::size_t slot) {
  std::atomic<std::uint64_t>* running = slot < in_flight_slots ? &in_flight[slot] : nullptr;
  std::atomic<std::uint64_t>& my_floor = s.floors[slot];
  Tally tally;
  try {
    auto sim = s.make();
    for (;;) {
      if (tally.pending.size() >= fold_every_runs) fold(s, tally);
      my_floor.store(s.next.load());
      const std::uint64_t index = s.next.fetch_add(1);
      if (index >= s.end || index > s.stop_index.load()) break;
      const std::uint64_t seed = seed_of_run(s.campaign, index);
      if (running) running->store(seed);
      RunOutcome outcome = run_once(*sim, s.config, seed);
      if (s.after_run) s.after_run(index, *sim, outcome);
      if (outcome.verdict == Verdict::pass && s.campaign.check_determinism) {
        if (auto v = check_determinism(*sim, s.config, seed)) {
          outcome.verdict = Verdict::crashed;
          outcome.violation = std::move(v);
        }
      }
      s.events.fetch_add(outcome.steps);
      s.done.fetch_add(1);
      tally.pending.push_back({index, outcome.steps});
      if (outcome.verdict == Verdict::pass) continue;
      s.failures.fetch_add(1);
      std::lock_guard lock(s.mutex);
      keep_failure(s, index, std::move(outcome));
      if (!s.campaign.keep_going) {
        std::uint64_t current = s.stop_index.load();
        while (index < current && !s.stop_index.compare_exchange_weak(current, index)) {}
      }
    }
  } catch (...) {
    std::lock_guard lock(s.mutex);
    if (!s.error) s.error = std::current_exception();
    s.stop_index.store(0);
  }
  my_floor.store(no_index);
  if (running) running->store(0);
  std::lock_guard lock(s.mutex);
  s.events_counted += tally.events_counted;
  s.pending.insert(s.pending.end(), tally.pending.begin(), tally.pending.end());
  if (--s.workers_left == 0) s.finished.notify_all();
}

// The counts of the runs up to the lowest failure (all runs with keep_going or without failure).
void settle_counts(Shared& s, CampaignResult& result) {
  std::sort(result.failures.begin(), result.failures.end(),
            [](const SeedFailure& a, const SeedFailure& b) { return a.index < b.index; });
  const bool stopped = !s.campaign.keep_going && !result.failures.empty();
  const std::uint64_t last = stopped ? result.failures.front().index : s.end - 1;
  std::uint64_t events = s.events_counted;
  for (const RunSteps& r : s.pending) {
    if (r.index <= last) events += r.steps;
  }
  result.events = events;
  if (stopped) {
    result.failures.resize(1);
    result.runs_done = last - s.first + 1;
    result.failures_total = 1;
  } else {
    if (result.failures.size() > s.campaign.failures_kept_max) result.failures.resize(s.campaign.failures_kept_max);
    result.runs_done = s.done.load();
    result.failures_total = s.failures.load();
  }
  CORRIDOR_ASSERT(result.runs_done <= s.end - s.first);
  CORRIDOR_ASSERT(result.failures.size() <= result.failures_total);
}

}  // namespace

CampaignResult run_campaign(const SimulationFactory& make, const SimConfig& config, const CampaignConfig& campaign,
                            const ProgressFn& progress, const RunHook& after_run) {
  Shared s{make, config, campaign, after_run};
  const std::uint64_t total = campaign.only_seed ? 1 : campaign.runs;
  s.first = campaign.only_seed ? 0 : campaign.index_first;
  CORRIDOR_ASSERT_MSG(total >= 1 && s.first <= UINT64_MAX - total, "a campaign's run indexes must fit in 64 bits");
  s.end = s.first + total;
  s.next.store(s.first);
  unsigned jobs = campaign.jobs ? campaign.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::uint64_t>(jobs, total));
  jobs = std::min(jobs, 1024u);
  s.workers_left = jobs;
  s.workers = jobs;
  s.floors = std::make_unique<std::atomic<std::uint64_t>[]>(jobs);
  for (unsigned w = 0; w < jobs; ++w) s.floors[w].store(no_index);
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  auto report = [&] {
    if (progress) progress({s.done.load(), total, s.failures.load(), s.events.load(), elapsed()});
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned i = 0; i < jobs; ++i) threads.emplace_back(worker, std::ref(s), std::size_t{i});
  {
    std::unique_lock lock(s.mutex);
    while (s.workers_left > 0) {
      s.finished.wait_for(lock, std::chrono::milliseconds(200));
      lock.unlock();
      report();
      lock.lock();
    }
  }
  for (auto& t : threads) t.join();
  if (s.error) std::rethrow_exception(s.error);

  CampaignResult result;
  result.seconds = elapsed();
  result.jobs = jobs;
  result.failures = std::move(s.failed);
  settle_counts(s, result);
  report();
  return result;
}

}  // namespace corridor

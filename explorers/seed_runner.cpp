#include "explorers/seed_runner.hpp"

#include "model/swarm.hpp"

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
// Lock-free atomics, so a signal handler may read them. A worker writes the seed, then marks the
// slot busy; it clears the mark when the run ends.
struct InFlightSlot {
  std::atomic<std::uint64_t> seed{0};
  std::atomic<bool> busy{false};
};
std::array<InFlightSlot, in_flight_slots> in_flight{};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

// Claims slot `slot` for the run of `seed` for the lifetime of the object.
class InFlightMark {
 public:
  InFlightMark(std::size_t slot, std::uint64_t seed) : slot_(in_flight[slot]) {
    CORRIDOR_ASSERT_MSG(!slot_.busy.load(), "one worker per in-flight slot");
    slot_.seed.store(seed);
    slot_.busy.store(true);
  }
  ~InFlightMark() { slot_.busy.store(false); }
  InFlightMark(const InFlightMark&) = delete;
  InFlightMark& operator=(const InFlightMark&) = delete;

 private:
  InFlightSlot& slot_;
};
}  // namespace

std::optional<std::uint64_t> in_flight_seed(std::size_t slot) {
  if (slot >= in_flight_slots || !in_flight[slot].busy.load()) return std::nullopt;
  return in_flight[slot].seed.load();
}

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
    return Violation{.invariant = "determinism", .verdict = Verdict::crashed, .step = first[i].step,
                     .true_ns = first[i].true_ns, .nodes = {first[i].actor},
                     .message = fmt::format("seed {:#x} ran twice differs first at step {} (event {}): '{}' then '{}'", seed,
                                 first[i].step, i, first[i].summary, second[i].summary)};
  }
  if (first.size() != second.size() || !(first_choices == sim.choices())) {
    return Violation{.invariant = "determinism", .verdict = Verdict::crashed, .step = common,
                     .message = fmt::format("seed {:#x} ran twice gives {} and {} events", seed, first.size(), second.size())};
  }
  return std::nullopt;
}

namespace {

struct Shared {
  const SimulationFactory& make;
  const std::vector<SimConfig>& configs;
  const CampaignConfig& campaign;
  const RunHook& after_run;
  std::uint64_t total = 0;
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> stop_index{UINT64_MAX};
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> failures{0};
  std::mutex mutex;
  std::condition_variable finished;
  unsigned workers_left = 0;
  std::vector<SeedFailure> failed;
  std::exception_ptr error;
};

void worker(Shared& s, std::size_t slot) {
  CORRIDOR_ASSERT(slot < in_flight_slots);
  try {
    auto sim = s.make();
    for (;;) {
      const std::uint64_t index = s.next.fetch_add(1);
      if (index >= s.total || index > s.stop_index.load()) break;
      const std::uint64_t seed = seed_of_run(s.campaign, index);
      const InFlightMark mark(slot, seed);
      const SimConfig config = run_config(s.configs, s.campaign, index);
      RunOutcome outcome = run_once(*sim, config, seed);
      CORRIDOR_ASSERT_MSG(outcome.seed == seed, "a run reports the seed it was given");
      if (s.after_run) s.after_run(index, *sim, outcome);
      if (outcome.verdict == Verdict::pass && s.campaign.check_determinism) {
        if (auto v = check_determinism(*sim, config, seed)) {
          outcome.verdict = Verdict::crashed;
          outcome.violation = std::move(v);
        }
      }
      s.events.fetch_add(outcome.steps);
      CORRIDOR_ASSERT(s.done.load() < s.total);
      s.done.fetch_add(1);
      if (outcome.verdict == Verdict::pass) continue;
      s.failures.fetch_add(1);
      std::lock_guard lock(s.mutex);
      if (s.failed.size() < s.campaign.failures_kept_max) s.failed.push_back({index, std::move(outcome)});
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
  std::lock_guard lock(s.mutex);
  CORRIDOR_ASSERT(s.workers_left > 0);
  if (--s.workers_left == 0) s.finished.notify_all();
}

}  // namespace

const SimConfig& config_of_run(const std::vector<SimConfig>& configs, std::uint64_t index) {
  CORRIDOR_ASSERT_MSG(!configs.empty(), "a campaign runs at least one configuration");
  return configs[index % configs.size()];
}

SimConfig run_config(const std::vector<SimConfig>& configs, const CampaignConfig& campaign, std::uint64_t index) {
  const SimConfig& base = config_of_run(configs, index);
  return campaign.swarm ? swarm_config(base, seed_of_run(campaign, index)) : base;
}

CampaignResult run_campaign(const SimulationFactory& make, const SimConfig& config, const CampaignConfig& campaign,
                            const ProgressFn& progress, const RunHook& after_run) {
  return run_campaign(make, std::vector<SimConfig>{config}, campaign, progress, after_run);
}

CampaignResult run_campaign(const SimulationFactory& make, const std::vector<SimConfig>& configs,
                            const CampaignConfig& campaign, const ProgressFn& progress, const RunHook& after_run) {
  CORRIDOR_ASSERT(!configs.empty() && configs.size() <= 1024);
  Shared s{make, configs, campaign, after_run};
  s.total = campaign.only_seed ? 1 : campaign.runs;
  unsigned jobs = campaign.jobs ? campaign.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::uint64_t>(jobs, std::max<std::uint64_t>(1, s.total)));
  jobs = std::min(jobs, campaign_jobs_max);
  CORRIDOR_ASSERT(jobs >= 1 && jobs <= in_flight_slots);
  s.workers_left = jobs;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  auto report = [&] {
    if (progress) progress({s.done.load(), s.total, s.failures.load(), s.events.load(), elapsed()});
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
  result.runs_done = s.done.load();
  result.failures_total = s.failures.load();
  result.events = s.events.load();
  result.seconds = elapsed();
  result.jobs = jobs;
  result.failures = std::move(s.failed);
  // Both sides of the workers: every run claimed below the stop was done, none twice.
  CORRIDOR_ASSERT(result.runs_done <= s.total);
  CORRIDOR_ASSERT(s.campaign.keep_going || result.failures_total > 0 || result.runs_done == s.total);
  CORRIDOR_ASSERT(result.failures.size() <= result.failures_total);
  std::sort(result.failures.begin(), result.failures.end(),
            [](const SeedFailure& a, const SeedFailure& b) { return a.index < b.index; });
  if (!campaign.keep_going && result.failures.size() > 1) result.failures.resize(1);
  report();
  return result;
}

}  // namespace corridor

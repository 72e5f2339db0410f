#pragma once
// The seed runner: spreads the runs of a campaign over threads. Run i's seed is
// derive_seed(master, i), so the whole sweep replays from the one printed master seed. Results
// come back in seed order, and "stop at the first failure" means the failure with the lowest
// index, whatever the number of threads: runs below it always finish, runs above it are not
// started (or are discarded), so the answer is the same with --jobs 1 and --jobs 64. The counts
// (runs, failures, events) are those of the runs up to that failure only, so they too are the same
// for any number of threads, and for a campaign cut into shards (index_first) and merged.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "explorers/random_explorer.hpp"
#include "model/simulation.hpp"

namespace corridor {

struct CampaignConfig {
  std::uint64_t master_seed = 0;
  std::uint64_t runs = 1;                   // how many seeds
  std::uint64_t index_first = 0;            // run indexes index_first .. index_first + runs - 1 (a shard's)
  std::optional<std::uint64_t> only_seed;   // run exactly this seed (runs is then 1)
  unsigned jobs = 0;                        // 0: every core
  bool keep_going = false;                  // run every seed even after failures
  bool check_determinism = false;           // run every seed twice and compare event streams
  std::size_t failures_kept_max = 1000;     // with keep_going, the lowest this many are kept, the rest counted
};

struct SeedFailure {
  std::uint64_t index = 0;
  RunOutcome outcome;
};

// Without keep_going and with a failure, runs_done, failures_total (1) and events count the runs
// from index_first up to the failing one, whatever else had finished: a pure function of the
// campaign, like the rest.
struct CampaignResult {
  std::uint64_t runs_done = 0;
  std::uint64_t failures_total = 0;
  std::uint64_t events = 0;           // engine steps over the runs counted
  double seconds = 0;
  unsigned jobs = 1;
  std::vector<SeedFailure> failures;  // by index; without keep_going at most one, the lowest
};

struct CampaignProgress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::uint64_t failures = 0;
  std::uint64_t events = 0;
  double seconds = 0;
};

// The seeds being run right now, one slot per worker thread (0: idle), readable from a signal
// handler: when protocol code crashes the process, the program can still say which seeds to rerun.
inline constexpr std::size_t in_flight_slots = 64;
std::uint64_t in_flight_seed(std::size_t slot);

using SimulationFactory = std::function<std::unique_ptr<Simulation>()>;
using ProgressFn = std::function<void(const CampaignProgress&)>;
// Called on the worker thread after each run, with the simulation still holding that run's results
// (badges, history); runs of different threads call it concurrently, so it must lock what it shares.
using RunHook = std::function<void(std::uint64_t index, const Simulation& sim, const RunOutcome& outcome)>;

std::uint64_t seed_of_run(const CampaignConfig& campaign, std::uint64_t index);

// Progress is reported from the calling thread about every 200 ms and once at the end.
CampaignResult run_campaign(const SimulationFactory& make, const SimConfig& config, const CampaignConfig& campaign,
                            const ProgressFn& progress = {}, const RunHook& after_run = {});

// Runs seed twice with recording and names the first step where the event streams differ;
// nullopt when they are identical.
std::optional<Violation> check_determinism(Simulation& sim, const SimConfig& config, std::uint64_t seed);

}  // namespace corridor

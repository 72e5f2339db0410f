#pragma once
// The seed runner: spreads the runs of a campaign over threads. Run i's seed is
// derive_seed(master, i), so the whole sweep replays from the one printed master seed. Results
// come back in seed order, and "stop at the first failure" means the failure with the lowest
// index, whatever the number of threads: runs below it always finish, runs above it are not
// started (or are discarded), so the answer is the same with --jobs 1 and --jobs 64.
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
  std::optional<std::uint64_t> only_seed;   // run exactly this seed (runs is then 1)
  unsigned jobs = 0;                        // 0: every core
  bool keep_going = false;                  // run every seed even after failures
  bool check_determinism = false;           // run every seed twice and compare event streams
  std::size_t failures_kept_max = 1000;     // with keep_going, failures beyond this are counted only
  // Swarm testing (model/swarm.hpp): each run draws its fault mix from its seed within its
  // configuration's spec; a run is then an ordinary timed run under the drawn configuration.
  bool swarm = false;
};

struct SeedFailure {
  std::uint64_t index = 0;
  RunOutcome outcome;
};

struct CampaignResult {
  std::uint64_t runs_done = 0;
  std::uint64_t failures_total = 0;
  std::uint64_t events = 0;           // engine steps over all runs
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

// The most threads a campaign runs on (more are refused or clamped to this).
inline constexpr unsigned campaign_jobs_max = 1024;

// The seeds being run right now, one slot per worker thread, readable from a signal handler: when
// protocol code crashes the process, the program can still say which seeds to rerun. nullopt: the
// slot's worker is idle (any seed, 0 included, may be in flight).
inline constexpr std::size_t in_flight_slots = campaign_jobs_max;
std::optional<std::uint64_t> in_flight_seed(std::size_t slot);

using SimulationFactory = std::function<std::unique_ptr<Simulation>()>;
using ProgressFn = std::function<void(const CampaignProgress&)>;
// Called on the worker thread after each run, with the simulation still holding that run's results
// (badges, history); runs of different threads call it concurrently, so it must lock what it shares.
using RunHook = std::function<void(std::uint64_t index, const Simulation& sim, const RunOutcome& outcome)>;

std::uint64_t seed_of_run(const CampaignConfig& campaign, std::uint64_t index);

// Progress is reported from the calling thread about every 200 ms and once at the end.
CampaignResult run_campaign(const SimulationFactory& make, const SimConfig& config, const CampaignConfig& campaign,
                            const ProgressFn& progress = {}, const RunHook& after_run = {});
// A campaign spread over several configurations (a protocol's sizes and clocks): run i runs
// configs[i % configs.size()] with seed seed_of_run(campaign, i), so the sweep still replays from
// the master seed and a failure's configuration is config_of_run(configs, index).
CampaignResult run_campaign(const SimulationFactory& make, const std::vector<SimConfig>& configs,
                            const CampaignConfig& campaign, const ProgressFn& progress = {}, const RunHook& after_run = {});
const SimConfig& config_of_run(const std::vector<SimConfig>& configs, std::uint64_t index);
// What run `index` of the campaign runs under: config_of_run, with the swarm's draw for its seed
// when the campaign is a swarm. The campaign's workers and its failure reports both call this,
// so a failure's trace and rerun line carry the configuration the run had.
SimConfig run_config(const std::vector<SimConfig>& configs, const CampaignConfig& campaign, std::uint64_t index);

// Runs seed twice with recording and names the first step where the event streams differ;
// nullopt when they are identical.
std::optional<Violation> check_determinism(Simulation& sim, const SimConfig& config, std::uint64_t seed);

}  // namespace corridor

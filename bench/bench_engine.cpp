// Engine throughput: events per second per core on (a) ping-pong with its one cheap check (exchange-continues) and (b) the
// leader-lease protocol with its invariants on, single thread; and the seed runner from 1 to 2
// threads (runs per second, and the ratio between them, measured in the same process).
//
//   build/bench/bench_engine                   # all
//   build/bench/bench_engine --benchmark_filter=PingPong
#include <benchmark/benchmark.h>

#include "explorers/random_explorer.hpp"
#include "explorers/seed_runner.hpp"
#include "protocols/ping_pong/ping_pong.hpp"
#include "protocols/registry.hpp"

using namespace corridor;

namespace {

void run_protocol_single_thread(benchmark::State& state, const char* name, std::uint32_t variant, time_ns limit_ns) {
  const ProtocolEntry* entry = find_protocol(name);
  if (!entry) {
    state.SkipWithError("protocol not registered");
    return;
  }
  SimConfig config = entry->default_config(variant);
  config.time_limit_ns = limit_ns;
  config.max_steps = UINT64_MAX;
  auto sim = entry->make();
  std::uint64_t events = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const RunOutcome out = run_once(*sim, config, seed++);
    events += out.steps;
    benchmark::DoNotOptimize(out.steps);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events/run"] = static_cast<double>(events) / static_cast<double>(state.iterations());
}

void BM_PingPong(benchmark::State& state) { run_protocol_single_thread(state, "ping-pong", 0, seconds(100)); }
BENCHMARK(BM_PingPong)->Unit(benchmark::kMillisecond);

void BM_LeaderLeaseWithInvariants(benchmark::State& state) {
  run_protocol_single_thread(state, "leader-lease", 0, seconds(10));
}
BENCHMARK(BM_LeaderLeaseWithInvariants)->Unit(benchmark::kMillisecond);

void BM_CausalBroadcastWithMonitors(benchmark::State& state) {
  run_protocol_single_thread(state, "causal-broadcast", 0, seconds(10));
}
BENCHMARK(BM_CausalBroadcastWithMonitors)->Unit(benchmark::kMillisecond);

// The seed runner on the correct leader-lease variant with 1 and 2 threads.
void BM_SeedRunnerLeaderLease(benchmark::State& state) {
  const ProtocolEntry* entry = find_protocol("leader-lease");
  if (!entry) {
    state.SkipWithError("protocol not registered");
    return;
  }
  const SimConfig config = entry->default_config(0);
  CampaignConfig campaign{.master_seed = 7, .runs = 200, .jobs = static_cast<unsigned>(state.range(0))};
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const CampaignResult r = run_campaign(entry->make, config, campaign);
    runs += r.runs_done;
    events += r.events;
  }
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SeedRunnerLeaderLease)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

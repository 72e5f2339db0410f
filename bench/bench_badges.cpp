// The cost of coherence badge monitors: heartbeat-register, one thread, the same seeds and
// configuration with its seven badge monitors on and off (Arg 1 / Arg 0), at 3 and 9 nodes.
// Compare the events/s counters of the pairs; they run in the same process.
//
//   build/bench/bench_badges --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include "explorers/random_explorer.hpp"
#include "protocols/registry.hpp"

using namespace corridor;

namespace {

void BM_HeartbeatRegister(benchmark::State& state) {
  const ProtocolEntry* entry = find_protocol("heartbeat-register");
  if (!entry) {
    state.SkipWithError("protocol not registered");
    return;
  }
  const bool monitors = state.range(0) != 0;
  SimConfig config = entry->default_config(0);
  config.nodes = static_cast<std::uint32_t>(state.range(1));
  config.faults = {};
  config.link = {};
  config.clock = {};
  apply_fault_spec("delay=exp:1ms:3ms,loss=0.02", config);
  apply_clock_spec("skew=2ms,drift=2000ppm", config);
  config.time_limit_ns = seconds(5);
  config.max_steps = UINT64_MAX;
  auto sim = entry->make();
  sim->set_badge_monitors(monitors);
  std::uint64_t events = 0;
  std::uint64_t badges = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const RunOutcome out = run_once(*sim, config, seed++);
    events += out.steps;
    badges += sim->badges().size();
    benchmark::DoNotOptimize(out.steps);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events/run"] = static_cast<double>(events) / static_cast<double>(state.iterations());
  state.counters["badges/run"] = static_cast<double>(badges) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_HeartbeatRegister)
    ->ArgNames({"monitors", "nodes"})
    ->Args({0, 3})
    ->Args({1, 3})
    ->Args({0, 9})
    ->Args({1, 9})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Shrinking every planted bug of the registered protocols: the demo's campaign (master seed
// 0xC0441D04, the demo's fault model) finds failures, the shrinker minimises each, and the table
// gives events, faults, client operations and messages before and after, replays and seconds.
// Steps are the quality bar's unit (tests/explorers/shrink_test.cpp): pending events fired up to
// the violation. The "BFS shortest" column is filled in bench/RESULTS.md from `corridor explore
// --bfs` (the commands are there), not measured here.
//
//   build/bench/bench_shrink [--failures K]   (K failing seeds per bug, default 5)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "explorers/seed_runner.hpp"
#include "explorers/shrink.hpp"
#include "protocols/registry.hpp"

using namespace corridor;

namespace {

struct Row {
  std::string name;
  ShrinkResult first;                  // the demo's failure (lowest seed index)
  std::vector<std::uint64_t> after;    // events after shrinking, every failure measured
  std::vector<double> ratios;          // after / before
};

Row measure(const ProtocolEntry& entry, std::uint32_t variant, std::size_t failures_max) {
  Row row;
  row.name = fmt::format("{} / {}", entry.info.name, entry.info.variants[variant].name);
  const SimConfig config = entry.demo_config(variant);
  const CampaignResult r = run_campaign(entry.make, config,
                                        {.master_seed = 0xC0441D04, .runs = 2000, .keep_going = true});
  auto sim = entry.make();
  for (std::size_t i = 0; i < r.failures.size() && i < failures_max; ++i) {
    const std::uint64_t seed = r.failures[i].outcome.seed;
    run_once(*sim, config, seed);
    const FailingRun failing{config, seed, sim->fault_plan(), sim->choices()};
    const ShrinkResult s = shrink(*sim, failing, {.replays_max = 20'000, .seconds_max = 30});
    if (i == 0) row.first = s;
    row.after.push_back(s.after.events);
    row.ratios.push_back(static_cast<double>(s.after.events) / static_cast<double>(s.before.events));
  }
  return row;
}

template <class T>
T median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? T{} : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t failures_max = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--failures") == 0) failures_max = static_cast<std::size_t>(std::atoi(argv[i + 1]));
  }
  std::vector<Row> rows;
  for (const ProtocolEntry& entry : protocol_registry()) {
    for (std::uint32_t v = 0; v < entry.info.variants.size(); ++v) {
      if (entry.info.variants[v].planted_bug) rows.push_back(measure(entry, v, failures_max));
    }
  }
  fmt::print("| protocol / bug | events before | after | BFS shortest | faults | client ops | messages | replays | seconds | steps |\n");
  fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    const ShrinkResult& s = r.first;
    fmt::print("| {} | {} | {} | (to fill) | {} -> {} | {} -> {} | {} -> {} | {} | {:.2f} | {} -> {} |\n", r.name,
               s.before.events, s.after.events, s.before.faults, s.after.faults, s.before.operations, s.after.operations,
               s.before.messages, s.after.messages, s.replays, s.seconds, s.before.steps, s.after.steps);
  }
  fmt::print("\nOver the first {} failing seeds of each campaign:\n\n", failures_max);
  fmt::print("| protocol / bug | failures | events after: min | median | max | median after/before |\n");
  fmt::print("|---|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    fmt::print("| {} | {} | {} | {} | {} | {:.3f} |\n", r.name, r.after.size(),
               r.after.empty() ? 0 : *std::min_element(r.after.begin(), r.after.end()), median(r.after),
               r.after.empty() ? 0 : *std::max_element(r.after.begin(), r.after.end()), median(r.ratios));
  }
  return 0;
}

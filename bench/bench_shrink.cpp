// Shrinking every planted bug of the registered protocols: the demo's campaign (master seed
// 0xC0441D04, the demo's fault model) finds failures, the shrinker minimises each, and the table
// gives steps before, after the timed passes alone and after every pass (untimed-events last), with
// events, faults, client operations and messages before and after, replays and seconds.
// Steps are the quality bar's unit (tests/explorers/shrink_test.cpp): pending events fired up to
// the violation. The "BFS shortest" column is filled in bench/RESULTS.md from `corridor explore
// --bfs` (the commands are there), not measured here.
//
//   build/bench/bench_shrink [--failures K] [--only PROTOCOL] [--traces DIR]
// K failing seeds per bug (default 5); --traces writes each demo failure and its shrunk run there
// as PROTOCOL.BUG.trace.jsonl and PROTOCOL.BUG.shrunk.trace.jsonl.
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
#include "traces/trace.hpp"

using namespace corridor;

namespace {

struct Row {
  std::string name;
  ShrinkResult timed;                  // the demo's failure (lowest seed index), timed passes only
  ShrinkResult first;                  // the same failure, every pass (untimed-events last)
  std::vector<std::uint64_t> after;    // events after shrinking, every failure measured
  std::vector<std::uint64_t> steps;    // steps after shrinking, every failure measured
  std::vector<double> ratios;          // after / before
  double seconds_max = 0;              // the slowest of the failures
};

// Writes the run `run` replays to as a trace file in `dir` (for reading a failure and its shrunk run).
void write_run(const ProtocolEntry& entry, Simulation& sim, const FailingRun& run, const std::string& dir,
               const std::string& name) {
  const RunOutcome out = run_once(sim, run.config, run.seed, {.record = true, .plan = &run.plan, .replay = &run.choices});
  const Trace trace = trace_of_run(entry.info.name, entry.info.variants.at(run.config.variant).name, run.config,
                                   run.seed, sim, out.violation, out.steps, out.end_ns);
  write_trace(dir + "/" + name + ".trace.jsonl", trace);
}

Row measure(const ProtocolEntry& entry, std::uint32_t variant, std::size_t failures_max, const std::string& traces_dir) {
  Row row;
  row.name = fmt::format("{} / {}", entry.info.name, entry.info.variants[variant].name);
  const SimConfig config = entry.demo_config(variant);
  const CampaignResult r = run_campaign(entry.make, config,
                                        {.master_seed = 0xC0441D04, .runs = 2000, .keep_going = true});
  auto sim = entry.make();
  const ShrinkBudget budget{.replays_max = 20'000, .seconds_max = 30};
  for (std::size_t i = 0; i < r.failures.size() && i < failures_max; ++i) {
    const std::uint64_t seed = r.failures[i].outcome.seed;
    run_once(*sim, config, seed);
    const FailingRun failing{config, seed, sim->fault_plan(), sim->choices()};
    if (i == 0) row.timed = shrink(*sim, failing, budget, timed_shrink_passes());
    const ShrinkResult s = shrink(*sim, failing, budget);
    if (i == 0) row.first = s;
    if (i == 0 && !traces_dir.empty()) {
      const std::string name = entry.info.name + "." + entry.info.variants[variant].name;
      write_run(entry, *sim, failing, traces_dir, name);
      write_run(entry, *sim, s.shrunk, traces_dir, name + ".shrunk");
    }
    row.after.push_back(s.after.events);
    row.steps.push_back(s.after.steps);
    row.ratios.push_back(static_cast<double>(s.after.events) / static_cast<double>(s.before.events));
    row.seconds_max = std::max(row.seconds_max, s.seconds);
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
  std::string only;
  std::string traces_dir;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--traces") == 0) traces_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--failures") == 0) failures_max = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  std::vector<Row> rows;
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || (!only.empty() && entry.info.name != only)) continue;
    for (std::uint32_t v = 0; v < entry.info.variants.size(); ++v) {
      if (!entry.info.variants[v].planted_bug) continue;
      rows.push_back(measure(entry, v, failures_max, traces_dir));
      std::fprintf(stderr, "bench_shrink: %s done\n", rows.back().name.c_str());
    }
  }
  fmt::print("Steps (the quality bar's unit) of the demo's failure: before shrinking, shrunk by the timed passes\n"
             "only (timed_shrink_passes(), the shrinker before untimed-events), and by every pass.\n\n");
  fmt::print("| protocol / bug | steps before | timed passes | every pass | untimed? | events before | after | faults | "
             "client ops | messages | replays | seconds |\n");
  fmt::print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    const ShrinkResult& s = r.first;
    const bool untimed = s.shrunk.config.explorer == ExplorerKind::schedule;
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} -> {} | {} -> {} | {} -> {} | {} | {:.2f} |\n", r.name,
               s.before.steps, r.timed.after.steps, s.after.steps, untimed ? "yes" : "no", s.before.events,
               s.after.events, s.before.faults, s.after.faults, s.before.operations, s.after.operations,
               s.before.messages, s.after.messages, s.replays, s.seconds);
  }
  fmt::print("\nOver the first {} failing seeds of each campaign (every pass):\n\n", failures_max);
  fmt::print("| protocol / bug | failures | steps after: median | max | events after: median | median after/before | "
             "slowest (s) |\n");
  fmt::print("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    fmt::print("| {} | {} | {} | {} | {} | {:.3f} | {:.2f} |\n", r.name, r.after.size(), median(r.steps),
               r.steps.empty() ? 0 : *std::max_element(r.steps.begin(), r.steps.end()), median(r.after),
               median(r.ratios), r.seconds_max);
  }
  return 0;
}

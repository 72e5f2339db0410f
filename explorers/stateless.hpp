#pragma once
// Stateless exhaustive search: a depth-bounded DFS over the untimed world's schedules that never
// copies a world. Every branch is reached by replaying its choice-log prefix from the start (the
// run is a pure function of its seed and picks), so it serves protocols whose state cannot be
// copied, such as coroutine nodes (corridor::co). Sleep sets prune schedules that only reorder
// events of different nodes (handlers of different nodes commute). The first level of the tree
// is spread over threads; the reported counterexample is the one in the leftmost branch, whatever
// the thread count. It is complete only up to its depth bound: a schedule longer than the bound is
// never looked at. After every event it asks the world which witnesses hold (model/witness.hpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explorers/exhaustive_options.hpp"
#include "model/simulation.hpp"

namespace corridor {

struct StatelessOptions {
  std::uint32_t depth_max = 10;               // events per schedule
  std::uint64_t executions_max = 2'000'000;   // schedules (replays from the start) in all
  std::uint32_t jobs = 0;                     // threads; 0: every core
  bool sleep_sets = true;
  std::uint64_t seed = 0;                     // the protocol's own draws (delays, random) follow it
};

struct StatelessResult {
  bool complete = false;                 // every schedule up to depth_max was run, none failed
  std::optional<Violation> violation;
  std::vector<std::uint32_t> path;       // the failing schedule: an index into the enabled events per step
  std::uint64_t executions = 0;          // replays from the start
  std::uint64_t events_fired = 0;
  std::uint64_t schedules = 0;           // maximal schedules ended (depth bound or nothing enabled)
  std::uint64_t pruned = 0;              // branches skipped by sleep sets
  std::uint32_t depth_reached = 0;
  double seconds = 0;
  std::string stop_reason;               // "complete to depth N", "violation", "execution budget"
  // Every witness the protocol declares (model/witness.hpp): reached or not, and for a reached one
  // the shallowest schedule found that reaches it (its events described), leftmost among equals
  // (sleep sets treat events of different nodes as commuting, which is not exact for time).
  std::vector<WitnessReport> witnesses;
};

// `make` builds a fresh Simulation (one per thread); `config` is run untimed (its explorer is
// set to walk, so the failing schedule's picks are `k` choices a replay reads back).
StatelessResult explore_stateless(const std::function<std::unique_ptr<Simulation>()>& make, SimConfig config,
                                  const StatelessOptions& options);

}  // namespace corridor

// Exhaustive search of the simulated world (untimed semantics) on leader-lease and
// causal-broadcast at small sizes, with and without partial-order reduction (sleep sets): states
// per second, unique and generated states, and the reduction ratios, each measured against the
// search without POR in the same run. Prints a Markdown table (bench/RESULTS.md).
//
//   build/bench/bench_world            # default depths
//   build/bench/bench_world --quick    # smaller depths (a smoke test)
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "explorers/exhaustive.hpp"
#include "model/world_model.hpp"
#include "protocols/registry.hpp"

using namespace corridor;

namespace {

struct Case {
  const char* protocol;
  const char* variant;
  std::uint32_t nodes;
  std::uint32_t depth;
};

struct Measured {
  ExhaustiveSummary summary;
  double seconds = 0;
};

Measured measure(const AnyStateMachine& m, const Case& c, bool por, bool symmetry) {
  ExhaustiveOptions o;
  o.por = por;
  o.symmetry = symmetry;
  o.depth_max = c.depth;
  o.states_max = 20'000'000;
  o.memory_bytes_max = std::uint64_t{3} << 30;
  o.jobs = 1;
  const auto start = std::chrono::steady_clock::now();
  Measured r;
  r.summary = explore_exhaustive(m, o).summary;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

void row(const Case& c, const char* mode, const Measured& r, const Measured& base) {
  const auto& s = r.summary;
  fmt::print("| {} {} | {} | {} | {} | {} | {} | {:.2f} | {:.0f} | {:.2f}x | {:.2f}x | {} |\n", c.protocol, c.variant,
             c.nodes, c.depth, mode, s.unique_states, s.generated_states, r.seconds,
             static_cast<double>(s.generated_states) / r.seconds,
             static_cast<double>(base.summary.generated_states) / static_cast<double>(s.generated_states),
             base.seconds / r.seconds, s.violation ? s.violation->invariant : to_string(s.verdict));
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::vector<Case> cases = {
      {"leader-lease", "correct", 2, quick ? 5u : 7u},
      {"leader-lease", "correct", 3, quick ? 4u : 5u},
      {"causal-broadcast", "correct", 2, quick ? 8u : 12u},
      {"causal-broadcast", "correct", 3, quick ? 6u : 8u},
  };
  fmt::print("| protocol | nodes | depth | search | unique states | generated | seconds | generated/s | "
             "generated, none/this | time, none/this | verdict |\n");
  fmt::print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
  for (const Case& c : cases) {
    const ProtocolEntry* entry = find_protocol(c.protocol);
    SimConfig config = entry->default_config(static_cast<std::uint32_t>(entry->variant_index(c.variant)));
    config.nodes = c.nodes;
    const AnyStateMachine m = entry->make()->world_model(config, {});
    const Measured base = measure(m, c, false, false);
    row(c, "BFS", base, base);
    row(c, "BFS --por", measure(m, c, true, false), base);
    if (m.supports_symmetry()) {
      row(c, "BFS --symmetry", measure(m, c, false, true), base);
    }
  }
  return 0;
}

// Exhaustive search of the simulated world (untimed semantics) on leader-lease and
// causal-broadcast at small sizes: the copying world (WorldLimits::copy_world, a fresh engine per
// successor) against the recycled one (model/world_model.hpp), then the recycled one with
// partial-order reduction (sleep sets) and symmetry. States per second, unique and generated
// states, and the ratios, each measured against the copying world's plain BFS in the same run.
// Prints a Markdown table (bench/RESULTS.md).
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

double rate(const Measured& r) { return static_cast<double>(r.summary.generated_states) / r.seconds; }

void row(const Case& c, const char* world, const char* mode, const Measured& r, const Measured& base) {
  const auto& s = r.summary;
  fmt::print("| {} {} | {} | {} | {} | {} | {} | {} | {:.2f} | {:.0f} | {:.2f}x | {:.2f}x | {:.2f}x | {} |\n", c.protocol,
             c.variant, c.nodes, c.depth, world, mode, s.unique_states, s.generated_states, r.seconds, rate(r),
             rate(r) / rate(base),
             static_cast<double>(base.summary.generated_states) / static_cast<double>(s.generated_states),
             base.seconds / r.seconds,
             s.violation ? s.violation->invariant : fmt::format("{} ({})", to_string(s.verdict), s.stop_reason));
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::vector<Case> cases = {
      {"leader-lease", "correct", 2, quick ? 7u : 10u},
      {"leader-lease", "correct", 3, quick ? 8u : 11u},
      {"causal-broadcast", "correct", 2, quick ? 10u : 14u},
      {"causal-broadcast", "correct", 3, quick ? 8u : 11u},
  };
  fmt::print("| protocol | nodes | depth | world | search | unique states | generated | seconds | generated/s | "
             "generated/s, this/copying | generated, copying/this | time, copying/this | verdict |\n");
  fmt::print("|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (const Case& c : cases) {
    const ProtocolEntry* entry = find_protocol(c.protocol);
    SimConfig config = entry->default_config(static_cast<std::uint32_t>(entry->variant_index(c.variant)));
    config.nodes = c.nodes;
    const AnyStateMachine copying = entry->make()->world_model(config, {.copy_world = true});
    const AnyStateMachine m = entry->make()->world_model(config, {});
    const Measured base = measure(copying, c, false, false);
    row(c, "copying", "BFS", base, base);
    row(c, "recycled", "BFS", measure(m, c, false, false), base);
    row(c, "recycled", "BFS --por", measure(m, c, true, false), base);
    if (m.supports_symmetry()) {
      row(c, "recycled", "BFS --symmetry", measure(m, c, false, true), base);
    }
  }
  return 0;
}

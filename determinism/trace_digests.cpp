// Writes one line per run of a fixed set of runs of every registered protocol: each variant (the
// correct one and every planted bug) under its demo configuration, timed and under PCT, for
// seeds 1 to `seeds`, with the digest of the run's event lines and of its whole trace file.
// DESIGN.md promises byte-identical traces on every machine and build: determinism/compare.sh
// builds this program with gcc and libstdc++ and with clang and libc++ and compares the outputs
// byte for byte, which catches a distribution of the standard library, iteration over an
// unordered container or a float formatted differently.
//
// Usage: trace_digests [SEEDS]   (default 8, at most 1000)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "explorers/random_explorer.hpp"
#include "model/assert.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace {

constexpr std::uint64_t seeds_max = 1000;

// One run, recorded, as a line: its names, outcome and the two digests.
std::string digest_line(const corridor::ProtocolEntry& entry, corridor::SimConfig config, std::uint64_t seed) {
  const auto sim = entry.make();
  corridor::RunOptions options;
  options.record = true;
  const corridor::RunOutcome outcome = corridor::run_once(*sim, config, seed, options);
  const corridor::Trace trace = corridor::trace_of_run(entry.info.name, entry.info.variants.at(config.variant).name,
                                                       config, seed, *sim, outcome.violation, outcome.steps,
                                                       outcome.end_ns);
  const std::string events = corridor::digest_of_lines(corridor::event_lines(trace.events, trace.history));
  const std::string file = corridor::digest_of_lines({corridor::trace_to_string(trace)});
  return fmt::format("{} {} {} seed={} verdict={} steps={} events={} file={}\n", entry.info.name,
                     entry.info.variants.at(config.variant).name, corridor::explorer_name(config.explorer), seed,
                     corridor::to_string(outcome.verdict), outcome.steps, events, file);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seeds = 8;
  if (argc == 2) {
    char* end = nullptr;
    seeds = std::strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0') seeds = 0;
  }
  if (argc > 2 || seeds == 0 || seeds > seeds_max) {
    std::fprintf(stderr, "usage: trace_digests [SEEDS] (SEEDS from 1 to %d)\n", static_cast<int>(seeds_max));
    return 64;
  }
  std::uint64_t runs = 0;
  for (const corridor::ProtocolEntry& entry : corridor::protocol_registry()) {
    for (std::uint32_t variant = 0; variant < entry.info.variants.size(); ++variant) {
      for (const corridor::ExplorerKind explorer : {corridor::ExplorerKind::timed, corridor::ExplorerKind::pct}) {
        corridor::SimConfig config = entry.demo_config(variant);
        config.explorer = explorer;
        for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
          std::fputs(digest_line(entry, config, seed).c_str(), stdout);
          ++runs;
        }
      }
    }
  }
  CORRIDOR_ASSERT(runs > 0);
  return 0;
}

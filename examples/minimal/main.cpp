// The token ring (token_ring.hpp) driven by hand, without the corridor program: 200 seeds through
// run_once. `--buggy` runs the planted bug. Exit 0 when 200 seeds pass (correct) or when the bug
// is found (buggy); 1 otherwise.
#include <cstdio>
#include <cstring>

#include "explorers/random_explorer.hpp"
#include "model/prng.hpp"
#include "token_ring.hpp"

int main(int argc, char** argv) {
  using namespace corridor;
  const bool buggy = argc > 1 && std::strcmp(argv[1], "--buggy") == 0;
  SimulationOf<ring::TokenRing> sim(ring::spec());
  SimConfig config;
  config.nodes = 4;
  const auto variant = buggy ? ring::TokenRing::Variant::keeps_copy : ring::TokenRing::Variant::correct;
  config.variant = static_cast<std::uint32_t>(variant);
  config.time_limit_ns = seconds(1);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const RunOutcome out = run_once(sim, config, derive_seed(42, i));
    if (out.verdict != Verdict::pass) {
      std::printf("seed %llu: %s: %s\n", static_cast<unsigned long long>(out.seed), out.violation->invariant.c_str(),
                  out.violation->message.c_str());
      return buggy ? 0 : 1;
    }
  }
  std::printf("200 seeds passed\n");
  return buggy ? 1 : 0;
}

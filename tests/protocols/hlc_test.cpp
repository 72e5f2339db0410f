// hlc (protocols/hlc): the correct variant holds its three HLC properties over many seeds of its
// fault model (skew, drift, a backward jump), at 3 and 5 nodes; each planted bug is found and names
// the property it breaks; the derived epsilon is the one the README states and is not slack.
#include "protocols/hlc/hlc.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "invariants/hybrid_clock.hpp"
#include "tests/build_budget.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& hlc() { return protocol("hlc"); }
}  // namespace

TEST(Hlc, RegistryEntryNamesItsThreeProperties) {
  const ProtocolInfo& info = hlc().info;
  ASSERT_EQ(info.variants.size(), 4u);
  EXPECT_EQ(info.invariants,
            (std::vector<std::string>{"hlc-happened-before", "hlc-close-to-physical", "hlc-counter-bound"}));
}

TEST(Hlc, CorrectPassesItsFaultModelAtThreeAndFiveNodes) {
  for (const std::uint32_t nodes : {3u, 5u}) {
    SimConfig config = config_for(hlc(), "correct");
    config.nodes = nodes;
    const Sweep s = sweep(hlc(), config, passing_seeds(2000));
    ASSERT_FALSE(s.first_failure) << nodes << " nodes, seed " << s.first_failure->seed << ": "
                                  << s.first_failure->violation->message;
  }
}

TEST(Hlc, EachPlantedBugIsFoundWithinFiftySeedsAndNamesItsProperty) {
  for (const VariantInfo& v : hlc().info.variants) {
    if (!v.planted_bug) continue;
    const Sweep s = sweep(hlc(), config_for(hlc(), v.name, true), 50);
    ASSERT_TRUE(s.first_failure) << v.name << " not found in " << s.runs << " seeds";
    EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(hlc(), v.name))
        << v.name << ": " << s.first_failure->violation->message;
  }
}

// epsilon = skew + 2 x drift x time limit + jumps x |jump| + 1 us (protocols/hlc/README.md):
// 20 ms + 2 ms + 15 ms + 1 us under the default clock model and a 1 s run.
TEST(Hlc, EpsilonIsTheDerivedBoundAndRunsComeNearIt) {
  const SimConfig config = config_for(hlc(), "correct");
  const time_ns epsilon_ns = invariants::hlc_epsilon_ns(config);
  EXPECT_EQ(epsilon_ns, ms(20) + ms(2) + ms(15) + us(1));
  // The largest l - pt over a few hundred runs: within epsilon (the invariant) and more than half
  // of it, so the bound is not slack that a broken clock could hide in.
  std::unique_ptr<Simulation> sim = hlc().make();
  RunOptions options;
  options.record = true;
  time_ns ahead_max_ns = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i), options);
    ASSERT_FALSE(out.violation) << out.violation->message;
    for (const EventRecord& r : sim->records()) {
      if (r.kind != EventKind::note || !r.summary.starts_with("hlc ")) continue;
      const std::int64_t l = static_cast<std::int64_t>(std::stoull(r.summary.substr(4)));
      ahead_max_ns = std::max(ahead_max_ns, l - r.local_ns);
    }
  }
  EXPECT_LE(ahead_max_ns, epsilon_ns);
  EXPECT_GT(ahead_max_ns, epsilon_ns / 2) << "largest l - pt seen: " << ahead_max_ns << " ns";
}

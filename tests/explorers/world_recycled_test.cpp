// The recycled world (model/world_model.hpp: successors copy-assigned into worlds taken from a
// pool, invariants installed once per thread) against the copying world it replaced
// (WorldLimits::copy_world, a fresh engine per successor and a fresh install per check): on every
// protocol in the registry that has a copyable world, the correct variant and every planted bug,
// with one of each fault its fault model makes possible, both searches give the same unique and
// generated counts and the same verdict and violated invariant at a small depth, with and
// without partial-order reduction. Iterating the registry covers a protocol added to it too.
#include <gtest/gtest.h>

#include <string>

#include "explorers/exhaustive.hpp"
#include "model/world_model.hpp"
#include "protocols/registry.hpp"
#include "tests/build_budget.hpp"
#include "tests/explorers/world_faults.hpp"

namespace corridor {
namespace {

constexpr std::uint32_t depth = 6;

ExhaustiveSummary search(const ProtocolEntry& entry, const SimConfig& config, WorldLimits limits, bool por) {
  ExhaustiveOptions o;
  o.depth_max = test_support::holding_depth(depth);
  o.states_max = 2'000'000;
  o.memory_bytes_max = std::uint64_t{2} << 30;
  o.jobs = 2;
  o.por = por;
  return explore_exhaustive(entry.make()->world_model(config, limits), o).summary;
}

// Calls fn(entry, variant, config, recycled, copying) for every variant of every protocol whose
// world can be copied, with one of each fault its fault model allows.
template <class Fn>
void for_each_world_variant(Fn&& fn) {
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || !entry.make()->copyable_world()) continue;
    for (std::uint32_t v = 0; v < entry.info.variants.size(); ++v) {
      SCOPED_TRACE(entry.info.name + " " + entry.info.variants[v].name);
      const SimConfig config = entry.default_config(v);
      const WorldLimits recycled = test_support::one_of_each_fault(config);
      WorldLimits copying = recycled;
      copying.copy_world = true;
      fn(entry, config, recycled, copying);
    }
  }
}

TEST(WorldRecycled, SameCountsAndVerdictsAsTheCopyingWorldOnEveryProtocolAndVariant) {
  std::size_t searched = 0;
  for_each_world_variant([&](const ProtocolEntry& entry, const SimConfig& config, const WorldLimits& recycled,
                             const WorldLimits& copying) {
    for (bool por : {false, true}) {
      SCOPED_TRACE(por ? "--por" : "no POR");
      const ExhaustiveSummary a = search(entry, config, copying, por);
      const ExhaustiveSummary b = search(entry, config, recycled, por);
      // Without POR two threads search ordered levels and find the same first violation; with POR
      // they may find different ones, and without one the counts are exact.
      EXPECT_EQ(a.verdict, b.verdict);
      if (!por) {
        EXPECT_EQ(a.counterexample, b.counterexample);
      }
      if (a.verdict == ExhaustiveVerdict::violation && por) {
        ASSERT_TRUE(a.violation && b.violation);
        EXPECT_EQ(a.violation->invariant, b.violation->invariant);
        continue;
      }
      EXPECT_EQ(a.unique_states, b.unique_states);
      EXPECT_EQ(a.generated_states, b.generated_states);
      EXPECT_GT(a.unique_states, 1u);
      ++searched;
    }
  });
  EXPECT_GT(searched, 0u);
}

// One thread, so the first violation is the same one: the same invariant, found after the same
// number of states, on every planted bug that shows within the depth.
TEST(WorldRecycled, SameFirstViolationOnOneThread) {
  for_each_world_variant([&](const ProtocolEntry& entry, const SimConfig& config, const WorldLimits& recycled,
                             const WorldLimits& copying) {
    ExhaustiveOptions o;
    o.depth_max = test_support::holding_depth(depth);
    o.states_max = 2'000'000;
    o.memory_bytes_max = std::uint64_t{2} << 30;
    o.jobs = 1;
    const ExhaustiveSummary a = explore_exhaustive(entry.make()->world_model(config, copying), o).summary;
    const ExhaustiveSummary b = explore_exhaustive(entry.make()->world_model(config, recycled), o).summary;
    EXPECT_EQ(a.verdict, b.verdict);
    EXPECT_EQ(a.unique_states, b.unique_states);
    EXPECT_EQ(a.generated_states, b.generated_states);
    EXPECT_EQ(a.counterexample, b.counterexample);
    if (a.violation && b.violation) {
      EXPECT_EQ(a.violation->invariant, b.violation->invariant);
    }
  });
}

}  // namespace
}  // namespace corridor

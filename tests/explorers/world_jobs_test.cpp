// The parallel BFS of the simulated world is the same search on any number of jobs. On every
// protocol in the registry that has a copyable world, with one of each fault its fault model makes
// possible: the correct variant's search gives the same verdict, unique and generated counts and
// witness paths at -j 1 and -j 2; and every planted bug's search at a small depth gives the same
// verdict and first violation (invariant, message and counterexample). Iterating the registry
// covers a protocol added to it too.
//
// It once failed twice over:
// - crdts with a crash-restart: a pending slot reused for a restart kept the fault index of the
//   plan entry it had held before, and the world's encoding mixed that index in, so two equal
//   worlds had different fingerprints (model/engine_impl.hpp, alloc_slot);
// - hlc, leader-lease and heartbeat-register, whose nodes store clock readings: the untimed
//   encoding leaves out true time, so two worlds with one fingerprint can differ in when they are,
//   and which of them a search kept was whichever thread inserted first (heartbeat-register at
//   depth 8: -j1 404,696 and -j2 399,008 states). Ordered levels keep the one of smallest rank, as
//   one thread does (explorers/exhaustive.hpp, "The same search at any -j").
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "explorers/exhaustive.hpp"
#include "model/world_model.hpp"
#include "protocols/registry.hpp"
#include "tests/build_budget.hpp"
#include "tests/explorers/world_faults.hpp"

namespace corridor {
namespace {

// Deep enough that every fault is taken somewhere and a few thousand states are searched, shallow
// enough for under about 2 s a search on two cores. A sanitizer build searches two levels less.
const std::map<std::string, std::uint32_t>& stated_depths() {
  static const std::map<std::string, std::uint32_t> depths = {
      {"ping-pong", 20},
      {"heartbeat-register", 6},
      {"chandy-lamport", 7},
      {"two-phase-commit-actors", 20},
  };
  return depths;
}
constexpr std::uint32_t depth_default = 9;

ExhaustiveSummary search(const ProtocolEntry& entry, const SimConfig& config, const WorldLimits& limits,
                         std::uint32_t depth, std::uint32_t jobs) {
  ExhaustiveOptions o;
  o.depth_max = test_support::holding_depth(depth);
  o.states_max = 2'000'000;
  o.memory_bytes_max = std::uint64_t{2} << 30;
  o.jobs = jobs;
  return explore_exhaustive(entry.make()->world_model(config, limits), o).summary;
}

std::vector<std::vector<std::string>> witness_paths(const ExhaustiveSummary& summary) {
  std::vector<std::vector<std::string>> paths;
  for (const WitnessReport& w : summary.witnesses) paths.push_back(w.path);
  return paths;
}

void print_pair(const std::string& name, const WorldLimits& limits, const ExhaustiveSummary& one,
                const ExhaustiveSummary& two) {
  std::printf("%s: depth %u, crashes %u losses %u dups %u: %s; -j1 %llu unique %llu generated %.2f s; -j2 %llu unique "
              "%llu generated %.2f s\n",
              name.c_str(), one.depth, limits.crashes, limits.losses, limits.dups, to_string(one.verdict),
              static_cast<unsigned long long>(one.unique_states), static_cast<unsigned long long>(one.generated_states),
              one.seconds, static_cast<unsigned long long>(two.unique_states),
              static_cast<unsigned long long>(two.generated_states), two.seconds);
}

TEST(WorldJobs, CorrectVariantsGiveTheSameCountsVerdictsAndWitnessPathsAtOneAndTwoJobs) {
  std::size_t compared = 0;
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || !entry.make()->copyable_world()) continue;
    SCOPED_TRACE(entry.info.name);
    const SimConfig config = entry.default_config(0);
    const WorldLimits limits = test_support::one_of_each_fault(config);
    const auto stated = stated_depths().find(entry.info.name);
    const std::uint32_t depth = stated == stated_depths().end() ? depth_default : stated->second;
    const ExhaustiveSummary one = search(entry, config, limits, depth, 1);
    const ExhaustiveSummary two = search(entry, config, limits, depth, 2);
    EXPECT_EQ(one.verdict, two.verdict);
    EXPECT_GT(one.unique_states, 1u);
    EXPECT_EQ(one.unique_states, two.unique_states);
    EXPECT_EQ(one.generated_states, two.generated_states);
    EXPECT_EQ(witness_paths(one), witness_paths(two));
    print_pair(entry.info.name, limits, one, two);
    ++compared;
  }
  EXPECT_GT(compared, 0u);
}

// A planted bug's first violation is the one of smallest rank, so the same at any -j: the same
// invariant, message and counterexample. The counts are the same where no violation is found
// within the depth; with one they differ, since one thread stops at the violating state and
// ordered levels at the end of its level.
TEST(WorldJobs, PlantedBugsGiveTheSameFirstViolationAtOneAndTwoJobs) {
  constexpr std::uint32_t planted_depth = 6;
  std::size_t violations = 0;
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make || !entry.make()->copyable_world()) continue;
    for (std::uint32_t v = 1; v < entry.info.variants.size(); ++v) {
      const std::string name = entry.info.name + " " + entry.info.variants[v].name;
      SCOPED_TRACE(name);
      const SimConfig config = entry.default_config(v);
      const WorldLimits limits = test_support::one_of_each_fault(config);
      const ExhaustiveSummary one = search(entry, config, limits, planted_depth, 1);
      const ExhaustiveSummary two = search(entry, config, limits, planted_depth, 2);
      EXPECT_EQ(one.verdict, two.verdict);
      if (!one.violation) {
        EXPECT_EQ(one.unique_states, two.unique_states);
        EXPECT_EQ(one.generated_states, two.generated_states);
      }
      EXPECT_EQ(one.counterexample, two.counterexample);
      ASSERT_EQ(one.violation.has_value(), two.violation.has_value());
      if (one.violation) {
        EXPECT_EQ(one.violation->invariant, two.violation->invariant);
        EXPECT_EQ(one.violation->message, two.violation->message);
        EXPECT_EQ(one.violation->true_ns, two.violation->true_ns);
        ++violations;
      }
      print_pair(name, limits, one, two);
    }
  }
  // Some planted bugs show within the depth (two-phase-commit-actors's, chandy-lamport's), or the
  // test would compare no violation.
  EXPECT_GT(violations, 0u);
}

}  // namespace
}  // namespace corridor

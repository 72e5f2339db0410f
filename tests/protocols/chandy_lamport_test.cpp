#include "protocols/chandy_lamport/chandy_lamport.hpp"

#include <gtest/gtest.h>

#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {
const ProtocolEntry& chandy() { return protocol("chandy-lamport"); }
}  // namespace

TEST(ChandyLamport, RegistryEntryIsComplete) {
  const ProtocolInfo& info = chandy().info;
  ASSERT_EQ(info.variants.size(), 3u);
  EXPECT_EQ(info.variants[0].name, "correct");
  EXPECT_EQ(info.variants[1].name, "record-after-marker");
  EXPECT_EQ(info.variants[2].name, "no-in-flight");
  EXPECT_EQ(info.invariants, (std::vector<std::string>{"snapshot-conservation", "consistent-cut", "snapshot-completion"}));
}

TEST(ChandyLamport, CorrectPassesAThousandSeedsOfItsFaultModel) {
  const Sweep s = sweep(chandy(), config_for(chandy(), "correct"), 1000);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(ChandyLamport, CorrectPassesWithFiveNodes) {
  SimConfig config = config_for(chandy(), "correct");
  config.nodes = 5;
  const Sweep s = sweep(chandy(), config, 300);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(ChandyLamport, EachPlantedBugBreaksConservationWithinTwentySeeds) {
  for (const char* variant : {"record-after-marker", "no-in-flight"}) {
    const Sweep s = sweep(chandy(), config_for(chandy(), variant, true), 20);
    ASSERT_TRUE(s.first_failure) << variant << " not found in " << s.runs << " seeds";
    EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(chandy(), variant)) << s.first_failure->violation->message;
  }
}

// Every snapshot completes and some runs have two initiators of one snapshot.
TEST(ChandyLamport, SnapshotsCompleteAndSometimesStartTwice) {
  const SimConfig config = config_for(chandy(), "correct");
  std::unique_ptr<Simulation> sim = chandy().make();
  RunOptions options;
  options.record = true;
  int concurrent = 0;
  for (std::uint64_t i = 0; i < 30; ++i) {
    ASSERT_FALSE(run_once(*sim, config, derive_seed(master_seed, i), options).violation);
    std::size_t states = 0;
    int initiations = 0;
    for (const EventRecord& r : sim->records()) {
      states += r.kind == EventKind::note && r.summary.starts_with("snapshot-state ");
      initiations += r.kind == EventKind::timer && r.summary.starts_with("timer StartSnapshot{");
    }
    EXPECT_EQ(states, std::size_t{config.nodes} * protocols::ChandyLamport::snapshots);
    concurrent += initiations > static_cast<int>(protocols::ChandyLamport::snapshots);
  }
  EXPECT_GT(concurrent, 0);
}

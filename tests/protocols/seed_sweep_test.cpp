// The protocol tests run planted bugs under the demo's configuration: the one `corridor demo`
// runs (ProtocolEntry::demo_config), not a second computation of it that could drift apart.
#include <gtest/gtest.h>

#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

TEST(SeedSweep, ThePlantedBugsDemoConfigurationIsTheDemosOwn) {
  for (const ProtocolEntry& e : protocol_registry()) {
    for (std::uint32_t v = 0; v < e.info.variants.size(); ++v) {
      if (!e.info.variants[v].planted_bug) continue;
      EXPECT_EQ(config_for(e, e.info.variants[v].name, true), e.demo_config(v)) << e.info.name << "/" << e.info.variants[v].name;
    }
  }
}

// A correct variant under the demo's configuration gets its bugs' faults and clock, and keeps
// the rest of its own defaults.
TEST(SeedSweep, ACorrectVariantUnderTheDemoConfigurationGetsItsBugsFaultsAndClock) {
  for (const ProtocolEntry& e : protocol_registry()) {
    std::optional<std::uint32_t> bug;
    for (std::uint32_t v = 0; v < e.info.variants.size() && !bug; ++v) {
      if (e.info.variants[v].planted_bug) bug = v;
    }
    if (!bug) continue;
    SimConfig expected = e.demo_config(*bug);
    expected.variant = 0;
    EXPECT_EQ(config_for(e, e.info.variants[0].name, true), expected) << e.info.name;
  }
}

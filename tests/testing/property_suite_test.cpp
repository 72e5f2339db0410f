// The test-side API: a property suite passes a correct protocol, fails a planted bug with the
// shrunk trace's path and a replay line that reproduces it, reads its seed count from the
// environment; the RapidCheck generators make valid scenarios that run.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "protocols/registry.hpp"
#include "testing/generators.hpp"
#include "testing/property_suite.hpp"

namespace {

const corridor::ProtocolEntry& causal() { return *corridor::find_protocol("causal-broadcast"); }

corridor::property::Suite causal_suite(std::uint32_t variant, const std::string& dir) {
  return {.protocol = "causal-broadcast",
          .variant = causal().info.variants.at(variant).name,
          .make = causal().make,
          .config = causal().default_config(variant),
          .seeds = 30,
          .results_dir = dir};
}

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("corridor-suite-test-" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  const char* name;
  ScopedEnv(const char* n, const std::string& value) : name(n) { ::setenv(n, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name); }
};

}  // namespace

TEST(PropertySuite, ACorrectProtocolHolds) {
  const auto dir = scratch("correct");
  const corridor::property::SuiteOutcome o = corridor::property::run_suite(causal_suite(0, dir));
  EXPECT_EQ(o.runs, 30u);
  EXPECT_FALSE(o.violation.has_value());
  EXPECT_TRUE(corridor::property::holds(causal_suite(0, dir)));
}

TEST(PropertySuite, APlantedBugFailsWithTheShrunkTraceAndAReplayLineThatReproducesIt) {
  const auto dir = scratch("bug");
  const ::testing::AssertionResult r = corridor::property::holds(causal_suite(1, dir));
  ASSERT_FALSE(r);
  const std::string message = r.message();
  EXPECT_NE(message.find("causal-delivery"), std::string::npos) << message;
  EXPECT_NE(message.find("shrunk: " + dir + "/causal-broadcast/fifo-only/seed-"), std::string::npos) << message;
  EXPECT_NE(message.find("replay: CORRIDOR_REPLAY=" + dir), std::string::npos) << message;
  EXPECT_NE(message.find("--gtest_filter='PropertySuite.APlantedBugFails"), std::string::npos) << message;

  const corridor::property::SuiteOutcome o = corridor::property::run_suite(causal_suite(1, dir));
  ASSERT_TRUE(o.shrunk.has_value());
  EXPECT_LT(o.shrunk->after.events, o.shrunk->before.events);
  ASSERT_TRUE(std::filesystem::exists(o.shrunk_path));
  const ScopedEnv replay("CORRIDOR_REPLAY", o.shrunk_path);
  const corridor::property::SuiteOutcome again = corridor::property::run_suite(causal_suite(1, dir));
  EXPECT_EQ(again.runs, 1u);
  ASSERT_TRUE(again.violation.has_value());
  EXPECT_EQ(again.violation->invariant, o.violation->invariant);
  EXPECT_EQ(again.violation->step, o.violation->step);
}

TEST(PropertySuite, SeedsComeFromTheEnvironmentAndBadValuesAreNamed) {
  const auto dir = scratch("env");
  {
    const ScopedEnv seeds("CORRIDOR_SEEDS", "7");
    EXPECT_EQ(corridor::property::run_suite(causal_suite(0, dir)).runs, 7u);
  }
  {
    const ScopedEnv seeds("CORRIDOR_SEEDS", "many");
    const ::testing::AssertionResult r = corridor::property::holds(causal_suite(0, dir));
    ASSERT_FALSE(r);
    EXPECT_NE(std::string(r.message()).find("CORRIDOR_SEEDS='many'"), std::string::npos) << r.message();
  }
  {
    const ScopedEnv replay("CORRIDOR_REPLAY", dir + "/missing.trace.jsonl");
    const ::testing::AssertionResult r = corridor::property::holds(causal_suite(0, dir));
    ASSERT_FALSE(r);
    EXPECT_NE(std::string(r.message()).find("cannot open"), std::string::npos) << r.message();
  }
}

RC_GTEST_PROP(PropertyGenerators, ScenariosAreValidAndRunOnTheCorrectVariant, ()) {
  const corridor::property::Scenario s = *corridor::property::gen::scenario(
      {.nodes_min = 2, .nodes_max = 4, .horizon_ns = corridor::ms(300), .faults_max = 3,
       .kinds = {corridor::FaultKind::pause, corridor::FaultKind::partition, corridor::FaultKind::drift},
       .operations_max = 4});
  RC_ASSERT(s.nodes >= 2u && s.nodes <= 4u);
  RC_ASSERT(s.plan.size() <= 3u);
  RC_ASSERT(s.operations.size() == s.nodes);
  for (const corridor::FaultEvent& f : s.plan) {
    RC_ASSERT(f.at_ns >= 0 && f.at_ns < corridor::ms(300));
    for (corridor::NodeId n : f.nodes) RC_ASSERT(n < s.nodes);
    for (corridor::NodeId n : f.others) RC_ASSERT(n < s.nodes);
  }
  // The text form round-trips, so a generated plan can be written into a trace.
  RC_ASSERT(corridor::parse_fault_plan(corridor::format_fault_plan(s.plan), s.nodes, "generated") == s.plan);
  auto sim = causal().make();
  const corridor::RunOutcome out = corridor::property::run_scenario(*sim, causal().default_config(0), s);
  RC_ASSERT(out.verdict == corridor::Verdict::pass);
  for (std::size_t a = 0; a < s.nodes; ++a) RC_ASSERT(sim->operations_started()[a] <= s.operations[a]);
}

// campaign_suite runs a registered protocol's default campaign (every size with every clock of
// its registration) for every protocol of the registry, and a failure's trace is of the failing
// run's own size and clock, so that it replays.
TEST(PropertySuite, ACampaignSuiteRunsTheRegistrationsSizesAndClocksAndItsFailuresReplay) {
  std::size_t suites = 0;
  for (const corridor::ProtocolEntry& e : corridor::protocol_registry()) {
    if (!e.make) continue;
    ++suites;
    corridor::property::Suite suite = corridor::property::campaign_suite(e);
    EXPECT_EQ(suite.configs, e.campaign_configs(0)) << e.info.name;
    suite.seeds = 2 * suite.configs.size();
    suite.results_dir = scratch("campaign");
    EXPECT_TRUE(corridor::property::holds(suite));
  }
  EXPECT_GE(suites, 12u);

  corridor::property::Suite bug = corridor::property::campaign_suite(causal(), "fifo-only");
  bug.seeds = 300;
  bug.results_dir = scratch("campaign-bug");
  const corridor::property::SuiteOutcome o = corridor::property::run_suite(bug);
  ASSERT_TRUE(o.violation.has_value());
  const corridor::Trace trace = corridor::read_trace(o.trace_path);
  EXPECT_NE(std::find(bug.configs.begin(), bug.configs.end(), trace.header.config), bug.configs.end());
  const ScopedEnv replay("CORRIDOR_REPLAY", o.trace_path);
  const corridor::property::SuiteOutcome again = corridor::property::run_suite(bug);
  ASSERT_TRUE(again.violation.has_value());
  EXPECT_EQ(again.violation->invariant, "causal-delivery");
  EXPECT_THROW(corridor::property::campaign_suite(causal(), "no-such-variant"), std::invalid_argument);
}

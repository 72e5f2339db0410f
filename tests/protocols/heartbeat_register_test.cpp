#include "protocols/heartbeat_register/heartbeat_register.hpp"

#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "model/prng.hpp"
#include "tests/protocols/seed_sweep.hpp"
#include "traces/trace.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {

const ProtocolEntry& hr() { return protocol("heartbeat-register"); }

// Delay, loss, partitions, crashes and clocks far outside the corridors it declares.
SimConfig rough_config(std::uint32_t nodes) {
  SimConfig config = config_for(hr(), "correct");
  config.nodes = nodes;
  config.faults = {};
  config.link = {};
  config.clock = {};
  apply_fault_spec("crash=2,partition=2,pause=1,loss=0.05,dup=0.02,delay=exp:1ms:8ms", config);
  apply_clock_spec("skew=20ms,drift=5000ppm,jump=-30ms,jumps=1", config);
  config.time_limit_ns = seconds(2);
  return config;
}

// Everything a trace holds of a run except badges, as written.
Trace trace_of(const Simulation& sim, const SimConfig& config, std::uint64_t seed, const RunOutcome& out) {
  Trace t;
  t.header.protocol = "heartbeat-register";
  t.header.variant = "correct";
  t.header.seed = seed;
  t.header.config = config;
  t.header.nodes = sim.node_count();
  t.header.clients = sim.actor_count() - sim.node_count();
  t.header.fault_plan = sim.fault_plan();
  t.header.choices = sim.choices();
  t.events = sim.records();
  t.history = sim.history();
  t.badges = sim.badges();
  t.violation = out.violation;
  t.footer.steps = out.steps;
  t.footer.end_ns = out.end_ns;
  return t;
}

std::string without_badge_lines(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"kind\":\"badge\"") == std::string::npos) out += line + "\n";
  }
  return out;
}

}  // namespace

TEST(HeartbeatRegister, RegistryEntryDeclaresItsCorridors) {
  const ProtocolInfo& info = hr().info;
  ASSERT_EQ(info.variants.size(), 4u);
  EXPECT_FALSE(info.variants[0].planted_bug);
  for (std::size_t v = 1; v < info.variants.size(); ++v) EXPECT_TRUE(info.variants[v].planted_bug);
  EXPECT_EQ(info.invariants,
            (std::vector<std::string>{"replica-monotonic", "detector-completeness", "detector-accuracy"}));
  std::set<std::string> monitors;
  for (const BadgeDeclaration& d : info.badge_monitors) {
    monitors.insert(d.monitor);
    EXPECT_FALSE(d.assumption.empty() || d.corridor.empty() || d.boundary.empty()) << d.monitor;
  }
  EXPECT_EQ(monitors, (std::set<std::string>{"message-delay", "clock-skew", "heartbeat-gap", "false-suspicion",
                                             "version-lag", "leader-count"}));
}

TEST(HeartbeatRegister, CorrectPassesItsFaultModel) {
  const Sweep s = sweep(hr(), config_for(hr(), "correct"), 1000);
  ASSERT_FALSE(s.first_failure) << "seed " << s.first_failure->seed << ": " << s.first_failure->violation->message;
}

TEST(HeartbeatRegister, CorrectPassesFarOutsideItsCorridors) {
  for (std::uint32_t nodes : {2u, 5u}) {
    const Sweep s = sweep(hr(), rough_config(nodes), 150);
    ASSERT_FALSE(s.first_failure) << nodes << " nodes, seed " << s.first_failure->seed << ": "
                                  << s.first_failure->violation->message;
  }
}

TEST(HeartbeatRegister, ApplyAnyOrderIsFoundWithinFiftySeeds) {
  const Sweep s = sweep(hr(), config_for(hr(), "apply-any-order", true), 50);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  EXPECT_EQ(s.first_failure->violation->invariant, expected_invariant(hr(), "apply-any-order"));
}

// The detector's planted bugs, each found by the check its registration names under the demo's
// faults (a crash-stop, a crash-restart and a partition).
TEST(HeartbeatRegister, SharedTimeoutBreaksDetectorCompleteness) {
  const Sweep s = sweep(hr(), config_for(hr(), "shared-timeout", true), 50);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  const Violation& v = *s.first_failure->violation;
  EXPECT_EQ(v.invariant, "detector-completeness");
  EXPECT_EQ(v.invariant, expected_invariant(hr(), "shared-timeout"));
  EXPECT_EQ(v.verdict, Verdict::liveness);
  ASSERT_EQ(v.nodes.size(), 2u);  // the observer that still trusts, then the crashed node
  EXPECT_NE(v.message.find("crashed at"), std::string::npos) << v.message;
}

TEST(HeartbeatRegister, KeepsSuspectingBreaksDetectorAccuracy) {
  const Sweep s = sweep(hr(), config_for(hr(), "keeps-suspecting", true), 50);
  ASSERT_TRUE(s.first_failure) << "not found in " << s.runs << " seeds";
  const Violation& v = *s.first_failure->violation;
  EXPECT_EQ(v.invariant, "detector-accuracy");
  EXPECT_EQ(v.invariant, expected_invariant(hr(), "keeps-suspecting"));
  EXPECT_EQ(v.verdict, Verdict::liveness);
  ASSERT_EQ(v.nodes.size(), 2u);  // the observer that still suspects, then the live node
  EXPECT_NE(v.message.find("still suspects live node"), std::string::npos) << v.message;
}

// The correct detector passes what its planted bugs are found under, at 2 to 5 nodes.
TEST(HeartbeatRegister, CorrectDetectorPassesTheDemoFaultsAtSeveralSizes) {
  for (std::uint32_t nodes : {2u, 3u, 5u}) {
    SimConfig config = config_for(hr(), "correct", true);
    config.nodes = nodes;
    const Sweep s = sweep(hr(), config, 300);
    ASSERT_FALSE(s.first_failure) << nodes << " nodes, seed " << s.first_failure->seed << ": "
                                  << s.first_failure->violation->message;
  }
}

// Badges never change a run: with monitors on and off, the same events, history, choices,
// violation and digest; the trace texts differ only by the badge lines.
TEST(HeartbeatRegister, BadgeMonitorsOnAndOffGiveTheSameRun) {
  auto on = hr().make();
  auto off = hr().make();
  off->set_badge_monitors(false);
  std::set<std::string> monitors_seen;
  std::uint64_t badges = 0;
  for (std::uint64_t i = 0; i < 8; ++i) {
    const SimConfig config = rough_config(i % 2 ? 5 : 3);
    const std::uint64_t seed = derive_seed(master_seed, i);
    const RunOutcome a = run_once(*on, config, seed, {.record = true});
    const RunOutcome b = run_once(*off, config, seed, {.record = true});
    EXPECT_TRUE(off->badges().empty());
    ASSERT_EQ(on->records(), off->records()) << "seed " << seed;
    EXPECT_EQ(on->history().size(), off->history().size());  // no client: the trace texts below compare the rest
    EXPECT_EQ(on->choices(), off->choices());
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.violation.has_value(), b.violation.has_value());
    const Trace ta = trace_of(*on, config, seed, a);
    const Trace tb = trace_of(*off, config, seed, b);
    const std::string text_on = trace_to_string(ta);
    EXPECT_EQ(without_badge_lines(text_on), trace_to_string(tb));
    EXPECT_EQ(digest_of_lines(event_lines(ta.events, ta.history)), digest_of_lines(event_lines(tb.events, tb.history)));
    // The badges survive the trace file.
    EXPECT_EQ(parse_trace(text_on, "on").badges, ta.badges);
    badges += ta.badges.size();
    for (const Badge& badge : ta.badges) monitors_seen.insert(badge.monitor + "/" + badge.view);
  }
  EXPECT_GT(badges, 0u);
  EXPECT_EQ(monitors_seen, (std::set<std::string>{"message-delay/omniscient", "clock-skew/node-local", "clock-skew/omniscient",
                                                  "heartbeat-gap/node-local", "false-suspicion/omniscient",
                                                  "version-lag/omniscient", "leader-count/omniscient"}));
}

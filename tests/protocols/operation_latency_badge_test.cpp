// The operation-latency badge in real runs of protocols whose clients are extra actors: under
// extreme delays it shows in the trace, under the default fault model it stays (mostly) quiet,
// and a run with the monitor on is the run with it off, plus the badge lines.
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "model/prng.hpp"
#include "tests/protocols/seed_sweep.hpp"
#include "traces/trace.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {

// The protocol's default configuration at `nodes` with only `faults` (its clocks kept).
SimConfig oplat_config(const ProtocolEntry& entry, std::uint32_t nodes, const std::string& faults) {
  SimConfig config = config_for(entry, "correct");
  config.nodes = nodes;
  if (!faults.empty()) {
    config.faults = {};
    config.link = {};
    apply_fault_spec(faults, config);
  }
  return config;
}

// Four times the default link's maximum delay and more: (co-)multi-paxos-kv's six one-way delays
// alone exceed its 480ms bound; vc-kv's (and dvv-kv's) four exceed 40ms and mostly stay under their
// 100ms client timeout.
const char* oplat_extreme_delays(std::string_view protocol) {
  return protocol == "vc-kv" || protocol == "dvv-kv" ? "delay=uniform:10ms:30ms" : "delay=uniform:40ms:80ms";
}

std::string oplat_without_badge_lines(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"kind\":\"badge\"") == std::string::npos) out += line + "\n";
  }
  return out;
}

struct OplatCount {
  std::uint64_t runs_drifted = 0;
  std::uint64_t badges = 0;
};

OplatCount oplat_count(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seeds) {
  auto sim = entry.make();
  OplatCount count;
  for (std::uint64_t i = 0; i < seeds; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i));
    EXPECT_FALSE(out.violation.has_value()) << entry.info.name << " seed " << out.seed;
    count.badges += sim->badges().size();
    if (!sim->badges().empty()) ++count.runs_drifted;
  }
  return count;
}

class OperationLatencyRun : public ::testing::TestWithParam<const char*> {};

TEST_P(OperationLatencyRun, ExtremeDelaysShowTheBadgeInTheTraceObservedByClients) {
  const ProtocolEntry& entry = protocol(GetParam());
  const SimConfig config = oplat_config(entry, 3, oplat_extreme_delays(GetParam()));
  auto sim = entry.make();
  const std::uint64_t seed = derive_seed(master_seed, 0);
  const RunOutcome out = run_once(*sim, config, seed, {.record = true});
  ASSERT_FALSE(out.violation.has_value());
  const Trace trace = trace_of_run(GetParam(), "correct", config, seed, *sim, out.violation, out.steps, out.end_ns);
  ASSERT_FALSE(trace.badges.empty());
  for (const Badge& b : trace.badges) {
    EXPECT_EQ(b.monitor, "operation-latency");
    EXPECT_GE(b.node, trace.header.nodes) << "observed by a client, an actor after the nodes";
    EXPECT_LT(b.node, trace.header.nodes + trace.header.clients);
  }
  const std::string text = trace_to_string(trace);
  EXPECT_NE(text.find("\"monitor\":\"operation-latency\""), std::string::npos);
  EXPECT_EQ(parse_trace(text, "run").badges, trace.badges);
}

// Badges never change a run: with the monitor on and off, the same events, history, choices and
// digest; the trace texts differ only by the badge lines.
TEST_P(OperationLatencyRun, MonitorOnAndOffGiveTheSameRun) {
  const ProtocolEntry& entry = protocol(GetParam());
  auto on = entry.make();
  auto off = entry.make();
  off->set_badge_monitors(false);
  std::uint64_t badges = 0;
  for (std::uint64_t i = 0; i < 6; ++i) {
    const SimConfig config = oplat_config(entry, i % 2 ? 5 : 3, i < 3 ? oplat_extreme_delays(GetParam()) : "");
    const std::uint64_t seed = derive_seed(master_seed, i);
    const RunOutcome a = run_once(*on, config, seed, {.record = true});
    const RunOutcome b = run_once(*off, config, seed, {.record = true});
    EXPECT_TRUE(off->badges().empty());
    ASSERT_EQ(on->records(), off->records()) << "seed " << seed;
    EXPECT_EQ(on->history().size(), off->history().size());  // and the digest below covers its lines
    EXPECT_EQ(on->choices(), off->choices());
    EXPECT_EQ(a.steps, b.steps);
    const Trace ta = trace_of_run(GetParam(), "correct", config, seed, *on, a.violation, a.steps, a.end_ns);
    const Trace tb = trace_of_run(GetParam(), "correct", config, seed, *off, b.violation, b.steps, b.end_ns);
    EXPECT_EQ(oplat_without_badge_lines(trace_to_string(ta)), trace_to_string(tb));
    EXPECT_EQ(digest_of_lines(event_lines(ta.events, ta.history)), digest_of_lines(event_lines(tb.events, tb.history)));
    badges += ta.badges.size();
  }
  EXPECT_GT(badges, 0u) << "the runs compared must have had badges to leave out";
}

INSTANTIATE_TEST_SUITE_P(ClientProtocols, OperationLatencyRun,
                         ::testing::Values("multi-paxos-kv", "co-multi-paxos-kv", "vc-kv", "dvv-kv"));

// multi-paxos-kv's 480ms leaves room for an election or a retry; the default faults together
// (a crash, a partition, lost messages) take longer now and then: 15 of these 200 runs at 3
// replicas, one in eight at most.
TEST(OperationLatencyBadgeDefaults, MultiPaxosKvMostlyStaysInsideUnderItsDefaultFaults) {
  const ProtocolEntry& entry = protocol("multi-paxos-kv");
  const OplatCount count = oplat_count(entry, oplat_config(entry, 3, ""), 200);
  EXPECT_LE(count.runs_drifted, 200u / 8) << count.badges << " badges";
}

// vc-kv's 40ms is four delays of at most 10ms, and a client gives up (info, no latency) rather
// than retry: under its default faults no completed operation can leave the corridor.
TEST(OperationLatencyBadgeDefaults, VcKvNeverLeavesItUnderItsDefaultFaults) {
  const ProtocolEntry& entry = protocol("vc-kv");
  for (std::uint32_t nodes : {1u, 3u, 5u}) {
    const OplatCount count = oplat_count(entry, oplat_config(entry, nodes, ""), 100);
    EXPECT_EQ(count.badges, 0u) << nodes << " nodes";
  }
}

}  // namespace

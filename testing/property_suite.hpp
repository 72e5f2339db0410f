#pragma once
// Property suites in GoogleTest: one test runs a protocol under a fault model for N seeds and, on
// a failure, writes the trace, shrinks it (explorers/shrink.hpp), and fails with the shrunk
// trace's path and a one-line command that replays it.
//
//   TEST(TokenRing, OneTokenUnderPauses) {
//     const corridor::property::Suite suite{.protocol = "token-ring", .make = make_token_ring, .config = config};
//     EXPECT_TRUE(corridor::property::holds(suite));
//   }
//
// (The namespace is corridor::property, not corridor::testing, so that `using namespace corridor`
// never makes GoogleTest's ::testing ambiguous.)
//
// Environment (so that CI and a nightly run differ without a rebuild):
//   CORRIDOR_SEEDS=N          seeds per suite (default: the suite's `seeds`)
//   CORRIDOR_MASTER_SEED=S    the master seed (decimal or 0x hex; default: the suite's)
//   CORRIDOR_RESULTS=DIR      where traces go (default: the suite's `results_dir`)
//   CORRIDOR_REPLAY=FILE      replay this trace instead of running seeds (the failure's replay line)
//
// Header-only and test-side: include it from test code that links GoogleTest, never from the
// corridor library.
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "explorers/seed_runner.hpp"
#include "explorers/shrink.hpp"
#include "model/units.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace corridor::property {

struct Suite {
  std::string protocol;                // names the traces (and `corridor replay` when registered)
  std::string variant = "correct";     // likewise
  SimulationFactory make;              // a fresh Simulation of the protocol
  SimConfig config;                    // the fault model, clocks, nodes, time limit, variant index
  // When not empty, seeds are spread round-robin over these instead of `config` (run i runs
  // configs[i % size]): a registered protocol's default campaign, from campaign_suite.
  std::vector<SimConfig> configs;
  std::uint64_t seeds = 100;           // CORRIDOR_SEEDS overrides
  std::uint64_t master_seed = 0xC0441D04;  // CORRIDOR_MASTER_SEED overrides
  std::string results_dir = "corridor-results";  // CORRIDOR_RESULTS overrides
  ShrinkBudget shrink_budget{.replays_max = 20'000, .seconds_max = 30.0};
  unsigned jobs = 0;                   // threads; 0: every core
  // The corridor_add_tool program that registers `protocol` (cmake/corridorTool.cmake): trace
  // headers name it, and a failure prints its replay line too. Empty: the test binary wrote them.
  std::string tool;
};

// What a suite found; `holds` turns it into a GoogleTest assertion.
struct SuiteOutcome {
  std::uint64_t runs = 0;
  std::optional<Violation> violation;
  std::uint64_t seed = 0;
  std::string trace_path;
  std::string shrunk_path;
  std::string replay_command;
  std::optional<ShrinkResult> shrunk;
  std::string problem;  // a bad environment variable or trace: the suite could not run
};

namespace detail {

inline std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (hex) text.remove_prefix(2);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, hex ? 16 : 10);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

inline std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? std::optional<std::string>(value) : std::nullopt;
}

// "CORRIDOR_REPLAY=FILE /path/to/test-binary --gtest_filter=Suite.Name"
inline std::string replay_command(const std::string& trace_path) {
  std::string binary = "<test binary>";
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n > 0) binary.assign(buffer, static_cast<std::size_t>(n));
  std::string filter;
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    filter = fmt::format(" --gtest_filter='{}.{}'", info->test_suite_name(), info->name());
  }
  return fmt::format("CORRIDOR_REPLAY={} {}{}", trace_path, binary, filter);
}

inline Trace run_trace(const Suite& suite, Simulation& sim, const FailingRun& run, bool from_log) {
  const RunOutcome out = from_log ? run_once(sim, run.config, run.seed, {.record = true, .plan = &run.plan, .replay = &run.choices})
                                  : run_once(sim, run.config, run.seed, {.record = true});
  Trace trace = trace_of_run(suite.protocol, suite.variant, run.config, run.seed, sim, out.violation, out.steps, out.end_ns);
  if (!suite.tool.empty()) trace.header.tool = trace_tool_text(suite.tool);
  return trace;
}

inline SuiteOutcome replay_file(const Suite& suite, const std::string& path) {
  SuiteOutcome o;
  Trace trace;
  try {
    trace = read_trace(path);
  } catch (const std::exception& e) {
    o.problem = fmt::format("CORRIDOR_REPLAY: {}", e.what());
    return o;
  }
  if (trace.header.protocol != suite.protocol) {
    o.problem = fmt::format("CORRIDOR_REPLAY: {} is a trace of {}, not of {}", path, trace.header.protocol, suite.protocol);
    return o;
  }
  auto sim = suite.make();
  const RunOutcome out = run_once(*sim, trace.header.config, trace.header.seed,
                                  {.plan = &trace.header.fault_plan, .replay = &trace.header.choices});
  o.runs = 1;
  o.seed = trace.header.seed;
  o.violation = out.violation;
  o.trace_path = path;
  o.replay_command = replay_command(path);
  return o;
}

}  // namespace detail

// Runs the suite (or replays CORRIDOR_REPLAY); on the first failure writes its trace and the
// shrunk trace under results_dir/<protocol>/<variant>/.
inline SuiteOutcome run_suite(Suite suite) {
  SuiteOutcome o;
  if (!suite.make) {
    o.problem = "the suite has no simulation factory (`make`)";
    return o;
  }
  if (const auto path = detail::env("CORRIDOR_REPLAY")) return detail::replay_file(suite, *path);
  if (const auto text = detail::env("CORRIDOR_SEEDS")) {
    const auto n = detail::parse_number(*text);
    if (!n || *n == 0) {
      o.problem = fmt::format("CORRIDOR_SEEDS='{}' is not a positive number of seeds", *text);
      return o;
    }
    suite.seeds = *n;
  }
  if (const auto text = detail::env("CORRIDOR_MASTER_SEED")) {
    const auto n = detail::parse_number(*text);
    if (!n) {
      o.problem = fmt::format("CORRIDOR_MASTER_SEED='{}' is not a seed (decimal or 0x hex)", *text);
      return o;
    }
    suite.master_seed = *n;
  }
  if (const auto dir = detail::env("CORRIDOR_RESULTS")) suite.results_dir = *dir;

  const std::vector<SimConfig> configs = suite.configs.empty() ? std::vector<SimConfig>{suite.config} : suite.configs;
  const CampaignResult result =
      run_campaign(suite.make, configs, {.master_seed = suite.master_seed, .runs = suite.seeds, .jobs = suite.jobs});
  o.runs = result.runs_done;
  if (result.failures.empty()) return o;
  const SeedFailure& f = result.failures.front();
  suite.config = config_of_run(configs, f.index);  // the failing run's size and clock
  o.seed = f.outcome.seed;
  o.violation = f.outcome.violation;
  auto sim = suite.make();
  const std::string stem = fmt::format("{}/{}/{}/seed-{:016x}", suite.results_dir, suite.protocol, suite.variant, o.seed);
  const Trace trace = detail::run_trace(suite, *sim, {suite.config, o.seed, {}, {}}, false);
  o.trace_path = stem + ".trace.jsonl";
  write_trace(o.trace_path, trace);
  const FailingRun failing{suite.config, o.seed, trace.header.fault_plan, trace.header.choices};
  o.shrunk = shrink(*sim, failing, suite.shrink_budget);
  o.shrunk_path = stem + ".shrunk.trace.jsonl";
  write_trace(o.shrunk_path, detail::run_trace(suite, *sim, o.shrunk->shrunk, true));
  o.violation = o.shrunk->violation;
  o.replay_command = detail::replay_command(o.shrunk_path);
  return o;
}

// The suite of a registered protocol's default campaign (the sizes and clocks its registration
// declares, ProtocolEntry::campaign_configs): what `corridor run NAME` runs, as a test.
inline Suite campaign_suite(const ProtocolEntry& entry, const std::string& variant = "correct") {
  const int index = entry.variant_index(variant);
  if (index < 0 || !entry.make) {
    throw std::invalid_argument(fmt::format("campaign_suite: {} has no variant '{}' to run", entry.info.name, variant));
  }
  Suite suite{.protocol = entry.info.name, .variant = variant, .make = entry.make};
  suite.configs = entry.campaign_configs(static_cast<std::uint32_t>(index));
  suite.config = suite.configs.front();
  return suite;
}

// A GoogleTest assertion: EXPECT_TRUE(corridor::property::holds(suite)).
inline ::testing::AssertionResult holds(const Suite& suite) {
  const SuiteOutcome o = run_suite(suite);
  if (!o.problem.empty()) return ::testing::AssertionFailure() << o.problem;
  if (!o.violation) {
    return ::testing::AssertionSuccess() << suite.protocol << " / " << suite.variant << ": " << o.runs << " runs held";
  }
  const Violation& v = *o.violation;
  auto failure = ::testing::AssertionFailure();
  failure << suite.protocol << " / " << suite.variant << ": " << v.invariant << " at step " << v.step << ", t="
          << format_duration_short(v.true_ns) << ": " << v.message << fmt::format(" (seed {:#x})", o.seed);
  if (o.shrunk) {
    failure << "\n  trace:  " << o.trace_path << "\n  shrunk: " << o.shrunk_path << " (" << describe(*o.shrunk) << ")";
  } else {
    failure << "\n  trace:  " << o.trace_path;
  }
  // Ends the line: GoogleTest closes the message with ')' and the command must stay copyable.
  failure << "\n  replay: " << o.replay_command;
  if (!suite.tool.empty() && !o.shrunk_path.empty()) failure << "\n  or:     " << suite.tool << " replay " << o.shrunk_path;
  return failure << "\n";
}

}  // namespace corridor::property

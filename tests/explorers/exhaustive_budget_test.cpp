// The budgets of an exhaustive search are promises (DESIGN.md, "Performance principles"):
// --memory bounds what the search accounts for, the states waiting in its queue included, and the
// peak resident set of the process (measured in a child process, from getrusage); the default
// budget is half of physical memory, and no budget may exceed it; --time-limit stops the search
// within a state's expansion of the limit, not at the end of a batch, and the time it takes to let
// go of the states still queued counts within the limit.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "explorers/exhaustive.hpp"
#include "explorers/memory_budget.hpp"
#include "model/heap_bytes.hpp"
#include "tests/build_budget.hpp"
#include "tests/cli_process.hpp"

namespace corridor {
namespace {

// A wide counter: `width` digits, each action bumps one below `top`. Every state carries a
// payload of `payload_bytes` (a whole engine, in the simulated world), which its state_bytes
// reports, and its next() may take `step_delay` (a slow model).
struct HeavyCounter {
  struct State {
    std::vector<std::uint8_t> digits;
    std::vector<std::uint8_t> payload;
  };
  struct Action {
    std::uint8_t digit = 0;
    friend bool operator==(const Action&, const Action&) = default;
  };
  std::uint8_t width = 8;
  std::uint8_t top = 6;
  std::size_t payload_bytes = 0;
  std::chrono::milliseconds step_delay{0};

  void initial_states(std::vector<State>& states) const {
    states.push_back({std::vector<std::uint8_t>(width, 0), std::vector<std::uint8_t>(payload_bytes, 1)});
  }
  void actions(const State& s, std::vector<Action>& out) const {
    for (std::uint8_t d = 0; d < width; ++d) {
      if (s.digits[d] < top) out.push_back({d});
    }
  }
  State next(const State& s, const Action& a) const {
    if (step_delay.count() > 0) std::this_thread::sleep_for(step_delay);
    State n = s;
    ++n.digits[a.digit];
    return n;
  }
  void encode(const State& s, StateEncoder& e) const { e.bytes(s.digits.data(), s.digits.size()); }
  std::optional<Violation> check(const State&) const { return std::nullopt; }
  std::uint32_t actor(const Action& a) const { return a.digit; }
  std::string describe(const Action& a) const { return "bump " + std::to_string(a.digit); }
  std::size_t state_bytes(const State& s) const {
    return sizeof(State) + malloc_block_bytes(s.digits.capacity()) + malloc_block_bytes(s.payload.capacity());
  }
};

// DISABLED_ until the fast untimed world lands (issue 14 item 1): with today's world, which copies
// the whole engine per successor, filling this budget takes minutes on 2 cores. Run it by hand with
// --gtest_also_run_disabled_tests.
TEST(ExhaustiveBudget, DISABLED_TheStatesWaitingInTheQueueCountAgainstTheMemoryBudget) {
  for (SearchOrder order : {SearchOrder::bfs, SearchOrder::dfs}) {
    // 7^8 = 5.7M states. BFS queues whole levels (thousands of states); DFS's stack peaks at
    // about 216 entries (its first dive pushes the digits still below the top at each of 48
    // levels), so its states carry more: 1 MiB, and the budget is reached early in that dive.
    HeavyCounter m;
    m.payload_bytes = order == SearchOrder::bfs ? 16 << 10 : 1 << 20;
    ExhaustiveOptions o;
    o.order = order;
    o.jobs = order == SearchOrder::bfs ? 2 : 1;
    o.memory_bytes_max = std::uint64_t{64} << 20;
    const ExhaustiveSummary s = explore_exhaustive(m, o).summary;
    EXPECT_EQ(s.verdict, ExhaustiveVerdict::unknown);
    EXPECT_EQ(s.stop_reason, "memory budget");
    EXPECT_LE(s.peak_accounted_bytes, o.memory_bytes_max);
    // Most of the budget went to payloads, which the search counted: without them it would have
    // stored millions of states (the table and parent links alone fit 64 MiB for 2M).
    EXPECT_LT(s.unique_states, 100'000u);
    EXPECT_GT(s.peak_accounted_bytes, o.memory_bytes_max / 2);
    // In this process the resident set also holds what earlier tests freed, so only a loose check
    // here; the program's peak resident set is checked exactly below.
    EXPECT_LE(s.peak_resident_added_bytes, o.memory_bytes_max + (o.memory_bytes_max / 10) + (16u << 20));
  }
}

TEST(ExhaustiveBudget, TheTimeLimitStopsASlowModelWithinAnExpansion) {
  HeavyCounter m;
  m.step_delay = std::chrono::milliseconds(4);
  ExhaustiveOptions o;
  o.jobs = 2;
  o.time_limit_s = 0.3;
  const ExhaustiveSummary s = explore_exhaustive(m, o).summary;
  EXPECT_EQ(s.verdict, ExhaustiveVerdict::unknown);
  EXPECT_EQ(s.stop_reason, "time limit");
  EXPECT_GE(s.seconds, 0.3);
  // A batch is 256 states of 8 successors at 4 ms each (8 s): checking only between batches would
  // stop seconds late. A state's expansion takes 32 ms here; a loaded machine may add some.
  EXPECT_LT(s.seconds, 0.3 + 0.4) << "stopped late";
}

// A value whose destruction takes `delay` of wall time (a whole engine's worlds, in the simulated
// world, take about 3 us each to let go of): moved-from and default values are free to destroy.
class SlowToFree {
 public:
  SlowToFree() = default;
  explicit SlowToFree(std::chrono::microseconds delay) : delay_(delay) {}
  SlowToFree(const SlowToFree&) = default;
  SlowToFree(SlowToFree&& other) noexcept : delay_(std::exchange(other.delay_, {})) {}
  SlowToFree& operator=(const SlowToFree& other) {
    if (this != &other) { spin(); delay_ = other.delay_; }
    return *this;
  }
  SlowToFree& operator=(SlowToFree&& other) noexcept {
    if (this != &other) { spin(); delay_ = std::exchange(other.delay_, {}); }
    return *this;
  }
  ~SlowToFree() { spin(); }

 private:
  void spin() {
    const auto until = std::chrono::steady_clock::now() + delay_;
    while (std::chrono::steady_clock::now() < until) {
    }
    delay_ = {};
  }
  std::chrono::microseconds delay_{0};
};

// A tree: every state is the path of choices that reached it, so no successor is a duplicate and a
// breadth-first queue holds about `branching` times the states already expanded. Letting go of
// that queue when the search stops takes several times as long as the search itself did.
struct SlowToFreeTree {
  struct State {
    std::vector<std::uint8_t> path;
    SlowToFree payload;
  };
  struct Action {
    std::uint8_t choice = 0;
    friend bool operator==(const Action&, const Action&) = default;
  };
  std::uint8_t branching = 8;
  std::chrono::microseconds free_delay{40};

  void initial_states(std::vector<State>& states) const { states.push_back({{}, SlowToFree{free_delay}}); }
  void actions(const State&, std::vector<Action>& out) const {
    for (std::uint8_t c = 0; c < branching; ++c) out.push_back({c});
  }
  State next(const State& s, const Action& a) const {
    State n{s.path, SlowToFree{free_delay}};
    n.path.push_back(a.choice);
    return n;
  }
  void encode(const State& s, StateEncoder& e) const {
    e.u32(static_cast<std::uint32_t>(s.path.size()));
    e.bytes(s.path.data(), s.path.size());
  }
  std::optional<Violation> check(const State&) const { return std::nullopt; }
  std::uint32_t actor(const Action& a) const { return a.choice; }
  std::string describe(const Action& a) const { return "choose " + std::to_string(a.choice); }
  std::size_t state_bytes(const State& s) const { return sizeof(State) + malloc_block_bytes(s.path.capacity()); }
};

// The time limit covers letting go of the states still queued: the search stops early by what it
// has measured that release to take (exhaustive.hpp, release_estimate). Without that, this search
// would end seconds late: it expands a state (one release) on each of 2 threads while the queue
// grows by 7 states, let go of on one thread. The margin is for a loaded machine (ctest -j2).
TEST(ExhaustiveBudget, TheTimeLimitCoversReleasingTheQueuedStates) {
  SlowToFreeTree m;
  ExhaustiveOptions o;
  o.jobs = 2;
  o.time_limit_s = 0.6;
  const ExhaustiveSummary s = explore_exhaustive(m, o).summary;
  EXPECT_EQ(s.verdict, ExhaustiveVerdict::unknown);
  EXPECT_EQ(s.stop_reason, "time limit");
  EXPECT_GT(s.unique_states, 1'000u) << "the search hardly ran";
  EXPECT_LT(s.seconds, o.time_limit_s + 0.6) << "stopped late: releasing the queue was not counted";
}

using Result = corridor_test::CliResult;

nlohmann::json explore_json(const std::string& args) {
  const Result r = corridor_test::run_cli(CORRIDOR_CLI, "explore " + args + " --json -q", false);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << args << ": " << r.out;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// The program's own peak resident set (getrusage in the child) against its budget, with 10% and
// what the program holds before any search (measured by a search that stores next to nothing).
void expect_peak_resident_within_budget(const std::string& args, std::uint64_t budget_bytes) {
  SCOPED_TRACE(args);
  const nlohmann::json idle = explore_json("ping-pong --depth 1");
  ASSERT_TRUE(idle.is_object());
  const std::uint64_t baseline = idle["peak_rss_bytes"].get<std::uint64_t>();
  const nlohmann::json j = explore_json(args + " --memory " + std::to_string(budget_bytes >> 20) + "MiB");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["memory_budget_bytes"].get<std::uint64_t>(), budget_bytes);
  EXPECT_EQ(j["stop_reason"], "memory budget");
  EXPECT_LE(j["peak_accounted_bytes"].get<std::uint64_t>(), budget_bytes);
  const std::uint64_t peak = j["peak_rss_bytes"].get<std::uint64_t>();
  EXPECT_LE(peak, baseline + budget_bytes + budget_bytes / 10) << "peak RSS " << (peak >> 20) << " MiB";
  EXPECT_GT(peak, baseline + budget_bytes / 2) << "the search stopped far below its budget";
}

// DISABLED_ until the fast untimed world lands (issue 14 item 1): with today's world, which copies
// the whole engine per successor, filling this budget takes minutes on 2 cores. Run it by hand with
// --gtest_also_run_disabled_tests.
TEST(ExhaustiveBudget, DISABLED_PeakResidentSetOfTheProgramStaysWithinItsBudget) {
  // The simulated world, whose queued states are whole engines (today's multi-paxos-kv went to
  // 2.4 GiB under a 1 GiB budget), and the hand-written 2PC, whose states are one word.
  expect_peak_resident_within_budget("multi-paxos-kv --bfs", std::uint64_t{192} << 20);
  expect_peak_resident_within_budget("multi-paxos-kv --dfs", std::uint64_t{192} << 20);
  expect_peak_resident_within_budget("two-phase-commit --nodes 10", std::uint64_t{128} << 20);
}

// The part of the test above that the recycled world (model/world_model.hpp) makes quick enough
// for CI: a breadth-first search of the simulated world, whose frontier holds whole engines, fills
// 192 MiB in about a second and its peak resident set stays within the budget and 10%. The
// depth-first and 2PC cases stay disabled above: DFS's stack holds few states, so filling the
// budget takes minutes.
TEST(ExhaustiveBudget, PeakResidentSetOfABreadthFirstWorldSearchStaysWithinItsBudget) {
  if (test_support::sanitized_build) {
    // The program under test is then a sanitizer build too: its resident set holds the
    // sanitizer's shadow memory and the quarantine of freed blocks (256 MiB by default for ASan),
    // which is not the search's memory; measured there, 543 MiB against a 192 MiB budget.
    GTEST_SKIP() << "a sanitizer's shadow memory and quarantine are in the resident set";
  }
  expect_peak_resident_within_budget("multi-paxos-kv --bfs", std::uint64_t{192} << 20);
}

TEST(ExhaustiveBudget, TheDefaultBudgetIsHalfOfPhysicalMemoryAndNoBudgetExceedsIt) {
  const std::uint64_t physical = physical_memory_bytes();
  ASSERT_GT(physical, std::uint64_t{64} << 20);
  EXPECT_EQ(default_memory_budget_bytes(), physical / 2);
  const nlohmann::json j = explore_json("ping-pong --depth 1");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["memory_budget_bytes"].get<std::uint64_t>(), physical / 2);

  const std::string too_much = std::to_string((physical >> 30) + 2) + "GiB";
  const Result r = corridor_test::run_cli(CORRIDOR_CLI, "explore ping-pong --memory " + too_much + " -q");
  EXPECT_EQ(r.exit_code, 64) << r.out;
  EXPECT_NE(r.out.find("is more than this machine's"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace corridor

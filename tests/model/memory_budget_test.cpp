// A run's memory budget (SimConfig::run_bytes_max): a protocol that sends without bound gets a
// verdict (hung, "memory-budget", exit 4) and its seed, not std::bad_alloc; a run within the budget
// is the same run with or without it, a recorded run counts what its records hold, and a handler
// out of memory is the same verdict. A protocol that sets timers without bound is hung too
// ("timer-budget").
#include <cstdint>
#include <new>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/simulation.hpp"
#include "tests/model/test_protocols.hpp"

using namespace corridor;

namespace {

// Every message a node receives it answers twice: the messages in flight double each round trip,
// as in a protocol whose retry fires on every reply.
struct Doubler {
  struct Ping { std::uint64_t round = 0; };
  using Message = std::variant<Ping>;
  enum class Timer { unused };
  using Ctx = Context<Doubler>;
  struct Node {
    std::uint64_t received = 0;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) ctx.send(1, Ping{0});
    }
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      ++received;
      const std::uint64_t round = std::get<Ping>(m).round + 1;
      ctx.send(from, Ping{round});
      ctx.send(from, Ping{round});
    }
    void on_timer(Ctx&, const Timer&) {}
  };
};

SimulationSpec<Doubler> doubler_spec() {
  return {
      .layout = [](const SimConfig&) { return Engine<Doubler>::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
      .install = {},
  };
}

SimConfig doubler_config(std::uint64_t run_bytes_max) {
  SimConfig config;
  config.nodes = 2;
  config.run_bytes_max = run_bytes_max;
  config.time_limit_ns = seconds(10);
  return config;
}

}  // namespace

TEST(MemoryBudget, AProtocolThatSendsWithoutBoundIsHungByTheMemoryBudgetWithItsSeed) {
  SimulationOf<Doubler> sim(doubler_spec());
  const std::uint64_t budget = std::uint64_t{4} << 20;
  const RunOutcome out = run_once(sim, doubler_config(budget), 0x5eed, {});
  ASSERT_TRUE(out.violation);
  EXPECT_EQ(out.verdict, Verdict::hung);
  EXPECT_EQ(out.violation->invariant, "memory-budget");
  EXPECT_EQ(out.seed, 0x5eedu);
  EXPECT_NE(out.violation->message.find("4.0 MiB"), std::string::npos) << out.violation->message;
  // Stopped within one check interval of growth: far below the step budget, and every message
  // pending was sent within the last run_memory_check_steps steps' growth.
  EXPECT_LT(out.steps, 200'000u);
  EXPECT_EQ(out.steps % run_memory_check_steps, 0u);
}

TEST(MemoryBudget, ARunWithinTheBudgetIsTheSameRunWithAnyBudget) {
  SimulationOf<test_protocols::Blaster> sim(test_protocols::blaster_spec());
  SimConfig small;
  small.nodes = 2;
  small.run_bytes_max = std::uint64_t{8} << 20;
  SimConfig large = small;
  large.run_bytes_max = std::uint64_t{1} << 40;
  RunOptions options;
  options.record = true;
  const RunOutcome a = run_once(sim, small, 7, options);
  const std::vector<EventRecord> records_a = sim.records();
  const RunOutcome b = run_once(sim, large, 7, options);
  EXPECT_FALSE(a.violation);
  EXPECT_FALSE(b.violation);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(records_a, sim.records());
}

TEST(MemoryBudget, TheBudgetCountsWhatTheWorldHolds) {
  // A run of the Doubler stops sooner under a smaller budget: the count grows with the messages.
  SimulationOf<Doubler> sim(doubler_spec());
  const RunOutcome small = run_once(sim, doubler_config(std::uint64_t{2} << 20), 1, {});
  const RunOutcome large = run_once(sim, doubler_config(std::uint64_t{32} << 20), 1, {});
  ASSERT_TRUE(small.violation && large.violation);
  EXPECT_EQ(small.violation->invariant, "memory-budget");
  EXPECT_EQ(large.violation->invariant, "memory-budget");
  EXPECT_LT(small.steps, large.steps);
}

namespace {

// Two nodes pass a ball 2,000 times, each keeping a log that grows by 64 characters a catch: the
// world holds 64 KiB at the end, but a recorded run keeps every node state after every event, a
// quadratic 64 MiB.
struct GrowingLog {
  struct Ball {};
  using Message = std::variant<Ball>;
  enum class Timer { unused };
  using Ctx = Context<GrowingLog>;
  static constexpr std::uint32_t catches_max = 2'000;
  struct Node {
    std::string log;
    std::uint32_t catches = 0;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) ctx.send(1, Ball{});
    }
    void on_message(Ctx& ctx, NodeId from, const Message&) {
      log.append(64, 'x');
      if (++catches < catches_max / 2) ctx.send(from, Ball{});
    }
    void on_timer(Ctx&, const Timer&) {}
  };
};

}  // namespace

TEST(MemoryBudget, ARecordedRunCountsWhatItsRecordsHold) {
  SimulationOf<GrowingLog> sim({
      .layout = [](const SimConfig&) { return Engine<GrowingLog>::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 2;
  config.run_bytes_max = std::uint64_t{16} << 20;
  config.time_limit_ns = seconds(100);  // every catch happens
  const RunOutcome unrecorded = run_once(sim, config, 3, {});
  EXPECT_FALSE(unrecorded.violation) << unrecorded.violation->message;
  EXPECT_GE(unrecorded.steps, GrowingLog::catches_max);
  const RunOutcome recorded = run_once(sim, config, 3, {.record = true});
  ASSERT_TRUE(recorded.violation);
  EXPECT_EQ(recorded.violation->invariant, "memory-budget");
  EXPECT_EQ(recorded.verdict, Verdict::hung);
}

namespace {

// A node whose handler cannot allocate: std::bad_alloc from protocol code is the process out of
// memory, not a protocol crash.
struct OutOfMemory {
  using Message = std::variant<std::monostate>;
  enum class Timer { unused };
  using Ctx = Context<OutOfMemory>;
  struct Node {
    void on_start(Ctx&) { throw std::bad_alloc(); }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx&, const Timer&) {}
  };
};

}  // namespace

TEST(MemoryBudget, OutOfMemoryInAHandlerIsTheMemoryBudgetNotAProtocolCrash) {
  SimulationOf<OutOfMemory> sim({
      .layout = [](const SimConfig&) { return Engine<OutOfMemory>::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 2;
  const RunOutcome out = run_once(sim, config, 9, {});
  ASSERT_TRUE(out.violation);
  EXPECT_EQ(out.violation->invariant, "memory-budget");
  EXPECT_EQ(out.verdict, Verdict::hung);
  EXPECT_EQ(out.seed, 9u);
}

namespace {

// Every timer that fires sets two: the pending timers double every millisecond, as in token-ring's
// correct variant under duplication (outside its fault model), where every copy of the token sets
// its own.
struct TimerDoubler {
  struct Unused {};
  using Message = std::variant<Unused>;
  enum class Timer { tick };
  using Ctx = Context<TimerDoubler>;
  struct Node {
    void on_start(Ctx& ctx) { ctx.set_timer(Timer::tick, ms(1)); }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx& ctx, const Timer&) {
      ctx.set_timer(Timer::tick, ms(1));
      ctx.set_timer(Timer::tick, ms(1));
    }
  };
};

}  // namespace

TEST(MemoryBudget, AProtocolThatSetsTimersWithoutBoundIsHungByTheTimerBudget) {
  SimulationOf<TimerDoubler> sim(SimulationSpec<TimerDoubler>{
      .layout = [](const SimConfig&) { return Engine<TimerDoubler>::Layout{1, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0}, 1}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 1;
  config.time_limit_ns = seconds(10);
  const RunOutcome out = run_once(sim, config, 5);
  ASSERT_TRUE(out.violation);
  EXPECT_EQ(out.violation->invariant, "timer-budget");
  EXPECT_EQ(out.verdict, Verdict::hung);
  EXPECT_EQ(out.violation->nodes, std::vector<NodeId>{0});
  EXPECT_NE(out.violation->message.find("timers pending"), std::string::npos) << out.violation->message;
  EXPECT_LT(out.steps, 2 * timers_per_actor_max) << "it ends when the budget is reached, not later";
}

// A paused node's held messages keep their link's FIFO order when it resumes, also against a
// message sent later on the same link and due exactly at the resume.
#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/simulation.hpp"

using namespace corridor;

namespace {

// Node 0 sends message 0 at start and message 1 from a timer 5 ms later; node 1 keeps the order.
struct TwoSends {
  struct Data { std::uint64_t seq = 0; };
  using Message = std::variant<Data>;
  enum class Timer { second_send };
  using Ctx = Context<TwoSends>;
  struct Node {
    std::vector<std::uint64_t> received;
    void on_start(Ctx& ctx) {
      if (ctx.self() != 0) return;
      ctx.send(1, Data{0});
      ctx.set_timer(Timer::second_send, ms(5));
    }
    void on_timer(Ctx& ctx, const Timer&) { ctx.send(1, Data{1}); }
    void on_message(Ctx&, NodeId, const Message& m) { received.push_back(std::get<Data>(m).seq); }
  };
};

}  // namespace

TEST(PauseFifo, HeldMessagesGoBeforeALaterMessageDueAtTheResume) {
  SimulationOf<TwoSends> sim({
      .layout = [](const SimConfig&) { return Engine<TwoSends>::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 2;
  config.time_limit_ns = ms(100);
  apply_fault_spec("delay=const:10ms,fifo", config);
  // Message 0 is due at 10 ms and held; message 1, sent after the pause began, is due at 15 ms,
  // exactly when node 1 resumes (its resume was scheduled first, so it fires first).
  config.plan_text = "2ms pause n1 for 13ms";
  const RunOutcome out = run_once(sim, config, 1);
  ASSERT_FALSE(out.violation);
  EXPECT_EQ(sim.engine().node(1).received, (std::vector<std::uint64_t>{0, 1}));
}

// A node's state after a handler is recorded on that handler's own event. One fault that restarts
// several nodes at once ("crash n0,n1,n2 for 1s") emits a recover event per node; each node's
// state after on_recover belongs on its own recover record, not on the next node's or on a send.
#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/fault_plan.hpp"
#include "model/simulation.hpp"

using namespace corridor;

namespace {

// Each node's state names the node, so a state on the wrong record shows.
struct Restartable {
  struct Hello {};
  using Message = std::variant<Hello>;
  using Ctx = Context<Restartable>;
  struct Node {
    NodeId id = no_node;
    std::uint32_t hellos = 0;
    void on_start(Ctx& ctx) { id = ctx.self(); }
    // Sends, so that the records after a recover event include a send of this handler.
    void on_recover(Ctx& ctx) {
      id = ctx.self();
      ctx.send((id + 1) % ctx.node_count(), Hello{});
    }
    void on_message(Ctx&, NodeId, const Message&) { ++hellos; }
  };
};

}  // namespace

TEST(RestartSnapshot, EachRestartedNodeStateLandsOnItsOwnRecoverRecord) {
  SimulationOf<Restartable> sim(SimulationSpec<Restartable>{
      .layout = [](const SimConfig&) { return Engine<Restartable>::Layout{3, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1, 2}, 3}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 3;
  config.time_limit_ns = seconds(2);
  const FaultPlan plan = parse_fault_plan("100ms crash n0,n1,n2 for 1s", 3, "test");
  run_once(sim, config, 1, {.record = true, .plan = &plan});
  std::size_t recovers = 0;
  for (std::size_t i = 0; i < sim.records().size(); ++i) {
    const EventRecord& r = sim.records()[i];
    if (r.kind == EventKind::recover) {
      ++recovers;
      EXPECT_EQ(r.state, to_text(Restartable::Node{.id = r.actor})) << "recover of n" << r.actor << " (record " << i << ")";
    } else if (r.kind == EventKind::send) {
      EXPECT_EQ(r.state, "") << "a send (record " << i << ") carries a node's state";
    }
  }
  EXPECT_EQ(recovers, 3u);
}

// The untimed world honours its protocol's fault model and links (model/world_model.hpp): a later
// message of a FIFO link is never delivered before an earlier one, and their order is part of the
// state; a link at its capacity is never made to hold more (a duplication is refused there too);
// a loss, a duplication or a crash-restart is offered only where the fault model makes it possible,
// and `corridor explore` refuses a budget for one it does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "explorers/exhaustive.hpp"
#include "model/world_model.hpp"
#include "tests/cli_process.hpp"

namespace corridor {
namespace {

// Node 0 sends three numbered messages to node 1 when it starts; node 1 keeps what it receives.
struct Burst {
  struct Data {
    std::uint64_t seq = 0;
  };
  using Message = std::variant<Data>;
  using Ctx = Context<Burst>;
  struct Node {
    std::vector<std::uint64_t> received;
    void on_start(Ctx& ctx) {
      if (ctx.self() != 0) return;
      for (std::uint64_t seq = 0; seq < 3; ++seq) ctx.send(1, Data{seq});
    }
    void on_message(Ctx&, NodeId, const Message& m) { received.push_back(std::get<Data>(m).seq); }
  };
};

using BurstEngine = Engine<Burst>;

// "in-order": node 1 received the messages in the order they were sent (a copy of a message may
// follow it; a lost one leaves a gap).
std::optional<Violation> out_of_order(const BurstEngine& w) {
  const std::vector<std::uint64_t>& got = w.node(1).received;
  for (std::size_t i = 1; i < got.size(); ++i) {
    if (got[i] < got[i - 1]) {
      Violation v;
      v.invariant = "in-order";
      v.message = "node 1 received out of order";
      return v;
    }
  }
  return std::nullopt;
}

// "within-capacity": never more messages in flight from node 0 to node 1 than the link holds.
std::optional<Violation> over_capacity(const BurstEngine& w) {
  std::uint32_t in_flight = 0;
  w.for_each_pending([&](std::uint8_t kind, NodeId, NodeId, std::uint64_t, const Burst::Message&, const auto&) { in_flight += kind == 1; });
  if (in_flight <= 2) return std::nullopt;
  Violation v;
  v.invariant = "within-capacity";
  v.message = "three messages in flight from node 0 to node 1";
  return v;
}

SimulationSpec<Burst> burst_spec() {
  return {
      .layout = [](const SimConfig&) { return BurstEngine::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return every_node_targets(2); },
      .install =
          [](BurstEngine& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig& config) {
            e.add_state_invariant({"in-order", out_of_order});
            if (config.link.capacity > 0) e.add_state_invariant({"within-capacity", over_capacity});
          },
  };
}

WorldModel<Burst> burst_world(const std::string& faults, WorldLimits limits) {
  SimConfig config;
  config.nodes = 2;
  apply_fault_spec(faults, config);
  return WorldModel<Burst>(burst_spec(), config, limits);
}

ExhaustiveSummary explore(const WorldModel<Burst>& m, bool por = false) {
  ExhaustiveOptions o;
  o.jobs = 1;
  o.por = por;
  o.memory_bytes_max = std::uint64_t{256} << 20;
  return explore_exhaustive(m, o).summary;
}

std::string invariant_of(const ExhaustiveSummary& s) { return s.violation ? s.violation->invariant : "none"; }

TEST(WorldFaultModel, AFifoLinkNeverDeliversALaterMessageFirst) {
  // Without FIFO the search finds the reordering, so the FIFO run below could fail.
  const ExhaustiveSummary reordering = explore(burst_world("delay=const:1ms", {}));
  EXPECT_EQ(reordering.verdict, ExhaustiveVerdict::violation);
  EXPECT_EQ(invariant_of(reordering), "in-order");
  for (bool por : {false, true}) {
    const ExhaustiveSummary fifo = explore(burst_world("delay=const:1ms,fifo,dup=0.1,loss=0.1", {.losses = 2, .dups = 2}), por);
    EXPECT_EQ(fifo.verdict, ExhaustiveVerdict::held) << invariant_of(fifo) << (por ? " with POR" : "");
  }
}

// Nodes 1 and 2 ping node 0 when they start; node 0 holds the first ping and, at the second,
// relays both in the order they came as Data{pinger} to node 3, which keeps what it receives.
// Whichever ping node 0 takes first, the worlds after the relay have equal node states and the
// same messages in flight, in two orders on the FIFO link 0 -> 3, and only that order decides
// what node 3 receives.
struct Relay {
  struct Ping {};
  struct Data {
    std::uint64_t from = 0;
  };
  using Message = std::variant<Ping, Data>;
  using Ctx = Context<Relay>;
  struct Node {
    std::uint64_t held = 0;  // node 0: the first pinger, until the second pings
    std::vector<std::uint64_t> received;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 1 || ctx.self() == 2) ctx.send(0, Ping{});
    }
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      if (ctx.self() == 3) received.push_back(std::get<Data>(m).from);
      if (ctx.self() != 0) return;
      if (held == 0) {
        held = from;
        return;
      }
      ctx.send(3, Data{held});
      ctx.send(3, Data{from});
      held = 0;
    }
  };
};

// "never-received-F-then-S": a planted invariant that node 3 does not receive exactly [F, S];
// both orders are reachable, so each must be violated.
ExhaustiveSummary explore_relay(std::uint64_t first, std::uint64_t second) {
  using E = Engine<Relay>;
  const SimulationSpec<Relay> spec{
      .layout = [](const SimConfig&) { return E::Layout{4, 0}; },
      .targets = [](const SimConfig&) { return every_node_targets(4); },
      .install =
          [first, second](E& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
            e.add_state_invariant({"never-received-in-this-order", [first, second](const E& w) -> std::optional<Violation> {
                                     if (w.node(3).received != std::vector<std::uint64_t>{first, second}) return std::nullopt;
                                     Violation v;
                                     v.invariant = "never-received-in-this-order";
                                     v.message = "node 3 received both relays in this order";
                                     return v;
                                   }});
          },
  };
  SimConfig config;
  config.nodes = 4;
  apply_fault_spec("delay=const:1ms,fifo", config);
  ExhaustiveOptions o;
  o.jobs = 1;
  return explore_exhaustive(WorldModel<Relay>(spec, config, {}), o).summary;
}

TEST(WorldFaultModel, TheOrderOnAFifoLinkIsPartOfTheState) {
  // Were the messages in flight encoded as a multiset only, the two orders would be one state and
  // the search would deliver the relays in one order only.
  for (const auto& [first, second] : {std::pair<std::uint64_t, std::uint64_t>{1, 2}, {2, 1}}) {
    const ExhaustiveSummary s = explore_relay(first, second);
    EXPECT_EQ(s.verdict, ExhaustiveVerdict::violation) << "order " << first << ", " << second;
    EXPECT_EQ(invariant_of(s), "never-received-in-this-order");
  }
}

TEST(WorldFaultModel, ALinkAtItsCapacityTakesNoDuplicate) {
  // Three sends on a link of capacity 2: the third is dropped at the send, and a duplication of
  // a message in flight is not offered while the link is full.
  const ExhaustiveSummary s = explore(burst_world("delay=const:1ms,fifo,capacity=2,dup=0.1", {.dups = 2}));
  EXPECT_EQ(s.verdict, ExhaustiveVerdict::held) << invariant_of(s);
  EXPECT_GT(s.unique_states, 5u);
}

std::vector<std::string> first_actions(const WorldModel<Burst>& m, int starts) {
  std::vector<WorldModel<Burst>::State> init;
  m.initial_states(init);
  WorldModel<Burst>::State s = init.front();
  std::vector<WorldModel<Burst>::Action> actions;
  for (int step = 0; step < starts; ++step) {  // fire the starts: node 0's sends are then in flight
    actions.clear();
    m.actions(s, actions);
    s = m.next(s, actions.front());
  }
  actions.clear();
  m.actions(s, actions);
  std::vector<std::string> described;
  for (const auto& a : actions) described.push_back(m.describe(a));
  return described;
}

int count(const std::vector<std::string>& items, const std::string& item) {
  return static_cast<int>(std::count(items.begin(), items.end(), item));
}

TEST(WorldFaultModel, FaultsAreOfferedOnlyWhereTheFaultModelMakesThemPossible) {
  // Loss only on the link n0 -> n1 (as it happens, the one link in use), duplication nowhere:
  // with both budgets given, only losses are offered, and only on the first message (FIFO).
  const auto lossy = first_actions(burst_world("delay=const:1ms,fifo", {}), 2);
  EXPECT_EQ(count(lossy, "n1 receives from n0"), 1);  // FIFO: only the first message is enabled
  SimConfig config;
  config.nodes = 2;
  apply_fault_spec("delay=const:1ms", config);
  config.links.push_back(parse_link_override("n0->n1:loss=0.1", config.link));
  const WorldModel<Burst> one_link(burst_spec(), config, {.losses = 1});
  const auto offered = first_actions(one_link, 2);
  EXPECT_EQ(count(offered, "n1 receives from n0"), 3);
  EXPECT_EQ(count(offered, "lose the message n0 -> n1"), 3);
  config.links.back() = parse_link_override("n1->n0:loss=0.1", config.link);
  const WorldModel<Burst> other_link(burst_spec(), config, {.losses = 1});
  EXPECT_EQ(count(first_actions(other_link, 2), "lose the message n0 -> n1"), 0);

  // A partition drops what it cuts, so a fault model with partitions makes losses possible.
  EXPECT_FALSE(world_limits_refusal([] {
    SimConfig c;
    apply_fault_spec("partition=1", c);
    return c;
  }(), {.losses = 1}));
}

// Node 0 sends to node 1 when it starts; node 1 counts what it receives.
struct EarlyBird {
  struct Hello {};
  using Message = std::variant<Hello>;
  using Ctx = Context<EarlyBird>;
  struct Node {
    bool started = false;
    std::uint32_t received = 0;
    void on_start(Ctx& ctx) {
      started = true;
      if (ctx.self() == 0) ctx.send(1, Hello{});
    }
    void on_message(Ctx&, NodeId, const Message&) { ++received; }
  };
};

TEST(WorldFaultModel, NoMessageArrivesAtANodeBeforeItStarts) {
  // Every node starts at time 0 in a timed run, before any message can arrive. The untimed world
  // once let the search postpone a start past a delivery, so the message met a node that was not
  // up and vanished with no loss in the budget; that gave lamport-total-order's correct variant
  // a false causal-delivery counterexample.
  using E = Engine<EarlyBird>;
  const SimulationSpec<EarlyBird> spec{
      .layout = [](const SimConfig&) { return E::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return every_node_targets(2); },
      .install =
          [](E& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
            e.add_state_invariant({"nothing-lost-without-a-loss", [](const E& w) -> std::optional<Violation> {
                                     std::uint32_t in_flight = 0;
                                     w.for_each_pending([&](std::uint8_t kind, NodeId, NodeId, std::uint64_t,
                                                            const EarlyBird::Message&, const auto&) { in_flight += kind == 1; });
                                     if (!w.node(0).started || in_flight > 0 || w.node(1).received > 0) return std::nullopt;
                                     Violation v;
                                     v.invariant = "nothing-lost-without-a-loss";
                                     v.message = "node 0's hello is neither in flight nor received";
                                     return v;
                                   }});
          },
  };
  SimConfig config;
  config.nodes = 2;
  apply_fault_spec("delay=const:1ms,dup=0.1", config);
  for (bool por : {false, true}) {
    ExhaustiveOptions o;
    o.jobs = 1;
    o.por = por;
    const ExhaustiveSummary s = explore_exhaustive(WorldModel<EarlyBird>(spec, config, {.dups = 1}), o).summary;
    EXPECT_EQ(s.verdict, ExhaustiveVerdict::held) << invariant_of(s) << (por ? " with POR" : "");
    EXPECT_GE(s.unique_states, 4u);  // both starts, the delivery and its copy were explored
  }
}

TEST(WorldFaultModel, BudgetsOutsideTheFaultModelAreRefusedWithASentence) {
  SimConfig config;
  apply_fault_spec("delay=exp:1ms:10ms,fifo,dup=0.05,pause=1", config);
  EXPECT_FALSE(world_limits_refusal(config, {.dups = 3}));
  const auto losses = world_limits_refusal(config, {.losses = 1});
  ASSERT_TRUE(losses);
  EXPECT_NE(losses->find("loses no message"), std::string::npos) << *losses;
  const auto crashes = world_limits_refusal(config, {.crashes = 1});
  ASSERT_TRUE(crashes);
  EXPECT_NE(crashes->find("has no crash-restart"), std::string::npos) << *crashes;

  const corridor_test::CliResult cli = corridor_test::run_cli(CORRIDOR_CLI, "explore lamport-total-order --losses 1 -q");
  EXPECT_EQ(cli.exit_code, 64) << cli.out;
  EXPECT_NE(cli.out.find("lamport-total-order: --losses 1: the fault model (--faults delay=exp:1ms:10ms,fifo,dup=0.05,pause=1) loses no message"),
            std::string::npos)
      << cli.out;
}

}  // namespace
}  // namespace corridor

// corridor.hpp promises everything a protocol author or a test needs in one include: this file
// includes nothing else of corridor's, and writes, runs, checks, shrinks and traces a protocol.
#include "corridor.hpp"

#include <gtest/gtest.h>

namespace {

using namespace corridor;

// Node 0 counts to three with node 1; the invariant "below-three" then fails.
struct Counter {
  struct Count { std::uint64_t n = 0; };
  using Message = std::variant<Count>;
  using Ctx = Context<Counter>;
  struct Node {
    std::uint64_t seen = 0;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) ctx.send(1, Count{1});
    }
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      seen = std::get<Count>(m).n;
      CORRIDOR_ASSERT(seen > 0);
      ctx.send(from, Count{seen + 1});
    }
  };
};

SimulationFactory counter_factory() {
  return [] {
    return std::make_unique<SimulationOf<Counter>>(SimulationSpec<Counter>{
        .layout = [](const SimConfig&) { return Engine<Counter>::Layout{2, 0}; },
        .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
        .install = [](Engine<Counter>& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
          e.add_state_invariant({"below-three", [](const Engine<Counter>& engine) -> std::optional<Violation> {
                                   if (engine.node(0).seen < 3 && engine.node(1).seen < 3) return std::nullopt;
                                   return Violation{.verdict = Verdict::safety, .nodes = {0, 1}, .message = "a node saw 3"};
                                 }});
        },
    });
  };
}

TEST(CorridorHpp, OneIncludeWritesRunsShrinksAndTracesAProtocol) {
  SimConfig config;
  config.nodes = 2;
  config.time_limit_ns = seconds(1);
  apply_fault_spec("delay=uniform:1ms:5ms", config);
  const CampaignResult campaign = run_campaign(counter_factory(), config, {.master_seed = 3, .runs = 4, .jobs = 1});
  ASSERT_EQ(campaign.failures.size(), 1u);
  EXPECT_EQ(campaign.failures[0].outcome.violation->invariant, "below-three");

  auto sim = counter_factory()();
  const std::uint64_t seed = campaign.failures[0].outcome.seed;
  const RunOutcome out = run_once(*sim, config, seed, {.record = true});
  ASSERT_EQ(out.verdict, Verdict::safety);
  const ShrinkResult shrunk = shrink(*sim, {config, seed, sim->fault_plan(), sim->choices()}, {.replays_max = 200});
  EXPECT_EQ(shrunk.violation.invariant, "below-three");

  const Trace trace = trace_of_run("counter", "correct", config, seed, *sim, out.violation, out.steps, out.end_ns);
  EXPECT_FALSE(trace_to_string(trace).empty());
}

TEST(CorridorHpp, TheRegisteredProtocolsAndTheExhaustiveOptionsAreThere) {
  ASSERT_NE(find_protocol("ping-pong"), nullptr);
  ExhaustiveOptions options;
  options.symmetry = options.por = true;
  EXPECT_TRUE(validate_exhaustive_options(options).has_value());
}

}  // namespace

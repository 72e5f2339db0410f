// A token ring written outside corridor, checked two ways: a property suite (one GoogleTest test,
// N seeds from CORRIDOR_SEEDS, a shrunk trace and a replay line on failure) and a RapidCheck
// property over generated cluster sizes and fault plans (RapidCheck shrinks the scenario and
// prints a reproduce token). TOKEN_RING_VARIANT=buggy runs the planted bug: a node sometimes keeps
// a copy of the token it passes on.
#include <cstdlib>
#include <cstring>
#include <variant>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/simulation.hpp"
#include "testing/generators.hpp"
#include "testing/property_suite.hpp"

namespace {

using namespace corridor;

struct TokenRing {
  struct Token {};
  using Message = std::variant<Token>;
  enum class Variant { correct, buggy };  // buggy: a node sometimes keeps a copy of the token
  enum class Timer { pass_on };
  using Ctx = Context<TokenRing>;

  struct Node {
    bool holding = false;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) take(ctx);
    }
    void on_message(Ctx& ctx, NodeId, const Message&) { take(ctx); }
    void on_timer(Ctx& ctx, const Timer&) {
      holding = ctx.variant() == Variant::buggy && ctx.random(10) == 0;  // the planted bug
      ctx.send((ctx.self() + 1) % ctx.node_count(), Token{});
    }
    void take(Ctx& ctx) {
      holding = true;
      ctx.set_timer(Timer::pass_on, ms(1));
    }
  };
};

std::unique_ptr<Simulation> make_token_ring() {
  return std::make_unique<SimulationOf<TokenRing>>(SimulationSpec<TokenRing>{
      .layout = [](const SimConfig& c) { return Engine<TokenRing>::Layout{c.nodes, 0}; },
      .targets =
          [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install =
          [](Engine<TokenRing>& engine, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
            engine.add_state_invariant({"single-token", [](const Engine<TokenRing>& e) -> std::optional<Violation> {
                                          std::vector<NodeId> holders;
                                          for (NodeId n = 0; n < e.layout_nodes(); ++n) {
                                            if (e.node(n).holding) holders.push_back(n);
                                          }
                                          if (holders.size() <= 1) return std::nullopt;
                                          return Violation{.nodes = holders, .message = fmt::format("nodes {} hold the token at once",
                                                                                         fmt::join(holders, " and "))};
                                        }});
          },
  });
}

bool buggy() {
  const char* v = std::getenv("TOKEN_RING_VARIANT");
  return v && std::strcmp(v, "buggy") == 0;
}

SimConfig ring_config() {
  SimConfig config;
  config.nodes = 4;
  config.variant = static_cast<std::uint32_t>(buggy() ? TokenRing::Variant::buggy : TokenRing::Variant::correct);
  config.time_limit_ns = ms(200);
  apply_fault_spec("pause=2,partition=1,delay=uniform:1ms:5ms", config);
  return config;
}

}  // namespace

TEST(TokenRing, OneTokenForEverySeed) {
  const corridor::property::Suite suite{.protocol = "token-ring",
                                        .variant = buggy() ? "buggy" : "correct",
                                        .make = make_token_ring,
                                        .config = ring_config(),
                                        .seeds = 200};
  EXPECT_TRUE(corridor::property::holds(suite));
}

RC_GTEST_PROP(TokenRing, OneTokenUnderGeneratedFaults, ()) {
  const corridor::property::Scenario s = *corridor::property::gen::scenario(
      {.nodes_min = 2, .nodes_max = 6, .horizon_ns = corridor::ms(150), .faults_max = 3,
       .kinds = {corridor::FaultKind::pause, corridor::FaultKind::partition}});
  auto sim = make_token_ring();
  const corridor::RunOutcome out = corridor::property::run_scenario(*sim, ring_config(), s);
  RC_ASSERT(out.verdict == corridor::Verdict::pass);
}

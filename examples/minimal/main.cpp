// A token ring written outside corridor: one token travels round the ring; the invariant says at
// most one node holds it. `--buggy` makes a node keep a copy when it passes the token on.
// Exit 0 when 200 seeds pass (correct) or when the bug is found (buggy); 1 otherwise.
#include <cstdio>
#include <cstring>
#include <variant>

#include "explorers/random_explorer.hpp"
#include "model/prng.hpp"
#include "model/simulation.hpp"

namespace ring {

using namespace corridor;

struct TokenRing {
  struct Token { std::uint64_t hops = 0; };
  using Message = std::variant<Token>;
  enum class Variant { correct, keeps_copy };  // keeps_copy: a node sometimes keeps a copy
  enum class Timer { pass_on };                // the holder passes the token on
  using Ctx = Context<TokenRing>;

  struct Node {
    bool holding = false;
    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) {
        holding = true;
        ctx.set_timer(Timer::pass_on, ms(1));
      }
    }
    void on_message(Ctx& ctx, NodeId, const Message&) {
      holding = true;
      ctx.set_timer(Timer::pass_on, ms(1));
    }
    void on_timer(Ctx& ctx, const Timer&) {
      holding = ctx.variant() == Variant::keeps_copy && ctx.random(10) == 0;  // the bug
      ctx.send((ctx.self() + 1) % ctx.node_count(), Token{});
    }
  };
};

SimulationSpec<TokenRing> spec() {
  return {
      .layout = [](const SimConfig& c) { return Engine<TokenRing>::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig& c) { return FaultTargets{{}, c.nodes}; },
      .install = [](Engine<TokenRing>& engine, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
        engine.add_state_invariant({"single-token", [](const Engine<TokenRing>& e) -> std::optional<Violation> {
                                      std::vector<NodeId> holders;
                                      for (NodeId n = 0; n < e.layout_nodes(); ++n) {
                                        if (e.node(n).holding) holders.push_back(n);
                                      }
                                      if (holders.size() <= 1) return std::nullopt;
                                      return Violation{.nodes = holders, .message = "two nodes hold the token"};
                                    }});
      },
  };
}

}  // namespace ring

int main(int argc, char** argv) {
  using namespace corridor;
  const bool buggy = argc > 1 && std::strcmp(argv[1], "--buggy") == 0;
  SimulationOf<ring::TokenRing> sim(ring::spec());
  SimConfig config;
  config.nodes = 4;
  const auto variant = buggy ? ring::TokenRing::Variant::keeps_copy : ring::TokenRing::Variant::correct;
  config.variant = static_cast<std::uint32_t>(variant);
  config.time_limit_ns = seconds(1);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const RunOutcome out = run_once(sim, config, derive_seed(42, i));
    if (out.verdict != Verdict::pass) {
      std::printf("seed %llu: %s: %s\n", static_cast<unsigned long long>(out.seed), out.violation->invariant.c_str(),
                  out.violation->message.c_str());
      return buggy ? 0 : 1;
    }
  }
  std::printf("200 seeds passed\n");
  return buggy ? 1 : 0;
}

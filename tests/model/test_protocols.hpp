#pragma once
// Tiny protocols that exercise one engine mechanism each.
#include <cstdint>
#include <variant>
#include <vector>

#include "model/simulation.hpp"

namespace corridor::test_protocols {

// Node 0 sends `count` numbered messages to node 1 at start; node 1 keeps what arrives, in order.
// Node 1 also keeps a durable count of restarts and sets a timer at start.
struct Blaster {
  static constexpr std::uint64_t count = 2000;
  struct Data { std::uint64_t seq = 0; };
  using Message = std::variant<Data>;
  struct Durable { std::uint64_t recoveries = 0; };
  enum class Timer { probe };
  using Ctx = Context<Blaster>;

  struct Node {
    std::vector<std::uint64_t> received;
    std::vector<time_ns> timer_fired_mono_ns;
    bool recovered = false;

    void on_start(Ctx& ctx) {
      if (ctx.self() == 0) {
        for (std::uint64_t i = 0; i < count; ++i) ctx.send(1, Data{i});
      } else {
        ctx.set_timer(Timer::probe, ms(100));
      }
    }
    void on_recover(Ctx& ctx) {
      recovered = true;
      ++ctx.durable().recoveries;
    }
    void on_message(Ctx&, NodeId, const Message& m) { received.push_back(std::get<Data>(m).seq); }
    void on_timer(Ctx& ctx, const Timer&) { timer_fired_mono_ns.push_back(ctx.monotonic()); }
  };
};

inline SimulationSpec<Blaster> blaster_spec() {
  return {
      .layout = [](const SimConfig&) { return Engine<Blaster>::Layout{2, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
      .install = {},
  };
}

}  // namespace corridor::test_protocols

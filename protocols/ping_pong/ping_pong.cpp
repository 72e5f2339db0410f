#include "protocols/ping_pong/ping_pong.hpp"

#include "protocols/registry.hpp"

namespace corridor::protocols {

ProtocolEntry ping_pong_entry() {
  return register_protocol<PingPong>(
      {
          .name = "ping-pong",
          .description = "Two nodes bounce a counter back and forth; no invariants (the engine's speed baseline).",
          .variants = {correct_variant(OnlyVariant::correct, "the only variant")},
          .default_nodes = 2,
          .min_nodes = 2,
          .max_nodes = 2,
          .default_faults = "delay=const:1ms",
          .default_clock = "",
          .default_time_limit_ns = seconds(1),
      },
      {
          .layout = [](const SimConfig& c) { return Engine<PingPong>::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return FaultTargets{{0, 1}, c.nodes}; },
          .install = {},
          .witnesses = {{"pong-received", "n0 received a pong",
                         [](const Engine<PingPong>& w) { return w.node(0).exchanges >= 1; }}},
      });
}

}  // namespace corridor::protocols

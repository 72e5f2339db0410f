#include "protocols/co_ping_pong/co_ping_pong.hpp"

#include "protocols/registry.hpp"

namespace corridor::protocols {

ProtocolEntry co_ping_pong_entry() {
  return register_protocol<PingPongCoProtocol>(
      {
          .name = "co-ping-pong",
          .description = "Ping-pong written as coroutines (corridor::co); the same events as ping-pong.",
          .variants = {correct_variant(OnlyVariant::correct, "the only variant")},
          .default_nodes = 2,
          .min_nodes = 2,
          .max_nodes = 2,
          .default_faults = "delay=const:1ms",
          .default_clock = "",
          .default_time_limit_ns = seconds(1),
      },
      {
          .layout = [](const SimConfig& c) { return Engine<PingPongCoProtocol>::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return FaultTargets{{0, 1}, c.nodes}; },
          .install = {},
      });
}

}  // namespace corridor::protocols

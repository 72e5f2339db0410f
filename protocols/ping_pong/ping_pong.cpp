#include "protocols/ping_pong/ping_pong.hpp"

#include "invariants/receipt_gap.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

ProtocolEntry ping_pong_entry() {
  return register_protocol<PingPong>(
      {
          .name = "ping-pong",
          .description = "Two nodes bounce a counter back and forth; the one check is that the exchange goes on (the engine's speed baseline).",
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
          .install =
              [](Engine<PingPong>&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                observers.push_back(std::make_unique<invariants::ReceiptGapMonitor>(
                    PingPong::exchange_gap_ns, "exchange-continues", "the ping-pong exchange"));
              },
          .witnesses = {{"pong-received", "n0 received a pong",
                         [](const Engine<PingPong>& w) { return w.node(0).exchanges >= 1; }}},
      });
}

}  // namespace corridor::protocols

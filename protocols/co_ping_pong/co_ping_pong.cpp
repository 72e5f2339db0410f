#include "protocols/co_ping_pong/co_ping_pong.hpp"

#include "invariants/receipt_gap.hpp"
#include "protocols/ping_pong/ping_pong.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

// The handler version's registration (its one variant, node counts, fault model), under this
// protocol's name: the two are compared event for event.
ProtocolEntry co_ping_pong_entry() {
  ProtocolInfo info = ping_pong_entry().info;
  info.name = "co-ping-pong";
  info.description = "Ping-pong written as coroutines (corridor::co); the same events as ping-pong.";
  info.invariants.clear();  // register_protocol reads them from this protocol's set-up
  return register_protocol<PingPongCoProtocol>(
      std::move(info),
      {
          .layout = [](const SimConfig& c) { return Engine<PingPongCoProtocol>::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return FaultTargets{{0, 1}, c.nodes}; },
          .install =
              [](Engine<PingPongCoProtocol>&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
                observers.push_back(std::make_unique<invariants::ReceiptGapMonitor>(
                    PingPong::exchange_gap_ns, "exchange-continues", "the ping-pong exchange"));
              },
          .witnesses = {{"pong-received", "n0 received a pong",
                         [](const Engine<PingPongCoProtocol>& w) { return w.node(0).user.exchanges >= 1; }}},
      });
}

}  // namespace corridor::protocols

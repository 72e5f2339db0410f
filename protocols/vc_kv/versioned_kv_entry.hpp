#pragma once
// What every registration of the versioned store (protocols/vc_kv/versioned_kv.hpp) shares: its
// description's sizes and fault model, its witnesses and the spec of its runs (layout, fault
// targets, the sibling-causality monitors).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "invariants/badges/badge_observer.hpp"
#include "invariants/badges/operation_latency.hpp"
#include "invariants/sibling_causality.hpp"
#include "model/witness.hpp"
#include "protocols/registry.hpp"
#include "protocols/vc_kv/versioned_kv.hpp"

namespace corridor::protocols {

// The p99 latency a client operation is declared to stay within (the operation-latency badge).
// A put goes client -> coordinator (Put), coordinator -> replicas (Store), back (StoreAck) and to
// the client (PutOk); a get the same with Fetch and FetchReply: four one-way delays, each at most
// the default fault model's 10ms (delay=uniform:1ms:10ms): 4 x 10ms = 40ms. No retry is in it: a
// client that hears nothing within client_timeout (100ms) gives up (`info`, no latency), so a lost
// message or an unreachable quorum shows in the latency summary's indeterminate count, not here,
// and when every request outlasts the timeout no operation completes and nothing is measured.
inline constexpr time_ns versioned_kv_link_delay_ns_max = ms(10);
inline constexpr time_ns versioned_kv_p99_ns_max = 4 * versioned_kv_link_delay_ns_max;

inline std::unique_ptr<invariants::BadgeMonitor> versioned_kv_latency_monitor() {
  return std::make_unique<invariants::OperationLatencyMonitor>(versioned_kv_p99_ns_max,
                                                               "4 one-way delays x 10ms (request, replicas, replies, reply)");
}

// The store's sizes and fault model, the same whatever its versions carry: 1, 3 and 5 replicas,
// crash-restart, a partition, loss and duplication, skewed and drifting clocks with a jump either
// way. `reads_clocks`: whether a variant orders versions by ctx.now() (vc-kv's lww-wall-clock).
inline ProtocolInfo versioned_kv_info(std::string name, std::string description, std::vector<VariantInfo> variants,
                                      std::uint32_t nodes_max, bool reads_clocks) {
  constexpr const char* faults = "crash=1,partition=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms";
  constexpr const char* clock_back = "skew=20ms,drift=1000ppm,jump=-15ms,jumps=1";
  ProtocolInfo info{
      .name = std::move(name),
      .description = std::move(description),
      .variants = std::move(variants),
      .default_nodes = 3,
      .min_nodes = 1,
      .max_nodes = nodes_max,
      .default_faults = faults,
      .default_clock = clock_back,
      .campaign_nodes = {1, 3, 5},
      // Skew and jumps either way must change nothing but what reads_clocks says orders by now().
      .campaign_clocks = {clock_back, "skew=20ms,drift=1000ppm,jump=15ms,jumps=1"},
      .reads_clocks = reads_clocks,
      .default_time_limit_ns = seconds(3),
      .operation_bound_ns = ms(500),  // a client gives up on a request after 100 ms
      .demo_faults = faults,
      .demo_clock = clock_back,
  };
  info.badge_monitors.push_back(versioned_kv_latency_monitor()->declaration());
  return info;
}

template <class Store>
std::vector<Witness<Engine<Store>>> versioned_kv_witnesses() {
  using E = Engine<Store>;
  const auto on_some_replica = [](auto holds) {
    return [holds](const E& w) {
      for (NodeId n = 0; n < w.layout_nodes(); ++n) {
        if (holds(w, n)) return true;
      }
      return false;
    };
  };
  return {{"version-stored", "a replica stores a version of a key",
           on_some_replica([](const E& w, NodeId n) { return w.node(n).siblings_seen_max >= 1; })},
          {"siblings-kept", "a replica keeps two concurrent versions of one key",
           on_some_replica([](const E& w, NodeId n) { return w.node(n).siblings_seen_max >= 2; })},
          operation_completed<E>("a client operation completed (ok)")};
}

// Runs of `clients` clients over the run's replicas, checked by no-lost-write and
// siblings-concurrent reading the history in `layout`.
template <class Store>
SimulationSpec<Store> versioned_kv_spec(std::uint32_t clients, invariants::VersionLayout layout) {
  using E = Engine<Store>;
  CORRIDOR_ASSERT(clients >= 1 && clients <= Store::clients_max);
  return {
      .layout = [clients](const SimConfig& c) { return typename E::Layout{c.nodes, clients}; },
      .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
      .install =
          [layout](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
            using invariants::SiblingCausalityMonitor;
            for (const auto check : {SiblingCausalityMonitor::Check::no_lost_write,
                                     SiblingCausalityMonitor::Check::siblings_concurrent}) {
              observers.push_back(std::make_unique<SiblingCausalityMonitor>(check, layout));
            }
          },
      .install_badges =
          [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&, std::vector<Badge>& badges) {
            auto observer = std::make_unique<invariants::BadgeObserver<E>>(engine, badges);
            observer->add(versioned_kv_latency_monitor());
            observers.push_back(std::move(observer));
          },
      .witnesses = versioned_kv_witnesses<Store>(),
  };
}

}  // namespace corridor::protocols

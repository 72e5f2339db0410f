#pragma once
// What every registration of the versioned store (protocols/vc_kv/versioned_kv.hpp) shares: its
// witnesses and the spec of its runs (layout, fault targets, the sibling-causality monitors).
#include <memory>
#include <vector>

#include "invariants/sibling_causality.hpp"
#include "model/witness.hpp"
#include "protocols/registry.hpp"
#include "protocols/vc_kv/versioned_kv.hpp"

namespace corridor::protocols {

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
      .witnesses = versioned_kv_witnesses<Store>(),
  };
}

}  // namespace corridor::protocols

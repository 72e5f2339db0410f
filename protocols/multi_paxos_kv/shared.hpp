#pragma once
// What the handler Multi-Paxos kv (multi_paxos_kv.cpp) and its coroutine twin
// (protocols/co_multi_paxos_kv) declare once and both register: the variants with their planted
// bugs and the invariants each is found by, the fault model, and the checks their set-ups install.
// A name or a default written here is written nowhere else.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "invariants/badges/badge_observer.hpp"
#include "model/engine.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

// multi-paxos-kv's store and its client operations as the history records them, written once for
// the protocols that replicate it (multi-paxos-kv, flexible-paxos, raft-kv).
namespace kv_store {

using Command = MultiPaxosKv::Command;
using Result = MultiPaxosKv::Result;
using Op = MultiPaxosKv::Op;

// A command applied to a replica's store.
inline Result execute(std::map<std::uint32_t, std::int64_t>& kv, const Command& c) {
  Result r;
  const auto it = kv.find(c.key);
  switch (c.op) {
    case Op::get:
      r.ok = true;
      r.found = it != kv.end();
      r.value = r.found ? it->second : 0;
      break;
    case Op::put: kv[c.key] = c.a; r.ok = true; break;
    case Op::cas:
      r.ok = it != kv.end() && it->second == c.a;
      if (r.ok) it->second = c.b;
      break;
    case Op::del: kv.erase(c.key); r.ok = true; break;
    case Op::noop: break;
  }
  return r;
}

// Key k is named "x", "y", ... in the history.
inline std::string key_name(std::uint32_t key) { return std::string(1, static_cast<char>('x' + key)); }

// What an invoke records as its value: a put's value, a cas's expected and new value.
inline HistoryValue invoke_value(const Command& c) {
  switch (c.op) {
    case Op::put: return c.a;
    case Op::cas: return std::vector<std::int64_t>{c.a, c.b};
    default: return {};
  }
}

inline const char* op_name(Op op) {
  switch (op) {
    case Op::get: return "get";
    case Op::put: return "put";
    case Op::cas: return "cas";
    case Op::del: return "delete";
    case Op::noop: break;
  }
  return "noop";
}

}  // namespace kv_store

// The registration's description of a Multi-Paxos kv called `name`: the shared variants (of
// MultiPaxosKv::Variant), node counts, fault model, time limit and demo faults.
ProtocolInfo multi_paxos_kv_info(std::string name, std::string description);

// linearizable: the client history against the kv model of corridor's linearizability checker.
HistoryChecker multi_paxos_kv_linearizability();

// accept-keeps-promise, exactly-once, log-agreement and leader-stability (monitors of the notes
// "accept", "execute", "decide" and "election"/"leader"); progress-bound comes from the
// registration's operation_bound_ns.
void add_multi_paxos_kv_monitors(std::vector<std::unique_ptr<RunObserver>>& observers);

// promise-covers-accepted: no replica's durable promise is below a ballot it accepted. A promise
// only rises and accepting a ballot promises it, so a promise lowered (by a message below it, a
// restart) shows here at once, where agreement may break only on a rare schedule.
template <class E>
std::optional<Violation> promise_covers_accepted(const E& w) {
  for (NodeId n = 0; n < w.layout_nodes(); ++n) {
    const auto& d = w.durable(n);
    for (const auto& [slot, entry] : d.accepted) {
      if (entry.ballot <= d.promised) continue;
      return Violation{.nodes = {n},
                       .message = fmt::format("node {} accepted ballot {} for slot {} but has promised only ballot {}: "
                                              "its promise went back",
                                              n, entry.ballot, slot, d.promised)};
    }
  }
  return std::nullopt;
}

// Every check of the Multi-Paxos family (multi-paxos-kv, co-multi-paxos-kv, flexible-paxos), installed
// in one world: linearizable, promise-covers-accepted and add_multi_paxos_kv_monitors's.
template <class E>
void install_multi_paxos_kv_checks(E& engine, std::vector<std::unique_ptr<RunObserver>>& observers) {
  engine.add_history_checker(multi_paxos_kv_linearizability());
  engine.add_state_invariant({"promise-covers-accepted", promise_covers_accepted<E>});
  add_multi_paxos_kv_monitors(observers);
}

// operation-latency (invariants/badges/operation_latency.hpp) with the p99 bound both declare:
// 480ms, derived from the timeouts and the default link next to its definition (multi_paxos_kv.cpp).
std::unique_ptr<invariants::BadgeMonitor> multi_paxos_kv_latency_monitor();

template <class E>
void install_multi_paxos_kv_badges(E& engine, std::vector<std::unique_ptr<RunObserver>>& observers,
                                   std::vector<Badge>& badges) {
  auto observer = std::make_unique<invariants::BadgeObserver<E>>(engine, badges);
  observer->add(multi_paxos_kv_latency_monitor());
  observers.push_back(std::move(observer));
}

// The witnesses a search of either must reach: leader-elected, value-decided and
// operation-completed. `node_of(world, n)` reads node n's state (the coroutine twin keeps it in
// its frame's user state).
template <class E, class NodeOf>
std::vector<Witness<E>> multi_paxos_kv_witnesses(NodeOf node_of) {
  const auto on_some_node = [node_of](auto holds) {
    return [node_of, holds](const E& w) {
      for (NodeId n = 0; n < w.layout_nodes(); ++n) {
        if (holds(node_of(w, n))) return true;
      }
      return false;
    };
  };
  return {{"leader-elected", "a node leads, with a phase-1 quorum's promises for its ballot",
           on_some_node([](const auto& node) { return node.role == decltype(node.role)::leader; })},
          {"value-decided", "a replica applied a decided command",
           on_some_node([](const auto& node) { return node.applied >= 1; })},
          operation_completed<E>("a client operation completed (ok)")};
}

}  // namespace corridor::protocols

#pragma once
// What the handler Multi-Paxos kv (multi_paxos_kv.cpp) and its coroutine twin
// (protocols/co_multi_paxos_kv) declare once and both register: the variants with their planted
// bugs and the invariants each is found by, the fault model, and the checks their set-ups install.
// A name or a default written here is written nowhere else.
#include <memory>
#include <string>
#include <vector>

#include "model/engine.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

// The registration's description of a Multi-Paxos kv called `name`: the shared variants (of
// MultiPaxosKv::Variant), node counts, fault model, time limit and demo faults.
ProtocolInfo multi_paxos_kv_info(std::string name, std::string description);

// linearizable: the client history against the kv model of corridor's linearizability checker.
HistoryChecker multi_paxos_kv_linearizability();

// exactly-once, log-agreement and progress-bound (monitors of the notes "execute" and "decide"
// and of the client history).
void add_multi_paxos_kv_monitors(std::vector<std::unique_ptr<RunObserver>>& observers);

}  // namespace corridor::protocols

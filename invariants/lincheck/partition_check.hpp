#pragma once
// Checks one partition (the operations on one key, or all of them) with one model: runs the
// search, in slices, and on a violation replays the longest prefix to say which operations were
// concurrent with the one that cannot be linearized and what the model made of each.
#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "invariants/lincheck/budget.hpp"
#include "invariants/lincheck/lincheck.hpp"
#include "invariants/lincheck/search.hpp"
#include "invariants/lincheck/state_store.hpp"
#include "invariants/lincheck/value_codec.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

struct Partition {
  std::string key;
  std::vector<Operation> ops;            // in call order
  std::vector<std::uint32_t> global_id;  // index of each op in LincheckResult::operations
};

struct PartitionOutcome {
  SearchVerdict verdict = SearchVerdict::linearizable;
  std::size_t configurations = 0;
  std::size_t memory_bytes = 0;
  std::optional<Violation> violation;  // with global operation indices
};

template <class Model>
std::optional<Violation> explain_violation(const Partition& partition, StateStore<Model>& store,
                                           const std::vector<std::uint32_t>& prefix) {
  const std::span<const Operation> ops(partition.ops);
  std::vector<std::uint8_t> linearized(ops.size(), 0);
  StateKey state = store.initial();
  for (const std::uint32_t i : prefix) {
    StateKey next = 0;
    const bool ok = store.step(state, ops[i], i, next);
    CORRIDOR_ASSERT(ok);
    if (!ok) return std::nullopt;
    state = next;
    linearized[i] = 1;
  }
  // The operation that blocks: the earliest-returning definite operation left out of the prefix.
  std::uint32_t blocking = no_event;
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    if (linearized[i] || ops[i].indeterminate()) continue;
    if (blocking == no_event || ops[i].return_event < ops[blocking].return_event) blocking = i;
  }
  if (blocking == no_event) return std::nullopt;
  Violation violation;
  violation.key = partition.key;
  violation.operation = partition.global_id[blocking];
  for (const std::uint32_t i : prefix) violation.longest_prefix.push_back(partition.global_id[i]);
  violation.state_after_prefix = store.model().describe(store.state(state));
  for (std::uint32_t i = 0; i < ops.size() && ops[i].call_event < ops[blocking].return_event; ++i) {
    if (linearized[i]) continue;
    Violation::Concurrent concurrent;
    concurrent.operation = partition.global_id[i];
    StateKey next = 0;
    concurrent.fits = store.step(state, ops[i], i, next);
    if (concurrent.fits) concurrent.state_after = store.model().describe(store.state(next));
    violation.concurrent.push_back(std::move(concurrent));
  }
  return violation;
}

// Whether the operations follow one another in real time (each invoked after the previous one
// returned, none indeterminate): then their order is the only linearization, and a replay decides.
inline bool sequential(const Partition& partition) {
  for (std::size_t i = 0; i < partition.ops.size(); ++i) {
    if (partition.ops[i].indeterminate()) return false;
    if (i > 0 && partition.ops[i].call_event < partition.ops[i - 1].return_event) return false;
  }
  return true;
}

// The search of one partition, resumable: the checker runs partitions in slices, round robin.
// A sequential partition is replayed instead.
template <class Model>
class PartitionJob {
 public:
  PartitionJob(const Partition& partition, Model model, SearchMode mode, Budget& budget, bool explain)
      : partition_(partition), budget_(budget), explain_(explain), store_(std::move(model)) {
    if (mode == SearchMode::plain || !sequential(partition)) search_.emplace(partition.ops, store_, mode, budget);
  }

  // Runs at most `iterations` steps; `running` if not finished.
  SearchVerdict run_for(std::uint64_t iterations) {
    const SearchVerdict verdict = search_ ? search_->resume(iterations) : replay();
    if (verdict == SearchVerdict::not_linearizable) budget_.report_violation();
    return verdict;
  }

  PartitionOutcome finish(SearchVerdict verdict) {
    SearchOutcome searched;
    if (search_) searched = search_->finish(verdict);
    else {
      searched.longest_prefix = std::move(replayed_);
      searched.memory_bytes = store_.bytes();
    }
    PartitionOutcome outcome;
    outcome.verdict = verdict;
    outcome.configurations = searched.configurations;
    outcome.memory_bytes = searched.memory_bytes;
    if (verdict == SearchVerdict::not_linearizable && explain_) {
      outcome.violation = explain_violation(partition_, store_, searched.longest_prefix);
    }
    return outcome;
  }

 private:
  SearchVerdict replay() {
    StateKey state = store_.initial();
    for (std::uint32_t i = 0; i < partition_.ops.size(); ++i) {
      StateKey next = 0;
      if (!store_.step(state, partition_.ops[i], i, next)) {
        for (std::uint32_t j = 0; j < i; ++j) replayed_.push_back(j);
        return SearchVerdict::not_linearizable;
      }
      state = next;
    }
    return SearchVerdict::linearizable;
  }

  const Partition& partition_;
  Budget& budget_;
  bool explain_;
  StateStore<Model> store_;
  std::optional<WglSearch<Model>> search_;  // absent: a sequential partition, replayed
  std::vector<std::uint32_t> replayed_;     // the linearizable prefix of a failed replay
};

}  // namespace corridor::lincheck

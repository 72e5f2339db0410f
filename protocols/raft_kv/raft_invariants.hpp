#pragma once
// The four properties of figure 3 of the Raft paper as state invariants over raft-kv's nodes, and
// the checks raft-kv's set-up installs (those four and linearizable).
//
// - election-safety: at most one leader per term, over the whole run (a node's role and the term
//   it was elected in; invariants/unique_leader_per_term.hpp remembers every (term, leader)).
// - log-matching: two logs with an entry of the same index and term hold the same entries up to
//   there (durable logs, of crashed nodes too).
// - leader-completeness: an entry committed in a term is in the log of every leader of a later
//   term. It remembers the committed prefix seen so far in the run, each entry with the term of
//   the node that was first seen holding it committed (a leader commits in its term; a follower
//   learns a commit from a leader of its term, which is that term or later, so the check is never
//   stricter than the paper's).
// - state-machine-safety: no two nodes apply different commands at one index. It remembers the
//   command seen applied at each index in the run, so a node that restarts and re-applies is held
//   to what was applied before. A node's applied entries are its log up to `applied`: a log
//   overwritten below `applied` shows as the node's applied command changing.
//
// Remembering invariants start over when the engine starts a new run (a step count lower than the
// last one seen); the untimed world shows every invariant a world at step 0 before each check
// (model/world_model.hpp), so there they judge one state.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "invariants/unique_leader_per_term.hpp"
#include "model/engine.hpp"
#include "model/reflect.hpp"
#include "protocols/multi_paxos_kv/shared.hpp"
#include "protocols/raft_kv/raft_kv.hpp"

namespace corridor::protocols {

namespace raft_detail {

// What a remembering invariant saw in the current run, indexed by log index - 1.
template <class Seen>
struct RunMemory {
  std::vector<Seen> by_index;
  std::uint64_t last_step = 0;

  void begin_step(std::uint64_t step) {
    if (step <= last_step) by_index.clear();
    last_step = step;
  }
};

struct CommittedSeen {
  std::uint64_t term = 0;         // the entry's
  std::uint64_t commit_term = 0;  // the term of the node first seen holding it committed
  NodeId node = no_node;
  RaftKv::Command cmd;
};

struct AppliedSeen {
  NodeId node = no_node;
  RaftKv::Command cmd;
};

inline std::string command_text(const RaftKv::Command& c) { return to_text(c); }

}  // namespace raft_detail

template <class E>
StateInvariant<E> raft_election_safety() {
  return invariants::unique_leader_per_term<E>(
      [](const RaftKv::Node& n) -> std::optional<std::uint64_t> {
        if (n.role != RaftKv::Role::leader) return std::nullopt;
        return n.led_term;
      },
      "election-safety");
}

// The highest index at which logs a and b hold entries of one term; 0 if none.
inline std::uint64_t raft_highest_shared_term(const std::vector<RaftKv::Entry>& a, const std::vector<RaftKv::Entry>& b) {
  for (std::size_t i = std::min(a.size(), b.size()); i > 0; --i) {
    if (a[i - 1].term == b[i - 1].term) return i;
  }
  return 0;
}

template <class E>
std::optional<Violation> raft_log_matching(const E& w) {
  for (NodeId a = 0; a < w.layout_nodes(); ++a) {
    for (NodeId b = a + 1; b < w.layout_nodes(); ++b) {
      const auto& la = w.durable(a).log;
      const auto& lb = w.durable(b).log;
      const std::uint64_t top = raft_highest_shared_term(la, lb);
      for (std::uint64_t i = 1; i <= top; ++i) {
        if (la[i - 1].term == lb[i - 1].term && equal(la[i - 1].cmd, lb[i - 1].cmd)) continue;
        return Violation{.nodes = {a, b},
                         .message = fmt::format("nodes {} and {} both hold an entry of term {} at index {}, but differ "
                                                "at index {}: term {} {} against term {} {}",
                                                a, b, la[top - 1].term, top, i, la[i - 1].term,
                                                raft_detail::command_text(la[i - 1].cmd), lb[i - 1].term,
                                                raft_detail::command_text(lb[i - 1].cmd))};
      }
    }
  }
  return std::nullopt;
}

template <class E>
StateInvariant<E> raft_leader_completeness() {
  auto seen = std::make_shared<raft_detail::RunMemory<raft_detail::CommittedSeen>>();
  auto check = [seen](const E& w) -> std::optional<Violation> {
    seen->begin_step(w.step_count());
    auto& committed = seen->by_index;
    for (NodeId n = 0; n < w.layout_nodes(); ++n) {
      if (!w.is_running(n)) continue;
      const auto& d = w.durable(n);
      const std::uint64_t through = std::min<std::uint64_t>(w.node(n).commit, d.log.size());
      CORRIDOR_ASSERT_MSG(through <= RaftKv::log_entries_max, "a log is bounded");
      for (std::uint64_t i = committed.size() + 1; i <= through; ++i) {
        committed.push_back({d.log[i - 1].term, d.term, n, d.log[i - 1].cmd});
      }
    }
    for (NodeId n = 0; n < w.layout_nodes(); ++n) {
      const RaftKv::Node& node = w.node(n);
      if (!w.is_running(n) || node.role != RaftKv::Role::leader) continue;
      const auto& log = w.durable(n).log;
      for (std::size_t i = 0; i < committed.size(); ++i) {
        const raft_detail::CommittedSeen& c = committed[i];
        if (c.commit_term >= node.led_term || (i < log.size() && log[i].term == c.term)) continue;
        return Violation{.nodes = {c.node, n},
                         .message = fmt::format("node {} leads term {} without the entry of term {} at index {} ({}) "
                                                "that node {} held committed in term {}; its log there: {}",
                                                n, node.led_term, c.term, i + 1, raft_detail::command_text(c.cmd),
                                                c.node, c.commit_term,
                                                i < log.size() ? fmt::format("term {} {}", log[i].term,
                                                                             raft_detail::command_text(log[i].cmd))
                                                               : std::string("nothing"))};
      }
    }
    return std::nullopt;
  };
  return StateInvariant<E>{"leader-completeness", std::move(check)};
}

template <class E>
StateInvariant<E> raft_state_machine_safety() {
  auto seen = std::make_shared<raft_detail::RunMemory<raft_detail::AppliedSeen>>();
  auto check = [seen](const E& w) -> std::optional<Violation> {
    seen->begin_step(w.step_count());
    auto& applied = seen->by_index;
    for (NodeId n = 0; n < w.layout_nodes(); ++n) {
      if (!w.is_running(n)) continue;
      const auto& log = w.durable(n).log;
      const std::uint64_t through = std::min<std::uint64_t>(w.node(n).applied, log.size());
      for (std::uint64_t i = 1; i <= through; ++i) {
        const RaftKv::Command& cmd = log[i - 1].cmd;
        if (i > applied.size()) {
          applied.push_back({n, cmd});
          continue;
        }
        if (equal(applied[i - 1].cmd, cmd)) continue;
        return Violation{.nodes = {applied[i - 1].node, n},
                         .message = fmt::format("node {} applied {} at index {}, where node {} applied {}",
                                                applied[i - 1].node, raft_detail::command_text(applied[i - 1].cmd), i, n,
                                                raft_detail::command_text(cmd))};
      }
    }
    return std::nullopt;
  };
  return StateInvariant<E>{"state-machine-safety", std::move(check)};
}

// Every check raft-kv's set-up installs: figure 3's four properties and linearizable (Multi-Paxos
// kv's: the same commands, the same kv model).
template <class E>
void install_raft_kv_checks(E& engine) {
  engine.add_state_invariant(raft_election_safety<E>());
  engine.add_state_invariant({"log-matching", raft_log_matching<E>});
  engine.add_state_invariant(raft_leader_completeness<E>());
  engine.add_state_invariant(raft_state_machine_safety<E>());
  engine.add_history_checker(multi_paxos_kv_linearizability());
}

}  // namespace corridor::protocols

#pragma once
// Two-phase commit as actors on the simulated world: a transaction manager (node 0) and resource
// managers (nodes 1..R) exchanging messages, with the invariant and the planted bug of the
// TLA-style version (protocols/two_phase_commit/). What each actor may do on its own, Lamport's
// RMPrepare, RMChooseToAbort and TMAbort, is a timer it sets at start: an untimed explorer fires
// either of an RM's two timers first, so both choices are explored; in a timed run the random
// delays decide.
#include <cstdint>
#include <variant>
#include <vector>

#include "model/engine.hpp"
#include "model/node_renaming.hpp"

namespace corridor::protocols {

struct TwoPhaseCommitActors {
  enum class Variant {
    correct,
    commit_early,    // the TM commits once all RMs but one prepared
    skip_last_rm,    // the TM's decision loop stops one RM short: the last RM never learns it
  };

  static constexpr NodeId tm_node = 0;
  static constexpr time_ns decide_max_ns = ms(100);   // an RM prepares or aborts within this
  static constexpr time_ns tm_abort_max_ns = ms(300); // the TM gives up on a transaction within this
  // Every RM learns the TM's decision within this after it starts (or the last fault healed): the
  // TM decides within tm_abort_max_ns, and one message delay later the RM knows.
  static constexpr time_ns decision_bound_ns = ms(500);

  struct Prepared {};  // RM -> TM (the sender is the RM)
  struct Commit {};    // TM -> RMs
  struct Abort {};     // TM -> RMs
  using Message = std::variant<Prepared, Commit, Abort>;
  // Lamport's actions an actor takes on its own, each a timer (traces print them by name).
  enum class Timer : std::uint8_t { prepare, choose_abort, tm_abort };
  using Ctx = Context<TwoPhaseCommitActors>;

  enum class RmState : std::uint8_t { working, prepared, committed, aborted };
  enum class TmState : std::uint8_t { init, committed, aborted };

  struct Node {
    RmState rm = RmState::working;         // RMs
    TmState tm = TmState::init;            // the TM
    std::vector<std::uint8_t> prepared;    // the TM: 1 per RM (indexed by node id) that prepared

    void on_start(Ctx& ctx);
    void on_message(Ctx& ctx, NodeId from, const Message& m);
    void on_timer(Ctx& ctx, const Timer& timer);
  };

  // RMs are interchangeable; the TM's prepared set is indexed by RM id and is permuted with them.
  struct Symmetry {
    static NodeRange interchangeable(std::uint32_t nodes) { return {1, nodes}; }
    static void rename(Node& node, const NodeRenaming& rename) {
      if (node.prepared.empty()) return;
      std::vector<std::uint8_t> renamed(node.prepared.size(), 0);
      for (NodeId n = 0; n < node.prepared.size(); ++n) renamed[rename(n)] = node.prepared[n];
      node.prepared = std::move(renamed);
    }
    static void rename(Message&, const NodeRenaming&) {}  // messages hold no node ids
  };
};

}  // namespace corridor::protocols

namespace corridor {
struct ProtocolEntry;
}

namespace corridor::protocols {
ProtocolEntry two_phase_commit_actors_entry();
}  // namespace corridor::protocols

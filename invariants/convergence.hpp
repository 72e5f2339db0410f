#pragma once
// Convergence of replicated state, generic over a protocol's replica state (the protocol hands
// the checker a ReplicaStates: how to read each replica's state and the updates it has seen, and
// how it knows its anti-entropy has quiesced). Three invariants, installed together:
//
//   strong-eventual-consistency  after every step, any two live replicas that have seen the same
//                        updates (equal version vectors) hold equal states;
//   convergence          after every step at which the last fault of the plan has healed and the
//                        protocol declares its anti-entropy quiesced, every live replica holds the
//                        same state;
//   anti-entropy-quiesces  (liveness) at the end of a run that lasted quiesce_bound_ns past the
//                        later of the last heal and the last update note, the protocol declares
//                        quiescence: convergence above is then not vacuous.
//
// A violation names the replicas, prints their states (to_text) and the updates each has seen.
// The first two are state invariants (they see the world after every step, and follow a
// branching search); the third holds the engine and times in true time, so it is left out of
// untimed searches, as a liveness bound is.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

// What a protocol tells the checker about its replicas (every node is one).
template <class E, class State>
struct ReplicaStates {
  // Node n's replica state: what must converge, compared with == and printed with to_text.
  std::function<const State&(const E&, NodeId)> state;
  // The updates node n's replica has seen, as a version vector: entry j counts node j's updates.
  std::function<const std::vector<std::uint32_t>&(const E&, NodeId)> seen;
  // The protocol's word that its anti-entropy has quiesced (the protocol says how it knows).
  std::function<bool(const E&)> quiesced;
  // Every update writes ctx.note(update_note, ...) at its origin.
  std::string_view update_note = "replica-update";
  // How long after the later of the last heal and the last update quiescence may take.
  time_ns quiesce_bound_ns = 0;
};

// "[3, 4, 2]".
std::string seen_text(const std::vector<std::uint32_t>& seen);
// A violation of `invariant` naming replicas a and b, their states and what each has seen; `what`
// says why they should have been equal.
Violation replicas_differ(std::string_view invariant, std::string_view what, NodeId a, NodeId b,
                          const std::string& state_a, const std::string& state_b,
                          const std::vector<std::uint32_t>& seen_a, const std::vector<std::uint32_t>& seen_b);

template <class E, class State>
std::optional<Violation> check_strong_eventual_consistency(const E& w, const ReplicaStates<E, State>& r) {
  const NodeId nodes = w.layout_nodes();
  for (NodeId a = 0; a < nodes; ++a) {
    if (!w.is_running(a)) continue;
    for (NodeId b = a + 1; b < nodes; ++b) {
      if (!w.is_running(b) || r.seen(w, a) != r.seen(w, b) || r.state(w, a) == r.state(w, b)) continue;
      return replicas_differ("strong-eventual-consistency", "have seen the same updates", a, b,
                             to_text(r.state(w, a)), to_text(r.state(w, b)), r.seen(w, a), r.seen(w, b));
    }
  }
  return std::nullopt;
}

template <class E, class State>
std::optional<Violation> check_convergence(const E& w, const ReplicaStates<E, State>& r) {
  if (w.now_ns() < last_heal_ns(w.fault_plan()) || !r.quiesced(w)) return std::nullopt;
  const NodeId nodes = w.layout_nodes();
  NodeId first = no_node;
  for (NodeId b = 0; b < nodes; ++b) {
    if (!w.is_running(b)) continue;
    if (first == no_node) {
      first = b;
      continue;
    }
    if (r.state(w, first) == r.state(w, b)) continue;
    return replicas_differ("convergence", "are live after the last fault healed and anti-entropy quiesced", first, b,
                           to_text(r.state(w, first)), to_text(r.state(w, b)), r.seen(w, first), r.seen(w, b));
  }
  return std::nullopt;
}

// anti-entropy-quiesces: see the file comment.
template <class E, class State>
class QuiescenceMonitor final : public RunObserver {
 public:
  QuiescenceMonitor(const E& engine, ReplicaStates<E, State> replicas) : engine_(engine), replicas_(std::move(replicas)) {
    CORRIDOR_ASSERT(replicas_.quiesce_bound_ns > 0);
  }
  void on_run_start(const RunInfo& info) override {
    last_heal_ns_ = info.last_heal_ns;
    last_update_ns_ = 0;
    violation_.reset();
  }
  void on_event(const EventView& view) override {
    if (view.kind == EventKind::note && view.note == replicas_.update_note) last_update_ns_ = view.true_ns;
  }
  void on_run_end(time_ns end_ns) override {
    if (violation_ || last_heal_ns_ == time_ns_max) return;  // a fault that never heals: nothing to wait for
    const time_ns since_ns = std::max(last_heal_ns_, last_update_ns_);
    if (end_ns - since_ns < replicas_.quiesce_bound_ns || replicas_.quiesced(engine_)) return;
    violation_ = not_quiesced(end_ns, since_ns);
  }
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return "anti-entropy-quiesces"; }

 private:
  Violation not_quiesced(time_ns end_ns, time_ns since_ns) const {
    std::string seen;
    for (NodeId n = 0; n < engine_.layout_nodes(); ++n) {
      if (!engine_.is_running(n)) continue;
      seen += fmt::format("{}replica {} has seen {}", seen.empty() ? "" : "; ", n, seen_text(replicas_.seen(engine_, n)));
    }
    return {.invariant = "anti-entropy-quiesces", .verdict = Verdict::liveness, .step = engine_.step_count(),
            .true_ns = end_ns, .nodes = {}, .operations = {},
            .message = fmt::format("anti-entropy had not quiesced {} after the last fault healed and the last update "
                                   "(at {}): {}",
                                   format_duration_short(end_ns - since_ns), format_duration_short(since_ns), seen)};
  }

  const E& engine_;
  ReplicaStates<E, State> replicas_;
  time_ns last_heal_ns_ = 0;
  time_ns last_update_ns_ = 0;
  std::optional<Violation> violation_;
};

// Installs the three invariants on a run.
template <class E, class State>
void install_convergence(E& engine, std::vector<std::unique_ptr<RunObserver>>& observers,
                         const ReplicaStates<E, State>& replicas) {
  CORRIDOR_ASSERT(replicas.state && replicas.seen && replicas.quiesced);
  engine.add_state_invariant({"strong-eventual-consistency",
                              [replicas](const E& w) { return check_strong_eventual_consistency(w, replicas); }});
  engine.add_state_invariant({"convergence", [replicas](const E& w) { return check_convergence(w, replicas); }});
  observers.push_back(std::make_unique<QuiescenceMonitor<E, State>>(engine, replicas));
}

}  // namespace corridor::invariants

#pragma once
// The simulated world as a StateMachine (model/state_machine.hpp), under the untimed semantics of
// DESIGN.md: any enabled pending event may fire next, and true time moves to its due time (never
// back). Crash-restart, message loss and duplication are actions too, each bounded by a budget.
// The protocol's fault model and links still hold (WorldFaultModel): a FIFO link delivers in send
// order, a full link takes no copy, and a fault is offered only where the fault model has it, so
// a counterexample is always a run the timed world can have too (up to timing).
// Random draws of the protocol and message delays take their defaults (draws 0, delays the link's
// minimum): the search branches on schedules and faults, not on values.
//
// It lives in model/ (not explorers/) because protocols make it from their SimulationSpec and may
// not include explorers; explorers consume it through the StateMachine concept.
//
// A state is an immutable world (an engine and the monitors that follow its path) behind a counted
// handle, plus the budgets used; next() copies the world and fires one event on the copy. The copy
// is made into a recycled world (WorldPool): a world whose last state was let go of goes back to
// the pool with its vectors, messages and monitors, and the next successor is copy-assigned into
// it, so that a warm search reuses their heap blocks instead of allocating a fresh engine per
// successor. WorldLimits::copy_world keeps the world of before (a fresh engine copy and fresh
// monitor clones per successor, the invariants installed afresh per check): the oracle the tests
// and bench_world compare the recycled world with.
//
// Canonical encoding (the fingerprint): per node its status, state and durable state (through the
// reflection of model/reflect.hpp), per client the same, then the pending events as a sorted
// multiset (in-flight messages as sender, receiver, message and place in their FIFO link's queue;
// timers as owner and value, without due times; starts, restarts and plan faults), blocked links,
// the client history without times, and the budgets used. Left out: true time, due times, message ids, slot numbers, vector clocks and
// the monitors' memory. Leaving out time is the untimed abstraction: two worlds that differ only in
// when things happen are one state (node states that hold clock readings still differ).
//
// Witnesses: the protocol's (SimulationSpec::witnesses), evaluated on the world of a state.
//
// Checks: the protocol's state invariants on every state, installed once per thread (the copying
// world installs them afresh per check). An invariant that remembers earlier states, such as
// unique-leader-per-term, must see only this one: before each check every invariant is first
// shown a world at step 0, which is how an invariant learns that a new run began (the engine's
// contract for invariants reused across runs), so it forgets what it saw; the
// event-stream monitors that can be cloned follow every path (a liveness bound in true time cannot
// and is left out); history checkers run on terminal states (no enabled event).
//
// Partial-order reduction: actions of different nodes are independent (sleep sets), except that
// two faults drawn from the same budget are dependent (one can exhaust it), plan faults are
// dependent with everything, and where a link has a capacity its sender's actions are dependent
// with the deliveries, losses and copies on it (whether a send fits depends on their order). FIFO
// needs no exception: a delivery takes the head of its link, a send of another node appends to
// some tail, and the two commute whenever both are enabled. This is exact for node states, messages, timers and histories of
// different nodes' handlers; it is not exact for true time (firing b first moves time past a's due
// time) nor for the order of history events of different clients. tests/explorers/world_por_test
// checks on every reference protocol and planted bug that the same violations are reachable with
// and without it.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/engine.hpp"
#include "model/heap_bytes.hpp"
#include "model/node_renaming.hpp"
#include "model/simulation.hpp"
#include "model/state_machine.hpp"

namespace corridor {

// What an untimed search of the world may do besides firing events.
struct WorldLimits {
  std::uint32_t crashes = 0;  // crash-restarts of fault-target nodes
  std::uint32_t losses = 0;   // in-flight messages lost
  std::uint32_t dups = 0;     // in-flight messages duplicated
  std::uint64_t plan_seed = 0;  // draws the clocks' initial offset and drift (time-0 plan entries)
  // The world of before: every successor a fresh engine copy with fresh monitor clones, the
  // invariants installed per check. Same states, same verdicts; the tests' and bench's oracle.
  bool copy_world = false;
};

template <class E> class WorldPool;

// One world of an untimed search: the engine and the monitors that follow its path, shared by the
// states that hold it (WorldRef counts them). A recycled world knows its pool; a copied one (the
// oracle) has none and is deleted when let go of.
template <class E>
struct PooledWorld {
  E engine;
  std::vector<std::unique_ptr<RunObserver>> monitors;
  std::vector<RunObserver*> observers;  // the monitors, as the engine's observers
  std::atomic<std::uint32_t> holders{0};
  std::shared_ptr<WorldPool<E>> pool;   // set while in use; moved out when given back (no cycle)

  // Points the engine at this world's own monitors (a copy points at the original's).
  void own_monitors() {
    observers.resize(monitors.size());
    for (std::size_t i = 0; i < monitors.size(); ++i) observers[i] = monitors[i].get();
    engine.reassign_observers(observers);
  }
};

// Worlds whose states were all let go of, kept for the next successors (bounded: past free_max a
// world let go of is deleted). Shared by every thread of a search, behind one mutex held for a
// pointer push or pop.
template <class E>
class WorldPool {
 public:
  static constexpr std::size_t free_max = 4096;

  PooledWorld<E>* take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return nullptr;
    PooledWorld<E>* w = free_.back().release();
    free_.pop_back();
    CORRIDOR_ASSERT_MSG(w->holders.load() == 0 && !w->pool, "a free world is held by no state");
    return w;
  }
  void give_back(PooledWorld<E>* w) {
    CORRIDOR_ASSERT_MSG(w->holders.load() == 0 && !w->pool, "a world goes back to its pool once no state holds it");
    std::unique_ptr<PooledWorld<E>> owned(w);
    std::lock_guard lock(mutex_);
    if (free_.size() < free_max) free_.push_back(std::move(owned));
  }
  std::size_t free_count() {
    std::lock_guard lock(mutex_);
    return free_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<PooledWorld<E>>> free_;
};

// A counted handle on a world: the last handle let go of gives it back to its pool.
template <class E>
class WorldRef {
 public:
  WorldRef() = default;
  explicit WorldRef(PooledWorld<E>* w) : w_(w) {
    if (w_) w_->holders.fetch_add(1, std::memory_order_relaxed);
  }
  WorldRef(const WorldRef& o) : WorldRef(o.w_) {}
  WorldRef(WorldRef&& o) noexcept : w_(o.w_) { o.w_ = nullptr; }
  WorldRef& operator=(WorldRef o) noexcept {
    std::swap(w_, o.w_);
    return *this;
  }
  ~WorldRef() { release(); }

  const E& operator*() const { return w_->engine; }
  const E* operator->() const { return &w_->engine; }
  const PooledWorld<E>& world() const { return *w_; }
  explicit operator bool() const { return w_ != nullptr; }

 private:
  void release() {
    if (!w_) return;
    const std::uint32_t before = w_->holders.fetch_sub(1, std::memory_order_acq_rel);
    CORRIDOR_ASSERT_MSG(before > 0, "a world is let go of once per handle");
    if (before == 1) {
      std::shared_ptr<WorldPool<E>> pool = std::move(w_->pool);
      if (pool) pool->give_back(w_);
      else delete w_;
    }
    w_ = nullptr;
  }

  PooledWorld<E>* w_ = nullptr;
};

// The link settings of `config` for one link: the default, or the last override naming it (as the
// engine reads them).
inline const LinkSpec& configured_link(const SimConfig& config, NodeId from, NodeId to) {
  const LinkSpec* spec = &config.link;
  for (const LinkOverride& o : config.links) {
    if ((o.from == from && o.to == to) || (o.both_ways && o.from == to && o.to == from)) spec = &o.spec;
  }
  return *spec;
}

// Which faults a protocol's fault model (its configuration before untimed_config) makes possible
// at all. An untimed search chooses only among these, so that it never shows a run the timed
// world cannot have: a crash-restart needs crash faults in the model, a loss a lossy link, a loss
// burst or a partition (a partition drops what it cuts), a duplication a link that duplicates.
class WorldFaultModel {
 public:
  explicit WorldFaultModel(const SimConfig& config) : config_(config) {}

  bool crash() const { return config_.faults.crash > 0; }
  bool loss(NodeId from, NodeId to) const { return loss_everywhere() || configured_link(config_, from, to).loss > 0; }
  bool dup(NodeId from, NodeId to) const { return configured_link(config_, from, to).dup > 0; }
  bool loss_anywhere() const { return loss_everywhere() || any_link([](const LinkSpec& l) { return l.loss > 0; }); }
  bool dup_anywhere() const { return any_link([](const LinkSpec& l) { return l.dup > 0; }); }
  bool capacity_anywhere() const { return any_link([](const LinkSpec& l) { return l.capacity > 0; }); }

 private:
  bool loss_everywhere() const { return config_.faults.loss_burst > 0 || config_.faults.partition > 0; }
  template <class Fn>
  bool any_link(Fn&& fn) const {
    return fn(config_.link) || std::any_of(config_.links.begin(), config_.links.end(),
                                           [&](const LinkOverride& o) { return fn(o.spec); });
  }

  SimConfig config_;
};

// Why an untimed search with these budgets would leave the fault model of `config` (one sentence,
// for the program to print), or nothing when every budgeted fault is possible in it.
inline std::optional<std::string> world_limits_refusal(const SimConfig& config, const WorldLimits& limits) {
  const WorldFaultModel model(config);
  const std::string faults = config.faults_text.empty() ? std::string("none") : config.faults_text;
  if (limits.crashes > 0 && !model.crash()) {
    return fmt::format("--crashes {}: the fault model (--faults {}) has no crash-restart", limits.crashes, faults);
  }
  if (limits.losses > 0 && !model.loss_anywhere()) {
    return fmt::format("--losses {}: the fault model (--faults {}) loses no message (no loss, loss-burst or partition)",
                       limits.losses, faults);
  }
  if (limits.dups > 0 && !model.dup_anywhere()) {
    return fmt::format("--dups {}: the fault model (--faults {}) duplicates no message (no dup)", limits.dups, faults);
  }
  return std::nullopt;
}

// The configuration an untimed search runs the world under: the protocol's own, without the
// generated faults and network randomness that the search's budgets replace.
inline SimConfig untimed_config(SimConfig config) {
  config.faults = FaultSpec{};
  config.link.loss = 0.0;
  config.link.dup = 0.0;
  for (LinkOverride& o : config.links) {
    o.spec.loss = 0.0;
    o.spec.dup = 0.0;
  }
  config.clock.jumps = 0;
  config.clock.drift_changes = 0;
  config.plan_text.reset();
  return config;
}

// Writes reflected fields into a state encoding (the Sink of hash_append).
struct EncoderSink {
  StateEncoder& encoder;
  void mix(std::uint64_t word) { encoder.u64(word); }
  void mix_bytes(std::string_view bytes) { encoder.text(bytes); }
};

template <class P>
class WorldModel {
 public:
  using E = Engine<P>;
  using Spec = SimulationSpec<P>;
  static constexpr bool has_symmetry = HasNodeSymmetry<P>;

  struct State {
    WorldRef<E> world;
    std::uint32_t crashes_used = 0;
    std::uint32_t losses_used = 0;
    std::uint32_t dups_used = 0;
    bool symmetric = false;  // set by canonicalize(): encode interchangeable nodes in sorted order
  };

  struct Action {
    enum class Kind : std::uint8_t { fire, lose, duplicate, crash };
    Kind kind = Kind::fire;
    std::uint8_t event = 0;   // the pending event's kind (for describe)
    NodeId actor = no_node;   // whose handler runs; actor_count() for plan faults
    NodeId source = no_node;  // deliveries: the sender
    std::uint32_t slot = 0;
    std::uint64_t seq = 0;    // with slot: the event, in this state and in its successors
    typename E::Timer timer{};  // timers: the value that fires (for describe)
    // (slot, seq) names the event, so the timer follows from them and is not compared.
    friend bool operator==(const Action& a, const Action& b) {
      return a.kind == b.kind && a.event == b.event && a.actor == b.actor && a.source == b.source && a.slot == b.slot &&
             a.seq == b.seq;
    }
  };

  WorldModel(Spec spec, const SimConfig& config, WorldLimits limits)
      : spec_(std::make_shared<const Spec>(std::move(spec))),
        config_(untimed_config(config)),
        limits_(limits),
        faults_(std::make_shared<const WorldFaultModel>(config)),
        capacity_anywhere_(faults_->capacity_anywhere()),
        pool_(std::make_shared<WorldPool<E>>()),
        id_(next_model_id()) {
    CORRIDOR_ASSERT(spec_->layout && spec_->targets);
    CORRIDOR_ASSERT_MSG(!world_limits_refusal(config, limits), "fault budgets outside the protocol's fault model");
    crash_targets_ = spec_->targets(config_).nodes;
  }

  void initial_states(std::vector<State>& states) const {
    auto* pooled = new PooledWorld<E>();
    if (!limits_.copy_world) pooled->pool = pool_;
    State s;
    s.world = WorldRef<E>(pooled);
    E* world = &pooled->engine;
    std::vector<std::unique_ptr<RunObserver>> observers;
    if (spec_->install) spec_->install(*world, observers, config_);
    world->clear_checks();  // state invariants run in check()
    for (auto& o : observers) {
      if (!o->clone()) continue;  // cannot follow a branching search
      pooled->monitors.push_back(std::move(o));
    }
    pooled->own_monitors();
    world->set_untimed(true);
    world->chooser().start_defaults();
    const auto layout = spec_->layout(config_);
    world->start(config_, layout, generate_fault_plan(config_, spec_->targets(config_), limits_.plan_seed), false);
    // Clock settings at time 0 apply before anything else, as in a timed run.
    std::vector<EnabledEvent> events;
    world->enabled_events(0, events);
    for (const EnabledEvent& e : events) {
      if (e.actor == no_node) world->fire(e.slot);
    }
    states.push_back(std::move(s));
  }

  void actions(const State& s, std::vector<Action>& out) const {
    const E& w = *s.world;
    if (w.violation()) return;  // a violation ends its path
    thread_local std::vector<EnabledEvent> events;
    events.clear();
    w.enabled_events(config_.time_limit_ns, events);
    for (const EnabledEvent& e : events) {
      const NodeId actor = e.actor == no_node ? w.actor_count() : e.actor;
      const std::uint8_t kind = e.kind;
      Action fire{Action::Kind::fire, kind, actor, e.source, e.slot, e.seq};
      if constexpr (has_timers<P>) {
        if (kind == timer_event) fire.timer = w.pending_timer(e.slot);
      }
      out.push_back(std::move(fire));
      if (!e.is_delivery()) continue;
      if (s.losses_used < limits_.losses && faults_->loss(e.source, actor)) {
        out.push_back({Action::Kind::lose, kind, actor, e.source, e.slot, e.seq});
      }
      if (s.dups_used < limits_.dups && faults_->dup(e.source, actor) && !w.link_full(e.source, actor)) {
        out.push_back({Action::Kind::duplicate, kind, actor, e.source, e.slot, e.seq});
      }
    }
    if (s.crashes_used >= limits_.crashes) return;
    CORRIDOR_ASSERT(faults_->crash());
    for (NodeId n : crash_targets_) {
      if (n < w.layout_nodes() && w.status(n) == ActorStatus::up) out.push_back({Action::Kind::crash, 0, n, no_node, 0, 0});
    }
  }

  State next(const State& s, const Action& a) const {
    PooledWorld<E>* pooled = limits_.copy_world ? copied(s.world.world()) : recycled(s.world.world());
    State n;
    n.world = WorldRef<E>(pooled);
    n.crashes_used = s.crashes_used;
    n.losses_used = s.losses_used;
    n.dups_used = s.dups_used;
    n.symmetric = s.symmetric;
    E* world = &pooled->engine;
    if (a.kind != Action::Kind::crash) CORRIDOR_ASSERT(world->pending_is(a.slot, a.seq));
    switch (a.kind) {
      case Action::Kind::fire: world->fire(a.slot); break;
      case Action::Kind::lose:
        world->lose(a.slot);
        ++n.losses_used;
        break;
      case Action::Kind::duplicate:
        world->duplicate(a.slot);
        ++n.dups_used;
        break;
      case Action::Kind::crash:
        world->crash_restart(a.actor);
        ++n.crashes_used;
        break;
    }
    return n;
  }

  void encode(const State& s, StateEncoder& e) const {
    const E& w = *s.world;
    thread_local std::vector<NodeId> order;
    node_order(s, order);
    // Without symmetry the renaming is the identity, which needs no table (no allocation).
    const NodeRenaming rename(s.symmetric ? inverse(order) : std::vector<NodeId>{});
    EncoderSink sink{e};
    e.u32(s.crashes_used);
    e.u32(s.losses_used);
    e.u32(s.dups_used);
    for (NodeId old_id : order) encode_node(w, old_id, rename, sink);
    if constexpr (E::has_clients) {
      for (std::uint32_t c = 0; c < w.layout_clients(); ++c) {
        e.u8(static_cast<std::uint8_t>(w.status(w.layout_nodes() + c)));
        hash_append(sink, w.client(c));
      }
    }
    encode_pending(w, rename, e);
    encode_links(w, rename, e);
    e.u64(w.history().size());
    for (const HistoryEvent& h : w.history()) {
      e.u32(h.process);
      e.u8(static_cast<std::uint8_t>(h.type));
      e.text(h.f);
      e.text(h.key);
      hash_append(sink, h.value);
    }
    e.boolean(w.violation().has_value());
  }

 private:
  // The protocol's checks, installed on a scratch engine, and a world at step 0 that tells an
  // invariant a new run began.
  struct Checks {
    std::uint64_t model_id = 0;
    E installed;
    E new_run;
  };

  std::unique_ptr<Checks> make_checks() const {
    auto checks = std::make_unique<Checks>();
    checks->model_id = id_;
    std::vector<std::unique_ptr<RunObserver>> unused;
    if (spec_->install) spec_->install(checks->installed, unused, config_);
    checks->new_run.set_untimed(true);
    checks->new_run.start(config_, spec_->layout(config_), FaultPlan{}, false);
    CORRIDOR_ASSERT(checks->new_run.step_count() == 0);
    return checks;
  }

  // This thread's checks for this model, installed on the first check (again when the thread
  // checks another model in between).
  const Checks& thread_checks() const {
    thread_local std::unique_ptr<Checks> cached;
    if (!cached || cached->model_id != id_) cached = make_checks();
    return *cached;
  }

  static std::uint64_t next_model_id() {
    static std::atomic<std::uint64_t> ids{0};
    return ids.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  // The world of before: a fresh engine copy and fresh monitor clones.
  PooledWorld<E>* copied(const PooledWorld<E>& from) const {
    auto* w = new PooledWorld<E>();
    w->engine = from.engine;
    for (const auto& m : from.monitors) {
      w->monitors.push_back(m->clone());
      CORRIDOR_ASSERT(w->monitors.back());
    }
    w->own_monitors();
    return w;
  }

  // A recycled world (a new one while the pool is empty), copy-assigned from `from`: its vectors
  // and monitors keep their heap blocks.
  PooledWorld<E>* recycled(const PooledWorld<E>& from) const {
    PooledWorld<E>* w = pool_->take();
    if (!w) w = new PooledWorld<E>();
    w->engine = from.engine;
    w->monitors.resize(from.monitors.size());
    for (std::size_t i = 0; i < from.monitors.size(); ++i) {
      if (w->monitors[i] && w->monitors[i]->assign_from(*from.monitors[i])) continue;
      w->monitors[i] = from.monitors[i]->clone();
      CORRIDOR_ASSERT(w->monitors[i]);
    }
    w->own_monitors();
    w->pool = pool_;
    return w;
  }

 public:
  std::optional<Violation> check(const State& s) const {
    const E& w = *s.world;
    if (const auto& v = w.violation(); v && v->verdict != Verdict::liveness) return v;
    std::unique_ptr<Checks> fresh;
    const Checks& checks = limits_.copy_world ? *(fresh = make_checks()) : thread_checks();
    const E& scratch = checks.installed;
    for (const StateInvariant<E>& inv : scratch.state_invariants()) {
      if (!limits_.copy_world) (void)inv.check(checks.new_run);  // forget earlier states (see above)
      if (auto v = inv.check(w)) return stamped(std::move(*v), inv.name, w);
    }
    if (scratch.history_checkers().empty()) return std::nullopt;
    thread_local std::vector<EnabledEvent> events;
    events.clear();
    w.enabled_events(config_.time_limit_ns, events);
    if (!events.empty()) return std::nullopt;
    for (const HistoryChecker& checker : scratch.history_checkers()) {
      if (auto v = checker.check(w.history())) return stamped(std::move(*v), checker.name, w);
    }
    return std::nullopt;
  }

  std::vector<WitnessInfo> witnesses() const { return witness_infos(spec_->witnesses); }
  std::uint64_t witnesses_holding(const State& s) const { return corridor::witnesses_holding(spec_->witnesses, *s.world); }

  std::uint32_t actor(const Action& a) const { return a.actor; }

  bool independent(const Action& a, const Action& b) const {
    if (a.actor == b.actor) return false;
    if (a.event == plan_fault_begin || a.event == plan_fault_end) return false;
    if (b.event == plan_fault_begin || b.event == plan_fault_end) return false;
    // On a link with a capacity, what its sender sends is dropped or not depending on whether a
    // message on it was taken off first: the sender's actions and the link's deliveries interfere.
    if (capacity_anywhere_ && (uses_link_of(a, b) || uses_link_of(b, a))) return false;
    return a.kind == Action::Kind::fire || a.kind != b.kind;  // same budget: dependent
  }

  std::string describe(const Action& a) const {
    const NodeId n = a.actor;
    switch (a.kind) {
      case Action::Kind::lose: return fmt::format("lose the message n{} -> n{}", a.source, n);
      case Action::Kind::duplicate: return fmt::format("duplicate the message n{} -> n{}", a.source, n);
      case Action::Kind::crash: return fmt::format("crash n{} (it restarts later)", n);
      case Action::Kind::fire: break;
    }
    switch (a.event) {
      case 0: return fmt::format("n{} starts", n);
      case 1: return fmt::format("n{} receives from n{}", n, a.source);
      case timer_event: return fmt::format("n{} timer {} fires", n, timer_text(a.timer));
      case 5: return fmt::format("n{} restarts", n);
      default: return "a fault of the plan";
    }
  }

  void canonicalize(State& s) const {
    if constexpr (has_symmetry) s.symmetric = true;
    else (void)s;
  }
  bool supports_symmetry() const { return has_symmetry; }

  // What a state holds, for the search's memory budget: the world (one block with make_shared's
  // control block, and what it holds on the heap), its node and client states, and the monitors.
  // A monitor's own memory is not visible from here; monitor_bytes is an estimate of a clone.
  std::size_t state_bytes(const State& s) const {
    const E& w = *s.world;
    constexpr std::size_t control_block_bytes = 16;
    constexpr std::size_t monitor_bytes = 256;
    std::size_t bytes = sizeof(State) + malloc_block_bytes(sizeof(E) + control_block_bytes) + w.heap_bytes();
    bytes += heap_bytes(w.nodes());
    if constexpr (E::has_clients) {
      bytes += malloc_block_bytes(w.layout_clients() * sizeof(typename E::Client));
      for (std::uint32_t c = 0; c < w.layout_clients(); ++c) bytes += heap_bytes(w.client(c));
    }
    const auto& monitors = s.world.world().monitors;
    bytes += 2 * malloc_block_bytes(monitors.capacity() * sizeof(monitors[0]));  // and the observers
    bytes += monitors.size() * malloc_block_bytes(monitor_bytes);
    return bytes;
  }

  // Worlds let go of and kept for reuse (tests read it: a warm search recycles).
  std::size_t pooled_worlds() const { return pool_->free_count(); }

 private:
  static constexpr std::uint8_t timer_event = 2;
  static constexpr std::uint8_t plan_fault_begin = 3;
  static constexpr std::uint8_t plan_fault_end = 4;
  static constexpr std::uint8_t delivery = 1;

  // Whether x takes a message off (or copies one onto) a link whose sender runs y.
  static bool uses_link_of(const Action& x, const Action& y) {
    return x.kind != Action::Kind::crash && x.event == delivery && x.source == y.actor;
  }

  static std::optional<Violation> stamped(Violation v, const std::string& name, const E& w) {
    if (v.invariant.empty()) v.invariant = name;
    v.step = w.step_count();
    v.true_ns = w.now_ns();
    return v;
  }

  // Nodes in the order they are encoded: interchangeable nodes sorted by what they hold (state,
  // status, pending events), ties in id order. Any state-determined order is sound: equal
  // encodings still mean worlds equal up to a renaming of interchangeable nodes.
  void node_order(const State& s, std::vector<NodeId>& order) const {
    const E& w = *s.world;
    order.resize(w.layout_nodes());
    for (NodeId n = 0; n < order.size(); ++n) order[n] = n;
    if constexpr (has_symmetry) {
      if (!s.symmetric) return;
      const NodeRange range = P::Symmetry::interchangeable(w.layout_nodes());
      CORRIDOR_ASSERT(range.first <= range.last && range.last <= w.layout_nodes());
      std::vector<std::uint64_t> key(w.layout_nodes(), 0);
      for (NodeId n = range.first; n < range.last; ++n) {
        Hasher h;
        h.mix(static_cast<std::uint64_t>(w.status(n)));
        hash_append(h, w.node(n));
        hash_append(h, w.durable(n));
        key[n] = h.digest();
      }
      w.for_each_pending([&](std::uint8_t kind, NodeId target, NodeId source, std::uint64_t detail,
                             const typename E::Message& m, const typename E::Timer& t) {
        const std::uint64_t item = kind == 1 ? hash_of(m) : kind == timer_event ? hash_of(t) : detail + kind;
        if (target >= range.first && target < range.last) key[target] += item * 0x9E3779B97F4A7C15ULL + 1;
        if (source >= range.first && source < range.last) key[source] += item * 0xC2B2AE3D27D4EB4FULL + 3;
      });
      std::stable_sort(order.begin() + range.first, order.begin() + range.last,
                       [&](NodeId a, NodeId b) { return key[a] < key[b]; });
    }
  }

  static std::vector<NodeId> inverse(const std::vector<NodeId>& order) {
    std::vector<NodeId> to(order.size());
    for (NodeId i = 0; i < order.size(); ++i) to[order[i]] = i;
    return to;
  }

  void encode_node(const E& w, NodeId n, const NodeRenaming& rename, EncoderSink& sink) const {
    sink.encoder.u8(static_cast<std::uint8_t>(w.status(n)));
    if constexpr (has_symmetry) {
      typename E::Node node = w.node(n);
      P::Symmetry::rename(node, rename);
      hash_append(sink, node);
      auto durable = w.durable(n);
      if constexpr (requires { P::Symmetry::rename(durable, rename); }) P::Symmetry::rename(durable, rename);
      hash_append(sink, durable);
      return;
    }
    (void)rename;
    hash_append(sink, w.node(n));
    hash_append(sink, w.durable(n));
  }

  // The pending events as a sorted multiset of 64-bit digests (a message's digest covers its
  // sender, receiver and content; a timer's its owner and value).
  void encode_pending(const E& w, const NodeRenaming& rename, StateEncoder& e) const {
    thread_local std::vector<std::uint64_t> items;
    items.clear();
    w.for_each_pending([&](std::uint8_t kind, NodeId target, NodeId source, std::uint64_t detail,
                           const typename E::Message& m, const typename E::Timer& t) {
      Hasher h;
      h.mix(kind);
      h.mix(rename(target));
      h.mix(rename(source));
      if (kind == 1) {
        if constexpr (has_symmetry) {
          typename E::Message copy = m;
          P::Symmetry::rename(copy, rename);
          hash_append(h, copy);
        } else {
          hash_append(h, m);
        }
        h.mix(detail);  // the message's place on a FIFO link
      } else if (kind == timer_event) {
        if constexpr (has_symmetry && requires(typename E::Timer& x) { P::Symmetry::rename(x, rename); }) {
          typename E::Timer copy = t;
          P::Symmetry::rename(copy, rename);
          hash_append(h, copy);
        } else {
          hash_append(h, t);
        }
      } else {
        h.mix(detail);
      }
      items.push_back(h.digest());
    });
    std::sort(items.begin(), items.end());
    e.u64(items.size());
    for (std::uint64_t item : items) e.u64(item);
  }

  void encode_links(const E& w, const NodeRenaming& rename, StateEncoder& e) const {
    if (!w.blocked_any()) {
      e.u8(0);
      return;
    }
    const auto links = w.blocked_links();
    const std::uint32_t actors = w.actor_count();
    std::vector<std::uint64_t> blocked;
    for (std::uint32_t i = 0; i < links.size(); ++i) {
      if (links[i] == 0) continue;
      blocked.push_back(std::uint64_t{rename(i / actors)} << 40 | std::uint64_t{rename(i % actors)} << 16 | links[i]);
    }
    std::sort(blocked.begin(), blocked.end());
    e.u8(1);
    e.u64(blocked.size());
    for (std::uint64_t b : blocked) e.u64(b);
  }

  std::shared_ptr<const Spec> spec_;
  SimConfig config_;
  WorldLimits limits_;
  std::shared_ptr<const WorldFaultModel> faults_;
  bool capacity_anywhere_ = false;
  std::shared_ptr<WorldPool<E>> pool_;  // shared by the model's copies
  std::uint64_t id_ = 0;                // names the model for thread_checks
  std::vector<NodeId> crash_targets_;
};

}  // namespace corridor

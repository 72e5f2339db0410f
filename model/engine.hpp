#pragma once
// The engine holds the simulated world (node states, pending events, clocks, network, history,
// vector clocks) and applies one chosen event at a time. A protocol is a bundle type P, checked by
// the Protocol concept (model/protocol.hpp, which lists the bundle and the handlers), and its
// handlers act through a corridor::Context<P>. Actors 0..nodes-1 are nodes (the last `helpers` of
// them the protocol's helper actors), then clients.
//
// The engine knows nothing of the protocol beyond that. It never iterates an unordered
// container, never reads the wall clock, and routes every random decision through the chooser.
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/chooser.hpp"
#include "model/clock.hpp"
#include "model/event.hpp"
#include "model/fault_plan.hpp"
#include "model/assert.hpp"
#include "model/heap_bytes.hpp"
#include "model/history.hpp"
#include "model/node_set.hpp"
#include "model/protocol.hpp"
#include "model/reflect.hpp"
#include "model/sim_config.hpp"
#include "model/units.hpp"
#include "model/violation.hpp"

namespace corridor {

// The handle set_timer returns, for cancel_timer: a slot and its generation, so a stale handle
// (its timer fired or was cancelled) cancels nothing.
using TimerId = std::uint64_t;

// Timers one actor may have pending before its run ends with the verdict "timer-budget" (hung).
inline constexpr std::size_t timers_per_actor_max = 100'000;

// The name of a ctx.note, held by value: a literal, a std::string or a string_view all convert,
// and the note owns its copy (short names stay in the string's inline buffer: no allocation).
struct NoteName {
  std::string text;
  NoteName(const char* name) : text(name) {}                  // NOLINT: implicit on purpose
  NoteName(std::string_view name) : text(name) {}             // NOLINT
  NoteName(std::string name) : text(std::move(name)) {}       // NOLINT
};

// A run of actor ids [first, last), iterable: `for (NodeId c : ctx.clients())`.
struct ActorRange {
  NodeId first = 0;
  NodeId last = 0;
  struct iterator {
    NodeId id;
    NodeId operator*() const { return id; }
    iterator& operator++() { ++id; return *this; }
    friend bool operator==(const iterator&, const iterator&) = default;
  };
  iterator begin() const { return {first}; }
  iterator end() const { return {last}; }
  std::uint32_t size() const { return last - first; }
  bool contains(NodeId id) const { return id >= first && id < last; }
};

enum class ActorStatus : std::uint8_t { up, down, stopped, paused };

// What monitors learn when a run starts.
struct RunInfo {
  std::uint32_t nodes = 0;
  std::uint32_t clients = 0;
  time_ns time_limit_ns = 0;
  time_ns last_heal_ns = 0;
};

// Observers may also want the run's start and end.
class RunObserver : public EventObserver {
 public:
  virtual void on_run_start(const RunInfo&) {}
  virtual void on_run_end(time_ns /*end_ns*/) {}
  // A copy with the same state, for untimed explorers that branch a world (nullptr: this monitor
  // cannot follow a branching search and is left out of it, e.g. a liveness bound in true time).
  virtual std::unique_ptr<RunObserver> clone() const { return nullptr; }
  // Takes the state of `other`, a monitor of the same type, into this one, reusing what this one
  // holds on the heap (an untimed search recycles the worlds of states it let go of). False: the
  // types differ, or this monitor cannot, and the search clones instead.
  virtual bool assign_from(const RunObserver& /*other*/) { return false; }
  // The invariant this monitor checks, as its violations name it ("" for one that only observes,
  // such as a badge monitor): the registry lists a protocol's invariants from these.
  virtual std::string_view invariant_name() const { return {}; }
};

// One event that may fire next in an untimed run (explorers/pct, explorers/world_model).
struct EnabledEvent {
  std::uint32_t slot = 0;
  std::uint64_t seq = 0;     // unique per scheduling: (slot, seq) names the event across copies
  time_ns due_ns = 0;
  NodeId actor = no_node;    // whose handler runs (no_node: a fault of the plan)
  NodeId source = no_node;   // deliveries: the sender
  std::uint8_t kind = 0;     // as in Core::for_each_pending: 1 is a delivery
  bool is_delivery() const { return kind == 1; }
};

template <class Message, class Durable, class Timer> class Core;

// What a handler can do. Everything goes through the engine, so it is logged and replayable.
template <class P>
class Context {
 public:
  using Message = typename P::Message;
  using Durable = durable_t<P>;
  using Timer = timer_t<P>;
  using Variant = variant_t<P>;
  using World = Core<Message, Durable, Timer>;

  Context(World& core, NodeId self) : core_(core), self_(self) {}

  NodeId self() const { return self_; }
  Variant variant() const { return static_cast<Variant>(core_.config().variant); }

  // The actor layout, by name: nodes (the protocol's servers, helpers included), the members
  // among them (the nodes that are not helpers: quorums count these), helpers (a protocol's own
  // extra actors, such as leader-lease's storage node) and clients. Protocols ask these instead of
  // computing ids from counts.
  std::uint32_t node_count() const { return core_.layout_nodes(); }
  ActorRange nodes() const { return {0, core_.layout_nodes()}; }
  bool is_node(NodeId id) const { return id < core_.layout_nodes(); }
  ActorRange members() const { return {0, core_.layout_nodes() - core_.layout_helpers()}; }
  std::uint32_t member_count() const { return members().size(); }
  bool is_member(NodeId id) const { return members().contains(id); }
  ActorRange helpers() const { return {members().last, core_.layout_nodes()}; }
  NodeId helper_id(std::uint32_t i) const {
    CORRIDOR_ASSERT_MSG(i < core_.layout_helpers(), "helper_id past the layout's helpers");
    return helpers().first + i;
  }
  bool is_helper(NodeId id) const { return helpers().contains(id); }
  std::uint32_t client_count() const { return core_.layout_clients(); }
  ActorRange clients() const { return {core_.layout_nodes(), core_.actor_count()}; }
  NodeId client_id(std::uint32_t i) const {
    CORRIDOR_ASSERT_MSG(i < core_.layout_clients(), "client_id past the layout's clients");
    return core_.layout_nodes() + i;
  }
  bool is_client(NodeId id) const { return clients().contains(id); }
  // This actor's index among the clients (0 for the first); only a client may ask.
  std::uint32_t client_index() const {
    CORRIDOR_ASSERT_MSG(is_client(self_), "client_index asked by an actor that is no client");
    return self_ - core_.layout_nodes();
  }

  void send(NodeId to, Message message) { core_.send(self_, to, std::move(message)); }
  // To every node except this one (clients are not nodes).
  void broadcast(const Message& message) {
    for (NodeId to = 0; to < core_.layout_nodes(); ++to) {
      if (to != self_) core_.send(self_, to, message);
    }
  }
  // A timer in this node's monotonic clock (drift changes when it fires in true time), due after
  // a delay drawn uniformly from [delay_min_ns, delay_max_ns] through the chooser (logged as a
  // `t` choice, the extra above the minimum; untimed search and the shrinker take the minimum).
  TimerId set_timer(const Timer& timer, time_ns delay_min_ns, time_ns delay_max_ns) {
    static_assert(has_timers<P>, "set_timer needs the protocol bundle to declare `using Timer = ...;`");
    return core_.set_timer(self_, timer, delay_min_ns, delay_max_ns);
  }
  // A timer after exactly delay_ns (no decision is drawn or logged).
  TimerId set_timer(const Timer& timer, time_ns delay_ns) {
    static_assert(has_timers<P>, "set_timer needs the protocol bundle to declare `using Timer = ...;`");
    return core_.set_timer(self_, timer, delay_ns, delay_ns);
  }
  // Cancels the timer set_timer returned; a handle whose timer already fired cancels nothing.
  void cancel_timer(TimerId id) { core_.cancel_timer(self_, id); }
  time_ns now() const { return core_.wall_ns(self_); }
  time_ns monotonic() const { return core_.monotonic_ns(self_); }
  // Uniform in [0, bound), through the chooser.
  std::uint64_t random(std::uint64_t bound) { return core_.chooser().below(ChoiceKind::random, bound); }
  // Uniform among the nodes other than this one, through the chooser (one `r` choice).
  NodeId random_peer() {
    CORRIDOR_ASSERT(is_node(self_) && node_count() > 1);
    const auto other = static_cast<NodeId>(random(node_count() - 1));
    return other >= self_ ? other + 1 : other;
  }
  // Uniform in [lo, hi], through the chooser (one `r` choice: the offset above lo).
  std::int64_t random_between(std::int64_t lo, std::int64_t hi) {
    CORRIDOR_ASSERT(lo <= hi);
    return lo + static_cast<std::int64_t>(random(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  Durable& durable() { return core_.durable(self_); }
  // A client history event; `process` is the client's index.
  void record(OpType type, std::string_view f, std::string key = {}, HistoryValue value = {}) {
    core_.record_history(self_, type, f, std::move(key), std::move(value));
  }
  // An observation for monitors (e.g. note("deliver", id)). The name is taken by value: monitors
  // see it while the note is handed to them, and a trace keeps its own copy.
  void note(NoteName name, std::uint64_t a, std::uint64_t b = 0) { core_.note(self_, name.text, a, b); }
  // Call before starting an operation of the workload (a client request, a broadcast): false
  // when this actor's budget (SimConfig::operations_max) is spent, so the shrinker can remove
  // operations. Counts the operation otherwise. Logs no choice.
  bool start_operation() { return core_.start_operation(self_); }

 private:
  World& core_;
  NodeId self_;
};

// The world without the node states: time, clocks, network, pending events, vector clocks,
// history and observers. It depends only on the message, durable and timer types.
template <class Message, class Durable, class Timer>
class Core {
 public:
  struct Layout {
    std::uint32_t nodes = 0;    // actors that run Node, helpers included
    std::uint32_t clients = 0;  // actors that run Client, after the nodes
    std::uint32_t helpers = 0;  // the last `helpers` nodes are the protocol's helper actors
  };

  std::uint32_t layout_nodes() const { return layout_.nodes; }
  std::uint32_t layout_clients() const { return layout_.clients; }
  std::uint32_t layout_helpers() const { return layout_.helpers; }
  std::uint32_t actor_count() const { return actors_; }
  const SimConfig& config() const { return config_; }
  Chooser& chooser() { return chooser_; }
  const Chooser& chooser() const { return chooser_; }
  const FaultPlan& fault_plan() const { return plan_; }
  time_ns now_ns() const { return now_ns_; }
  std::uint64_t step_count() const { return step_; }
  time_ns wall_ns(NodeId a) const { return clocks_[a].wall(now_ns_); }
  time_ns monotonic_ns(NodeId a) const { return clocks_[a].monotonic(now_ns_); }
  const NodeClock& clock(NodeId a) const { return clocks_[a]; }
  ActorStatus status(NodeId a) const { return status_[a]; }
  bool is_running(NodeId a) const { return status_[a] == ActorStatus::up || status_[a] == ActorStatus::paused; }
  Durable& durable(NodeId a) { return durable_[a]; }
  const Durable& durable(NodeId a) const { return durable_[a]; }
  const History& history() const { return history_; }
  std::span<const std::uint32_t> vector_clock(NodeId a) const { return {&vcs_[std::size_t{a} * actors_], actors_}; }
  const std::optional<Violation>& violation() const { return violation_; }
  const std::vector<EventRecord>& records() const { return records_; }
  std::uint64_t messages_sent() const { return messages_sent_; }
  std::uint64_t messages_delivered() const { return messages_delivered_; }
  std::uint64_t messages_dropped() const { return messages_dropped_; }
  std::size_t pending_count() const { return heap_.size(); }
  const std::vector<std::uint32_t>& operations_started() const { return operations_started_; }
  bool start_operation(NodeId a) {
    const auto& budget = config_.operations_max;
    const std::uint32_t max = budget.empty() ? UINT32_MAX : budget[std::min<std::size_t>(a, budget.size() - 1)];
    if (operations_started_[a] >= max) return false;
    ++operations_started_[a];
    return true;
  }

  // Untimed mode (DESIGN.md, "Two ways to pick events"): set before start(). Events keep their
  // due times but no heap orders them; an explorer lists the enabled events and fires any one.
  void set_untimed(bool on) { untimed_ = on; }
  bool untimed() const { return untimed_; }
  // The events that may fire now: live, due at or before limit_ns, not waiting for a paused
  // actor, and on a FIFO link only the first message in flight (an untimed schedule may delay a
  // message without bound but may not let a later one on the same FIFO link overtake it); in
  // (due, seq) order, which is the order a timed run would fire them in.
  void enabled_events(time_ns limit_ns, std::vector<EnabledEvent>& out) const;
  // Every pending event (untimed explorers encode them): kind (0 start, 1 deliver, 2 timer,
  // 3 fault begins, 4 fault ends, 5 restart), target, source, detail, message, timer. The detail is
  // the fault's index (0 for a start, timer or restart), or for a delivery its place in its link's FIFO queue (0 on a link that is
  // not FIFO): on a FIFO link the order of the messages in flight is part of the state.
  template <class Fn>
  void for_each_pending(Fn&& fn) const {
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
      const Pending& p = slots_[slot];
      if (!p.in_use) continue;
      const bool fault = p.kind == PendingKind::fault_begin || p.kind == PendingKind::fault_end;
      CORRIDOR_ASSERT_MSG(fault || p.fault_index == 0, "only a fault's slot holds a fault index (alloc_slot clears it)");
      const std::uint64_t detail = p.kind == PendingKind::deliver ? fifo_rank(slot) : std::uint64_t{p.fault_index};
      fn(static_cast<std::uint8_t>(p.kind), p.target, p.source, detail, p.message, p.timer);
    }
  }
  // The timer pending in `slot` (an enabled event of kind 2).
  const Timer& pending_timer(std::uint32_t slot) const {
    CORRIDOR_ASSERT(slot < slots_.size() && slots_[slot].in_use && slots_[slot].kind == PendingKind::timer);
    return slots_[slot].timer;
  }
  bool link_fifo(NodeId from, NodeId to) const { return link_spec(from, to).fifo; }
  // A link at its capacity drops what is sent on it (and a copy a duplication would make).
  bool link_full(NodeId from, NodeId to) const {
    const std::uint32_t capacity = link_spec(from, to).capacity;
    return capacity > 0 && link_in_flight_[std::size_t{from} * actors_ + to] >= capacity;
  }
  std::size_t slot_count() const { return slots_.size(); }
  bool pending_is(std::uint32_t slot, std::uint64_t seq) const {
    return slot < slots_.size() && slots_[slot].in_use && slots_[slot].seq == seq;
  }
  bool blocked_any() const {
    return std::any_of(blocked_.begin(), blocked_.end(), [](std::uint16_t c) { return c > 0; });
  }
  std::span<const std::uint16_t> blocked_links() const { return blocked_; }
  // What this world holds on the heap (its vectors, messages, durable states, history; not the
  // node states, which Engine adds): an untimed search counts it against its memory budget.
  std::size_t heap_bytes() const;
  // Replaces the observers (a copied world points them at its own monitors).
  void replace_observers(std::vector<RunObserver*> observers) { observers_ = std::move(observers); }
  // The same, in place: a recycled world keeps its vector's capacity (no allocation once warm).
  void reassign_observers(std::span<RunObserver* const> observers) { observers_.assign(observers.begin(), observers.end()); }

  void send(NodeId from, NodeId to, Message message);
  TimerId set_timer(NodeId actor, const Timer& timer, time_ns delay_min_ns, time_ns delay_max_ns);
  void cancel_timer(NodeId actor, TimerId id);
  void record_history(NodeId actor, OpType type, std::string_view f, std::string key, HistoryValue value);
  void note(NodeId actor, const std::string& name, std::uint64_t a, std::uint64_t b);

  void add_observer(RunObserver* observer) { observers_.push_back(observer); }
  void set_violation(Violation v) {
    if (!violation_) violation_ = std::move(v);
  }

 protected:
  enum class PendingKind : std::uint8_t { start, deliver, timer, fault_begin, fault_end, recover };

  struct Pending {
    PendingKind kind = PendingKind::start;
    bool in_use = false;
    std::uint32_t generation = 0;  // bumped when the slot is freed: stale TimerIds miss
    std::uint64_t seq = 0;         // the heap entry that currently stands for this slot
    NodeId target = no_node;
    NodeId source = no_node;
    std::uint64_t message_id = 0;
    Timer timer{};
    time_ns mono_due_ns = 0;       // timers: due in the target's monotonic clock
    time_ns due_ns = 0;            // true time it is due (untimed explorers read it)
    std::uint32_t vc_slot = 0;     // deliveries: the sender's vector clock at the send
    std::uint64_t link_order = 0;  // deliveries: the send's number on its link (copies share it)
    std::uint32_t fault_index = 0;
    Message message{};
  };

  struct HeapEntry {
    time_ns due_ns;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  static bool later(const HeapEntry& a, const HeapEntry& b) {
    return a.due_ns != b.due_ns ? a.due_ns > b.due_ns : a.seq > b.seq;
  }

  Core() = default;
  Core(const Core&) = default;
  Core(Core&&) = default;
  Core& operator=(const Core&) = default;
  Core& operator=(Core&&) = default;
  // The run in flight may point at step_ for an assertion's message (model/assert.hpp): never
  // once this engine is gone.
  ~Core() {
    if (run_in_flight().step == &step_) run_in_flight().step = nullptr;
  }

  void reset_world(const SimConfig& config, Layout layout, FaultPlan plan, bool record);
  void schedule_start_events();

  std::uint32_t alloc_slot(PendingKind kind, NodeId target);
  void free_slot(std::uint32_t slot);
  void push(std::uint32_t slot, time_ns due_ns);
  // Pops the next live heap entry due at or before limit; nullopt when none.
  std::optional<HeapEntry> pop_due(time_ns limit_ns);
  bool hold_if_paused(std::uint32_t slot);

  void tick(NodeId a) { ++vcs_[std::size_t{a} * actors_ + a]; }
  void merge_vc(NodeId a, std::uint32_t vc_slot);
  std::uint32_t alloc_vc(NodeId from);
  void free_vc(std::uint32_t vc_slot);
  // Messages in flight per link, counted up when a delivery is scheduled and down when it leaves
  // (delivered, dropped, lost): the two sides assert each other.
  void in_flight_up(NodeId from, NodeId to);
  void in_flight_down(NodeId from, NodeId to);
  // At the end of a run: every pool balances (slots, vector clocks, in-flight counts, timers).
  void assert_pools_balanced() const;

  EventView view(EventKind kind, NodeId actor) const;
  // Hands the event to every observer and, when recording, appends its record.
  void emit(const EventView& v, std::string summary = {});
  void emit_drop(NodeId from, NodeId to, std::uint64_t message_id, DropReason reason);

  void apply_fault_begin(std::uint32_t fault_index);
  void apply_fault_end(std::uint32_t fault_index);
  void crash_actor(NodeId a, bool restart);
  void pause_actor(NodeId a);
  void resume_actor(NodeId a);
  void retime_timers(NodeId a);
  void set_links(const FaultEvent& f, int delta);
  // Untimed faults chosen by an explorer (bounded by its budgets, not drawn by the network).
  void lose_in_flight(std::uint32_t slot);
  void duplicate_in_flight(std::uint32_t slot);
  void crash_for_restart(NodeId a);
  bool blocked(NodeId from, NodeId to) const { return blocked_[std::size_t{from} * actors_ + to] > 0; }
  // How many messages in flight on a delivery's FIFO link go before it, in send order (copies of
  // one send in the order they were made); 0 when the link is not FIFO.
  std::uint32_t fifo_rank(std::uint32_t slot) const;
  time_ns draw_delay(const DelaySpec& d);
  const LinkSpec& link_spec(NodeId from, NodeId to) const {
    if (link_specs_.empty()) return config_.link;
    const std::uint16_t index = link_specs_[std::size_t{from} * actors_ + to];
    return index == 0 ? config_.link : config_.links[index - 1u].spec;
  }

  SimConfig config_;
  Layout layout_;
  std::uint32_t actors_ = 0;
  Chooser chooser_;
  FaultPlan plan_;
  bool record_ = false;
  bool untimed_ = false;

  time_ns now_ns_ = 0;
  std::uint64_t step_ = 0;
  // Heap order among events due at the same time: pushes count up from seq_base; events a
  // resumed node held back count down below it (front_seq_), so they go first.
  static constexpr std::uint64_t seq_base = std::uint64_t{1} << 62;
  std::uint64_t seq_ = seq_base;
  std::uint64_t front_seq_ = seq_base;
  std::uint64_t next_message_id_ = 1;

  std::vector<ActorStatus> status_;
  std::vector<NodeClock> clocks_;
  std::vector<Durable> durable_;
  std::vector<std::vector<std::uint32_t>> timers_;  // live timer slots per actor
  std::vector<std::vector<std::uint32_t>> held_;    // events waiting for a paused actor

  std::vector<Pending> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint32_t slots_live_ = 0;  // slots in use: slots_.size() - free_slots_.size()
  std::vector<HeapEntry> heap_;

  std::vector<std::uint16_t> link_specs_;  // actors x actors: 0 default, else 1 + override index
  std::vector<std::uint16_t> blocked_;     // actors x actors: partitions cutting a link
  std::vector<time_ns> link_last_due_ns_;  // FIFO links: the last due time per link
  std::vector<std::uint32_t> link_in_flight_;
  std::vector<std::uint64_t> link_sent_;   // sends per link: the next send's link_order
  std::uint32_t loss_bursts_active_ = 0;
  double burst_loss_ = 0.0;

  std::vector<std::uint32_t> vcs_;       // actors x actors
  std::vector<std::uint32_t> msg_vcs_;   // pool of vector clocks carried by messages
  std::vector<std::uint32_t> free_vcs_;
  std::vector<std::uint8_t> vc_live_;    // per pooled vector clock: 1 while a message carries it
  std::uint32_t vcs_live_ = 0;

  // Crash-restarts applied this step, awaiting on_recover, each with the record of its recover
  // event: one fault may restart several nodes before any of their handlers runs.
  struct Restart {
    NodeId actor = no_node;
    std::size_t record_index = 0;
  };
  std::vector<Restart> restarted_;
  // After emitting a's recover event.
  void restart_pending(NodeId a) { restarted_.push_back({a, records_.size() - (record_ ? 1 : 0)}); }
  std::vector<std::uint32_t> operations_started_;  // per actor, this run

  History history_;
  std::vector<RunObserver*> observers_;
  std::optional<Violation> violation_;
  std::vector<EventRecord> records_;
  // What the records hold on the heap beyond their own sizeof (summaries, node states, vector
  // clocks), summed as they are written: a recorded run counts against its memory budget too.
  std::size_t record_heap_bytes_ = 0;
  void count_record_heap(const EventRecord& r) {
    record_heap_bytes_ += corridor::heap_bytes(r.summary) + corridor::heap_bytes(r.state) + corridor::heap_bytes(r.vc);
  }

  std::uint64_t messages_sent_ = 0;
  std::uint64_t messages_delivered_ = 0;
  std::uint64_t messages_dropped_ = 0;
};

// A state invariant sees the whole world after every step.
template <class E>
struct StateInvariant {
  std::string name;
  std::function<std::optional<Violation>(const E&)> check;
};

// A history checker sees the client history at the end of the run.
struct HistoryChecker {
  std::string name;
  std::function<std::optional<Violation>(const History&)> check;
};

// The whole world for protocol P, and the one step at a time it is driven by.
template <class P>
class Engine : public Core<typename P::Message, durable_t<P>, timer_t<P>> {
  static_assert(check_protocol<P>());
  using Base = Core<typename P::Message, durable_t<P>, timer_t<P>>;

 public:
  using Protocol = P;
  using Message = typename P::Message;
  using Durable = durable_t<P>;
  using Timer = timer_t<P>;
  using Node = typename P::Node;
  using Client = client_t<P>;
  using Ctx = Context<P>;
  using Layout = typename Base::Layout;
  static constexpr bool has_clients = !std::is_same_v<Client, NoClient>;

  Engine() = default;
  // Copyable, so that an untimed search can branch a world. A copy points at the same observers
  // as the original: give it its own with replace_observers before it steps.
  Engine(const Engine&) = default;
  Engine& operator=(const Engine&) = default;

  // Starts a run: fresh world, node starts scheduled, fault plan scheduled.
  void start(const SimConfig& config, Layout layout, FaultPlan plan, bool record) {
    this->reset_world(config, layout, std::move(plan), record);
    nodes_.assign(layout.nodes, Node{});
    if constexpr (has_clients) clients_.assign(layout.clients, Client{});
    RunInfo info{layout.nodes, layout.clients, config.time_limit_ns, last_heal_ns(this->plan_)};
    for (RunObserver* o : this->observers_) o->on_run_start(info);
    this->schedule_start_events();
  }

  // Forgets the invariants, checkers and observers of the previous run (the engine is reused).
  void clear_checks() {
    state_invariants_.clear();
    history_checkers_.clear();
    this->observers_.clear();
  }

  void add_state_invariant(StateInvariant<Engine> inv) { state_invariants_.push_back(std::move(inv)); }

  // Applies the earliest pending event due at or before limit_ns. False when there is none.
  bool step(time_ns limit_ns) {
    for (int guard = 0; guard < 1'000'000; ++guard) {
      const auto entry = this->pop_due(limit_ns);
      if (!entry) return false;
      if (this->hold_if_paused(entry->slot)) continue;
      CORRIDOR_ASSERT_MSG(entry->due_ns >= this->now_ns_, "true time never goes back");
      this->now_ns_ = entry->due_ns;
      ++this->step_;
      apply(entry->slot);
      check_after_step();
      return true;
    }
    return false;
  }

  // Untimed: fires the enabled event in `slot` (from enabled_events); true time moves to its due
  // time, never back, which is the same as an extra delay on every other pending event.
  void fire(std::uint32_t slot) { fire_at(slot, 0); }
  // The same, at true time at_ns where that is later than its due time (and than now): a schedule
  // (ExplorerKind::schedule) that delayed the event fires it when it fired in the run it came from.
  void fire_at(std::uint32_t slot, time_ns at_ns) {
    CORRIDOR_ASSERT(this->untimed_);
    CORRIDOR_ASSERT(slot < this->slots_.size() && this->slots_[slot].in_use);
    this->now_ns_ = std::max({this->now_ns_, this->slots_[slot].due_ns, at_ns});
    ++this->step_;
    apply(slot);
    check_after_step();
  }
  // Untimed faults an explorer chooses: each is one step.
  void lose(std::uint32_t slot) {
    ++this->step_;
    this->lose_in_flight(slot);
    check_after_step();
  }
  void duplicate(std::uint32_t slot) {
    ++this->step_;
    this->duplicate_in_flight(slot);
    check_after_step();
  }
  void crash_restart(NodeId a) {
    ++this->step_;
    this->crash_for_restart(a);
    check_after_step();
  }
  const std::vector<StateInvariant<Engine>>& state_invariants() const { return state_invariants_; }
  const std::vector<HistoryChecker>& history_checkers() const { return history_checkers_; }

  // The end of a run at true time end_ns: monitors' end checks, then history checkers.
  void finish(time_ns end_ns) {
    this->assert_pools_balanced();
    if (end_ns > this->now_ns_) this->now_ns_ = end_ns;
    for (RunObserver* o : this->observers_) {
      o->on_run_end(this->now_ns_);
      if (const auto* v = o->violation(); v && *v && !ignored_when_untimed(**v)) this->set_violation(**v);
    }
    if (this->violation_) return;
    for (const HistoryChecker& checker : history_checkers_) {
      if (auto v = checker.check(this->history_)) {
        v->step = this->step_;
        v->true_ns = this->now_ns_;
        this->set_violation(std::move(*v));
        return;
      }
    }
  }
  void add_history_checker(HistoryChecker checker) { history_checkers_.push_back(std::move(checker)); }

  const Node& node(NodeId i) const { return nodes_[i]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const Client& client(std::uint32_t i) const requires has_clients { return clients_[i]; }

 private:
  void apply(std::uint32_t slot) {
    using PK = typename Base::PendingKind;
    auto& p = this->slots_[slot];
    switch (p.kind) {
      case PK::start: {
        const NodeId a = p.target;
        this->free_slot(slot);
        this->status_[a] = ActorStatus::up;
        this->tick(a);
        this->emit(this->view(EventKind::start, a));
        run_handler(a, [&](auto& actor, Ctx& ctx) { actor.on_start(ctx); });
        break;
      }
      case PK::deliver: deliver(slot); break;
      case PK::timer: {
        const NodeId a = p.target;
        const Timer timer = std::move(p.timer);
        auto& list = this->timers_[a];
        const auto it = std::find(list.begin(), list.end(), slot);
        CORRIDOR_ASSERT_MSG(it != list.end(), "a firing timer is in its actor's timer list");
        list.erase(it);
        this->free_slot(slot);
        this->tick(a);
        this->emit(this->view(EventKind::timer, a), this->record_ ? "timer " + timer_text(timer) : std::string());
        if constexpr (has_timers<P>) run_handler(a, [&](auto& actor, Ctx& ctx) { actor.on_timer(ctx, timer); });
        break;
      }
      case PK::fault_begin: {
        const std::uint32_t index = p.fault_index;
        this->free_slot(slot);
        this->apply_fault_begin(index);
        restart_recovered();
        break;
      }
      case PK::fault_end: {
        const std::uint32_t index = p.fault_index;
        this->free_slot(slot);
        this->apply_fault_end(index);
        restart_recovered();
        break;
      }
      case PK::recover: {  // untimed crash-restart: the node comes back
        const NodeId a = p.target;
        this->free_slot(slot);
        this->status_[a] = ActorStatus::up;
        this->tick(a);
        this->emit(this->view(EventKind::recover, a), this->record_ ? std::string("restart") : std::string());
        this->restart_pending(a);
        restart_recovered();
        break;
      }
    }
  }

  void deliver(std::uint32_t slot) {
    auto& p = this->slots_[slot];
    const NodeId from = p.source;
    const NodeId to = p.target;
    const std::uint64_t id = p.message_id;
    const std::uint32_t vc_slot = p.vc_slot;
    Message message = std::move(p.message);
    this->free_slot(slot);
    this->in_flight_down(from, to);
    if (this->status_[to] != ActorStatus::up) {
      this->free_vc(vc_slot);
      this->emit_drop(from, to, id, DropReason::down);
      return;
    }
    if (this->blocked(from, to)) {
      this->free_vc(vc_slot);
      this->emit_drop(from, to, id, DropReason::partition);
      return;
    }
    this->merge_vc(to, vc_slot);
    this->free_vc(vc_slot);
    ++this->messages_delivered_;
    EventView v = this->view(EventKind::deliver, to);
    v.source = from;
    v.target = to;
    v.message_id = id;
    this->emit(v, this->record_ ? to_text(message) : std::string());
    // The message is this step's to give away: a node that takes it by rvalue (a coroutine node
    // moves it into its inbox) needs no copy; handlers taking const Message& see no difference.
    run_handler(to, [&](auto& actor, Ctx& ctx) { actor.on_message(ctx, from, std::move(message)); });
  }

  // Runs a handler of actor a, catching what protocol code throws (exit code 3), and records
  // the actor's state afterwards, when a trace is being kept, on the record of the event that ran
  // the handler (by default the event just emitted).
  static constexpr std::size_t last_record = SIZE_MAX;
  template <class Fn>
  void run_handler(NodeId a, Fn&& fn, std::size_t record_index = last_record) {
    if (record_index == last_record) record_index = this->records_.size() - (this->record_ ? 1 : 0);
    CORRIDOR_ASSERT(!this->record_ || record_index < this->records_.size());
    Ctx ctx(*this, a);
    try {
      if (a < this->layout_.nodes) {
        fn(nodes_[a], ctx);
      } else if constexpr (has_clients) {
        fn(clients_[a - this->layout_.nodes], ctx);
      }
    } catch (const HungError& e) {
      this->set_violation({.invariant = "step-budget", .verdict = Verdict::hung, .step = this->step_,
                           .true_ns = this->now_ns_, .nodes = {a}, .message = e.what()});
    } catch (const std::bad_alloc&) {
      throw;  // the process is out of memory, not the protocol wrong: run_once's memory-budget verdict
    } catch (const std::exception& e) {
      this->set_violation({.invariant = "protocol-crash", .verdict = Verdict::crashed, .step = this->step_,
                           .true_ns = this->now_ns_, .nodes = {a}, .message = fmt::format("node {} threw: {}", a, e.what())});
    } catch (...) {
      this->set_violation({.invariant = "protocol-crash", .verdict = Verdict::crashed, .step = this->step_,
                           .true_ns = this->now_ns_, .nodes = {a},
                           .message = fmt::format("node {} threw a non-standard exception", a)});
    }
    if (this->record_ && record_index < this->records_.size()) {
      this->records_[record_index].state = a < this->layout_.nodes ? to_text(nodes_[a]) : client_state_text(a);
      this->record_heap_bytes_ += corridor::heap_bytes(this->records_[record_index].state);
    }
  }

  std::string client_state_text(NodeId a) const {
    if constexpr (has_clients) return to_text(clients_[a - this->layout_.nodes]);
    else return {};
  }

  // Crash-restart: a node whose restart fault just ran gets fresh volatile state and on_recover.
  void restart_recovered() {
    for (const auto& [a, record_index] : this->restarted_) {
      CORRIDOR_ASSERT(a < this->actors_ && this->status_[a] == ActorStatus::up);
      CORRIDOR_ASSERT(!this->record_ || this->records_[record_index].kind == EventKind::recover);
      if (a < this->layout_.nodes) nodes_[a] = Node{};
      else if constexpr (has_clients) clients_[a - this->layout_.nodes] = Client{};
      run_handler(a, [&](auto& actor, Ctx& ctx) {
        if constexpr (requires { actor.on_recover(ctx); }) actor.on_recover(ctx);
        else actor.on_start(ctx);
      }, record_index);
    }
    this->restarted_.clear();
  }

  // An untimed schedule is not fair (an event may wait forever while others fire), so a liveness
  // bound in true time says nothing there: untimed runs report safety violations only.
  bool ignored_when_untimed(const Violation& v) const { return this->untimed_ && v.verdict == Verdict::liveness; }

  std::size_t world_bytes() const {
    std::size_t bytes = this->heap_bytes() + corridor::heap_bytes(nodes_);
    if constexpr (has_clients) bytes += corridor::heap_bytes(clients_);
    return bytes;
  }

  void check_memory_budget() {
    const std::size_t bytes = world_bytes();
    if (bytes <= this->config_.run_bytes_max) return;
    CORRIDOR_ASSERT(!this->violation_);
    this->set_violation({.invariant = "memory-budget", .verdict = Verdict::hung, .step = this->step_,
                         .true_ns = this->now_ns_,
                         .message = fmt::format("the run held {} at step {} ({} events pending), more than its budget "
                                                "of {}: a protocol that sends or keeps without bound (or raise "
                                                "--run-memory)",
                                                format_bytes(bytes), this->step_, this->pending_count(),
                                                format_bytes(this->config_.run_bytes_max))});
    CORRIDOR_ASSERT(this->violation_);
  }

  void check_after_step() {
    if (this->violation_) return;
    if (this->step_ % run_memory_check_steps == 0) {
      check_memory_budget();
      if (this->violation_) return;
    }
    for (RunObserver* o : this->observers_) {
      if (const auto* v = o->violation(); v && *v && !ignored_when_untimed(**v)) {
        this->set_violation(**v);
        return;
      }
    }
    for (const auto& inv : state_invariants_) {
      if (auto v = inv.check(*this)) {
        v->step = this->step_;
        v->true_ns = this->now_ns_;
        if (v->invariant.empty()) v->invariant = inv.name;
        this->set_violation(std::move(*v));
        return;
      }
    }
  }

  std::vector<Node> nodes_;
  std::vector<Client> clients_;
  std::vector<StateInvariant<Engine>> state_invariants_;
  std::vector<HistoryChecker> history_checkers_;
};

}  // namespace corridor

#include "model/engine_impl.hpp"

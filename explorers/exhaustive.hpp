#pragma once
// Exhaustive stateful search over any StateMachine (model/state_machine.hpp): breadth-first (on
// every core; its counterexamples are shortest) or depth-first (one thread), with symmetry
// reduction through the model's canonicalize and partial-order reduction by sleep sets.
//
// Bytes per state, since memory is what bounds a model checker:
// - the fingerprint table: 8 bytes a slot at most half full (the xxh3-64 fingerprint of the
//   canonical encoding), grown by doubling while the workers are parked; 8 more bytes a slot
//   with --por (the state's sleep set), in ordered levels (the best claim, see "The same search
//   at any -j") and in a depth-bounded DFS (the shallowest depth, see depth_aware);
// - by state index (handed out in discovery order, in blocks per thread, so written
//   sequentially): its fingerprint (8 bytes) and its parent's index (4 bytes). Paths are rebuilt
//   by following parents back and replaying the model forward, matching fingerprints; no state or
//   path is stored;
// - the queue (BFS: the current and the next level; DFS: the stack) of {state, index, depth}, and
//   what each queued state holds on the heap (m.state_bytes, for models whose states are more
//   than their sizeof: the simulated world's are whole engines). BFS lets go of a state as soon as
//   it is expanded, not at the end of its level;
// Every one of these is counted against the memory budget before it is allocated; when the next
// allocation would pass the budget the search stops cleanly with what it has (verdict unknown).
// An estimate can be short (malloc's fragmentation, a model's state_bytes that misses something),
// so between batches the search also reads its resident set and stops when what it added to the
// process's resident set passes the budget: the budget bounds the peak resident set (above what
// the process held when the search began: the program, its libraries, the model), not only what
// the search can account for.
//
// Time: a thread sleeps until the time limit and then stops the search, which every worker
// notices at the next state it expands, so one slow batch cannot carry the search past it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <concepts>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "explorers/exhaustive_options.hpp"
#include "explorers/exhaustive_progress.hpp"
#include "explorers/fingerprint_table.hpp"
#include "explorers/memory_budget.hpp"
#include "explorers/zeroed_array.hpp"
#include "model/assert.hpp"
#include "model/state_machine.hpp"

namespace corridor {

template <class P>
class WorldModel;  // model/world_model.hpp

template <StateMachine M>
struct Exploration {
  ExhaustiveSummary summary;
  std::vector<typename M::Action> path;  // with a violation: the actions from an initial state
};

namespace exhaustive_detail {

inline constexpr std::uint32_t no_parent = UINT32_MAX;
inline constexpr std::uint32_t batch_entries = 256;   // queue entries a worker claims at once
inline constexpr std::uint32_t index_block = 1024;   // state indexes a worker claims at once
inline constexpr std::size_t table_capacity_min = std::size_t{1} << 16;
inline constexpr std::uint32_t sleep_bits = 64;      // actions past the 64th are never asleep
inline constexpr std::uint32_t recent_bits = 12;     // a worker's cache of stored fingerprints: 32 KiB

// Partial-order reduction by sleep sets, and why it is sound here.
//
// Independence. In our semantics an action is one handler run by one node (m.actor(a)): it reads
// and writes that node's state and only adds to the set (or multiset) of messages in flight;
// another node's action reads its own state and consumes only messages addressed to itself. So
// two actions of different nodes enabled in the same state touch disjoint parts of the state:
// taking one leaves the other enabled (no action consumes what the other needs) and both orders
// reach the same state (the writes are to different variables; adding to a set or multiset
// commutes). That is the independence relation I(a, b) the sleep-set theory needs. A model whose
// actions of different nodes interfere (a shared variable, a global budget both consume) says so
// through m.independent(a, b). In two-phase commit, TMRcvPrepared(rm) and RMPrepare(rm) are of
// different nodes and touch the same message, but they are never enabled together (the message
// exists only once the RM has left "working"); every other cross-node pair writes disjoint
// variables or adds to the message set (msgs' = msgs \cup {m} commutes), and no guard of one node
// reads what the other node's action writes, except receiving a message, which sending only
// enables.
//
// Sleep sets (Godefroid, "Partial-Order Methods for the Verification of Concurrent Systems",
// LNCS 1032, 1996, ch. 5). A state s is expanded with a sleep set Z(s) of actions known to lead
// only where another explored path leads; the successor through the i-th enabled action a_i gets
// Z' = {b in Z(s) or b = a_j with j < i : I(a_i, b)}: b commutes with a_i, so the states after
// a_i.b are reached by b.a_i, which s already explores (b explored before a_i) or which a state
// before s explores (b asleep at s). The classic theorem: a search with sleep sets alone (no
// persistent sets) visits every reachable state; it only skips transitions. Every invariant here
// is a state invariant, so every reachable violation is found; unique state counts stay the same
// (tests check that), generated states drop.
//
// The stateful subtlety. The theorem is about a tree search, where each path has its own sleep
// set. A stateful search visits s once; if s is first reached with sleep set Z1 and later through
// another path with Z2, then actions in Z1 but not in Z2 were never taken from s, although the
// second path needs them: a naive search loses states. We keep one sleep set per state, the
// intersection of the sleep sets of every arrival (stored as its complement, "awake" bits, with an
// atomic OR, so concurrent arrivals race safely), and when an arrival wakes an action that was
// asleep the state goes back on the queue and is expanded again with the smaller sleep set. Then,
// by induction over the tree search's paths, for every path p of the tree search with sleep set
// Z_p the stateful search visits state(p) and its final sleep set is a subset of Z_p (the sleep
// set it hands a successor is computed from a subset of the tree's, in the same action order,
// because actions(s) is deterministic), so it explores every transition the tree search explores
// and visits every state it visits: all reachable states. Sleep sets only shrink, so the
// re-expansions end. Parent links keep the first arrival, a real transition, so counterexamples
// replay; with POR a BFS counterexample is a real path but not necessarily the shortest.
//
// Sleep bits index the actions of a state in the order m.actions lists them (the model promises a
// deterministic order); actions past the 64th are never put to sleep, which only explores more.
// POR with symmetry is refused: a sleep set names actions of the state before canonicalisation.

// The same search at any -j (ordered levels).
//
// A fingerprint need not determine everything about a state (fingerprint_is_partial below): the simulated world's leaves out
// true time (model/world_model.hpp), so two worlds with one fingerprint can go on differently (a
// node that reads its clock later reads another value). The search keeps one of them, and which
// one decides what it finds below it. One thread keeps the first to arrive, which is the one
// through the smallest (position of the parent in its level, position of the action among the
// parent's actions): its "rank". Threads that insert at once keep whichever wins the race, so the
// counts, verdicts and counterexamples of a parallel search would depend on timing. With more
// than one thread a BFS therefore claims, not inserts: each arrival of a fingerprint in this level
// raises the slot's payload to claim_of(its rank) if that is higher (lower rank), and the arrival
// is kept as a candidate while it holds the best claim. When every thread has finished the level,
// the candidates whose claim is still the slot's are the level's new states; they are recorded
// (index, parent, invariants, witnesses) in rank order on one thread, and that order is the next
// level's, which is the order one thread would have queued them in. So a BFS keeps the same
// states, finds the same first violation and the same witnesses, at any -j. A recorded state's
// payload becomes `settled`, above every claim, so a later arrival never displaces it. POR keeps
// its sleep sets in the payload, and a BFS with POR is not ordered.
inline constexpr std::uint64_t settled = ~std::uint64_t{0};
inline constexpr std::uint32_t rank_action_bits = 20;  // actions of one state: at most 2^20
inline constexpr std::uint64_t rank_position_max = std::uint64_t{1} << (64 - rank_action_bits);

// Which models' fingerprints leave part of a state out: the simulated world's (true time), typed
// or behind AnyStateMachine (only worlds are erased into one: model/simulation.hpp), and any
// model that says so with `static constexpr bool fingerprint_is_partial = true`. Others are
// searched as they were: ordered levels cost a payload per slot, a candidate per arrival and a
// pass on one thread per level (two-phase commit at 9 RMs on 2 threads: 1.8x the memory and 2x
// the CPU), and buy nothing where a fingerprint determines the state.
template <class M>
inline constexpr bool fingerprint_is_partial = requires { requires M::fingerprint_is_partial; };
template <class P>
inline constexpr bool fingerprint_is_partial<WorldModel<P>> = true;
template <>
inline constexpr bool fingerprint_is_partial<AnyStateMachine> = true;

// A depth-bounded DFS reaches a state first along a long path, perhaps, and cuts what lies below
// it at the bound; a shorter path to it found later must then expand it again, or the states
// within the bound below it are never visited. So such a search keeps, in the slot's payload, the
// shallowest depth each state was reached at, and queues a state again (as POR does, through an
// alias index whose parent is the shorter path's) whenever it is reached shallower. Depths only
// fall, so each state is expanded at most depth_max times. BFS reaches every state at its
// shallowest first and needs none of it. With POR the payload holds the sleep set, and a
// depth-bounded DFS with POR is not depth-aware: it may miss states within its bound (its verdict
// at a cut bound is unknown either way, never held).
inline bool depth_aware(const ExhaustiveOptions& options) {
  return options.order == SearchOrder::dfs && options.depth_max != UINT32_MAX && !options.por;
}

template <class M>
bool ordered_levels(const ExhaustiveOptions& options) {
  return fingerprint_is_partial<M> && options.order == SearchOrder::bfs && options.jobs > 1 && !options.por;
}

inline std::uint64_t rank_of(std::uint64_t position, std::uint32_t action) {
  CORRIDOR_ASSERT(position < rank_position_max && action < (std::uint32_t{1} << rank_action_bits));
  return (position << rank_action_bits) | action;
}

// Higher is better; 0 (an empty payload: inserted, not claimed yet) and `settled` are neither.
inline std::uint64_t claim_of(std::uint64_t rank) {
  CORRIDOR_ASSERT(rank < settled - 1);
  return settled - 1 - rank;
}

template <StateMachine M>
class Search {
 public:
  using State = typename M::State;
  using Action = typename M::Action;

  Search(const M& m, const ExhaustiveOptions& options)
      : m_(m),
        options_(options),
        ordered_(ordered_levels<M>(options)),
        shallowest_(depth_aware(options)),
        table_(table_capacity_min, options.por || ordered_ || shallowest_),
        fingerprints_(index_capacity(options)),
        parents_(index_capacity(options)),
        workers_(options.jobs),
        baseline_bytes_(resident_bytes()) {
    CORRIDOR_ASSERT_MSG(!validate_exhaustive_options(options), "explore_exhaustive's options are checked first");
    index_limit_ = static_cast<std::uint32_t>(parents_.size());
    CORRIDOR_ASSERT(index_limit_ > 0 && fingerprints_.size() == parents_.size());
    witness_infos_ = declared_witnesses(m_);
    CORRIDOR_ASSERT_MSG(witness_infos_.size() <= witnesses_max, "a model declares at most 64 witnesses");
    witness_all_ = witness_infos_.size() == witnesses_max ? ~std::uint64_t{0}
                                                           : (std::uint64_t{1} << witness_infos_.size()) - 1;
  }

  Exploration<M> run() {
    const auto start = std::chrono::steady_clock::now();
    deadline_ = options_.time_limit_s > 0
                    ? start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(options_.time_limit_s))
                    : std::chrono::steady_clock::time_point::max();
    {
      ProgressLine progress(options_.progress_out, options_.progress_terminal, [this] { return snapshot(); });
      Alarm alarm(deadline_, [this] { stop("time limit"); });
      std::vector<Entry> roots = initial_entries();
      if (!stop_.load()) {
        if (options_.order == SearchOrder::bfs) {
          run_bfs(std::move(roots));
        } else {
          run_dfs(std::move(roots));
        }
      }
    }
    Exploration<M> result;
    ExhaustiveSummary& summary = result.summary;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    summary.unique_states = unique_.load();
    summary.generated_states = generated_.load();
    summary.depth = depth_reached_.load();
    summary.jobs = options_.order == SearchOrder::bfs ? options_.jobs : 1;
    summary.peak_accounted_bytes = peak_bytes_.load();
    summary.peak_resident_added_bytes = peak_resident_bytes_.load();
    summary.collision_probability = fingerprint_collision_probability(summary.unique_states);
    if (violation_) {
      summary.verdict = ExhaustiveVerdict::violation;
      result.path = rebuild_path(violation_index_);
      summary.violation = violation_;
      for (const Action& a : result.path) summary.counterexample.push_back(m_.describe(a));
    } else if (!stop_reason_.empty() || cut_.load()) {
      summary.verdict = ExhaustiveVerdict::unknown;
      summary.stop_reason = stop_reason_.empty() ? "depth bound" : stop_reason_;
    } else {
      summary.verdict = ExhaustiveVerdict::held;
    }
    summary.witnesses = witness_reports();
    return result;
  }

 private:
  struct Entry {
    State state;
    std::uint32_t index;
    std::uint32_t depth;
  };

  // Calls `ring` once at `at` unless destroyed first (no thread when `at` is never).
  class Alarm {
   public:
    template <class Fn>
    Alarm(std::chrono::steady_clock::time_point at, Fn ring) {
      if (at == std::chrono::steady_clock::time_point::max()) return;
      thread_ = std::thread([this, at, ring] {
        std::unique_lock lock(mutex_);
        if (!wake_.wait_until(lock, at, [this] { return cancelled_; })) ring();
      });
    }
    ~Alarm() {
      if (!thread_.joinable()) return;
      {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
      }
      wake_.notify_all();
      thread_.join();
    }
    Alarm(const Alarm&) = delete;
    Alarm& operator=(const Alarm&) = delete;

   private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool cancelled_ = false;
    std::thread thread_;
  };

  struct Successor {
    State state;
    std::uint64_t fingerprint;
    std::uint32_t action;  // its position in the parent's actions
  };

  // Ordered levels: a successor that held, when it was generated, the best claim on its
  // fingerprint's slot. It enters the next level if its claim is still the best when the level
  // ends (claim_of in the slot's payload).
  struct Candidate {
    State state;
    std::uint64_t fingerprint;
    std::uint64_t rank;  // (parent's position in its level, action's position in the parent's actions)
    std::uint32_t parent;
  };

  // One queued state being expanded: its successors are generated (and their table slots
  // prefetched) one step before they are looked up, so that cache misses overlap with work.
  struct Expansion {
    std::uint32_t index = 0;  // the expanded state's
    std::uint32_t depth = 0;
    std::uint64_t position = 0;  // ordered levels: the expanded state's place in its level
    std::uint64_t awake = ~std::uint64_t{0};  // with POR: the actions not asleep
    std::vector<Action> actions;
    std::vector<Successor> successors;
    bool pending = false;
  };

  // One thread's scratch space and counters, flushed into the shared ones once a batch. A worker
  // lives as long as the search, so its block of state indexes carries over from level to level.
  struct Worker {
    Expansion expansions[2];
    std::uint32_t current = 0;
    std::vector<Action> child_actions;
    std::vector<Candidate> candidates;  // ordered levels: this worker's claims on the next level
    StateEncoder encoder;
    std::uint32_t index_next = 0;
    std::uint32_t index_end = 0;
    std::uint64_t unique = 0;
    std::uint64_t generated = 0;
    std::int64_t queued = 0;
    std::uint32_t depth = 0;
    std::uint64_t actions_max = 0;
    // Fingerprints this worker found or put in the table lately, direct-mapped by their high bits.
    // Most successors are states reached before, often just before (a.b and b.a from siblings
    // expanded one after the other), and a hit here spares a probe of the table, which is a cache
    // miss once the table outgrows the caches. A fingerprint is here only if it is in the table, so
    // a hit is a duplicate for certain. Not with POR, whose duplicates still wake sleep sets.
    std::vector<std::uint64_t> recent = std::vector<std::uint64_t>(std::size_t{1} << recent_bits, 0);

    bool recently_stored(std::uint64_t fp) const {
      return recent[FingerprintTable::normalize(fp) >> (64 - recent_bits)] == FingerprintTable::normalize(fp);
    }
    void remember_stored(std::uint64_t fp) {
      recent[FingerprintTable::normalize(fp) >> (64 - recent_bits)] = FingerprintTable::normalize(fp);
    }
  };

  // Every state costs at least 28 accounted bytes (16 in the half-full table, 12 in its
  // fingerprint and parent link), so the budget bounds the indexes the search can hand out; the
  // arrays are virtual, touched as used.
  static std::size_t index_capacity(const ExhaustiveOptions& options) {
    const std::uint64_t by_memory = options.memory_bytes_max / 28;
    const std::uint64_t limit = std::min<std::uint64_t>(options.states_max, by_memory);
    return std::min<std::uint64_t>(limit + std::uint64_t{options.jobs + 1} * index_block, 0xFFFFFFFEu);
  }

  std::uint64_t accounted_bytes() const {
    const std::uint64_t per_state = sizeof(std::uint64_t) + sizeof(std::uint32_t);
    const std::uint64_t indexes = index_next_.load(std::memory_order_relaxed);
    const std::int64_t queues =
        queue_bytes_.load(std::memory_order_relaxed) + frontier_bytes_.load(std::memory_order_relaxed);
    return table_.bytes() + indexes * per_state + static_cast<std::uint64_t>(std::max<std::int64_t>(0, queues));
  }

  // The resident set the search added to what the process held when it began.
  std::uint64_t resident_added_bytes() const {
    const std::uint64_t resident = resident_bytes();
    return resident > baseline_bytes_ ? resident - baseline_bytes_ : 0;
  }

  // What a queued state holds beyond its slot in the queue (whose bytes the queue counts).
  std::int64_t held_bytes(const State& s) const {
    if constexpr (HasStateBytes<M>) {
      return static_cast<std::int64_t>(m_.state_bytes(s)) - static_cast<std::int64_t>(sizeof(State));
    } else {
      (void)s;
      return 0;
    }
  }

  // Counts what a state about to be queued holds, straight into the shared count (a model whose
  // states hold more than their sizeof does far more work per state than one atomic add); false,
  // and the search stops, when it does not fit the budget.
  bool admit(const State& s) {
    if constexpr (HasStateBytes<M>) {
      const std::int64_t held = held_bytes(s);
      const std::uint64_t total = accounted_bytes() + static_cast<std::uint64_t>(std::max<std::int64_t>(0, held));
      if (total > options_.memory_bytes_max) {
        stop("memory budget");
        return false;
      }
      frontier_bytes_.fetch_add(held, std::memory_order_relaxed);
      note_bytes(total);
    } else {
      (void)s;
    }
    return true;
  }

  // Lets go of what an expanded state holds (BFS keeps the entry's slot in its level, not the
  // state). A state type without a default value is let go of with its level (release_level).
  // `reset`: BFS, whose entry stays in its level; DFS pops the entry, which goes with its state.
  void release_state(Entry& e, bool reset) {
    if constexpr (HasStateBytes<M> && std::is_default_constructible_v<State>) {
      frontier_bytes_.fetch_sub(held_bytes(e.state), std::memory_order_relaxed);
      if (reset) e.state = State{};
    } else if constexpr (HasStateBytes<M>) {
      if (!reset) frontier_bytes_.fetch_sub(held_bytes(e.state), std::memory_order_relaxed);
    } else {
      (void)e;
      (void)reset;
    }
  }

  void release_level(std::vector<Entry>& segment) {
    if constexpr (HasStateBytes<M> && !std::is_default_constructible_v<State>) {
      for (const Entry& e : segment) frontier_bytes_.fetch_sub(held_bytes(e.state), std::memory_order_relaxed);
    }
    segment.clear();
  }

  // States released after expansion, and the time that took: the rate at which the states still
  // queued will be let go of when the search stops.
  void note_release(std::size_t states, std::chrono::steady_clock::duration took) {
    released_states_.fetch_add(states, std::memory_order_relaxed);
    release_ns_.fetch_add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()),
                          std::memory_order_relaxed);
  }

  std::chrono::nanoseconds release_estimate() const {
    const std::uint64_t released = released_states_.load(std::memory_order_relaxed);
    if (released < batch_entries) return std::chrono::nanoseconds{0};  // no rate measured yet
    const double ns_per_state = static_cast<double>(release_ns_.load(std::memory_order_relaxed)) / static_cast<double>(released);
    const double queued = static_cast<double>(std::max<std::int64_t>(0, queued_.load(std::memory_order_relaxed)));
    return std::chrono::nanoseconds{static_cast<std::int64_t>(ns_per_state * queued)};
  }

  void note_bytes(std::uint64_t bytes) {
    std::uint64_t peak = peak_bytes_.load(std::memory_order_relaxed);
    while (bytes > peak && !peak_bytes_.compare_exchange_weak(peak, bytes)) {
    }
  }

  void stop(const char* reason) {
    note_bytes(accounted_bytes());
    std::lock_guard lock(stop_mutex_);
    if (stop_reason_.empty() && !violation_) stop_reason_ = reason;
    stop_.store(true);
  }

  ProgressSnapshot snapshot() const {
    return {unique_.load(std::memory_order_relaxed), generated_.load(std::memory_order_relaxed),
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, queued_.load(std::memory_order_relaxed))),
            depth_reached_.load(std::memory_order_relaxed)};
  }

  [[gnu::always_inline]] std::uint64_t fingerprint_of(Worker& w, const State& s) const {
    return fingerprint(m_, s, w.encoder);
  }

  // The next free state index, claiming a block of them when the worker's block is used up.
  bool peek_index(Worker& w, std::uint32_t& index) {
    if (w.index_next == w.index_end) {
      const std::uint64_t base = index_next_.fetch_add(index_block, std::memory_order_relaxed);
      if (base + index_block > index_limit_) {
        stop(options_.states_max < index_limit_ ? "state budget" : "memory budget");
        return false;
      }
      w.index_next = static_cast<std::uint32_t>(base);
      w.index_end = static_cast<std::uint32_t>(base + index_block);
    }
    index = w.index_next;
    return true;
  }

  // Room for one more entry in `queue`, counted against the memory budget before it is allocated.
  template <class Item>
  bool make_room(std::vector<Item>& queue) {
    if (queue.size() < queue.capacity()) return true;
    const std::size_t capacity = std::max<std::size_t>(1024, 2 * queue.capacity());
    const std::uint64_t delta = (capacity - queue.capacity()) * sizeof(Item);
    const std::uint64_t total = accounted_bytes() + delta;
    if (total > options_.memory_bytes_max) {
      stop("memory budget");
      return false;
    }
    queue_bytes_.fetch_add(static_cast<std::int64_t>(delta), std::memory_order_relaxed);
    note_bytes(total);
    queue.reserve(capacity);
    return true;
  }

  template <class Item>
  void release_queue(std::vector<Item>& queue) {
    queue_bytes_.fetch_sub(static_cast<std::int64_t>(queue.capacity() * sizeof(Item)), std::memory_order_relaxed);
    std::vector<Item>().swap(queue);
  }

  void record_violation(std::uint32_t index, Violation violation) {
    std::lock_guard lock(stop_mutex_);
    if (!violation_) {
      violation_ = std::move(violation);
      violation_index_ = index;
    }
    stop_.store(true);
  }

  // A state seen for the first time: count it, record it, check it, queue it.
  void on_new_state(Worker& w, const State& s, std::uint64_t fp, std::uint32_t index, std::uint32_t parent,
                    std::uint32_t depth, std::vector<Entry>& queue) {
    w.unique++;
    record_state(w, s, fp, index, parent, depth, queue);
  }

  // Ordered levels count a state when its fingerprint is inserted and record it when its level
  // ends (record_level).
  void record_state(Worker& w, const State& s, std::uint64_t fp, std::uint32_t index, std::uint32_t parent,
                    std::uint32_t depth, std::vector<Entry>& queue) {
    CORRIDOR_ASSERT(index == w.index_next && index < w.index_end && index < index_limit_);
    CORRIDOR_ASSERT(parent == no_parent || parent < index_limit_);
    w.index_next++;
    fingerprints_[index] = fp;
    parents_[index] = parent;
    w.depth = std::max(w.depth, depth);
    if (witness_reached_.load(std::memory_order_relaxed) != witness_all_) note_witnesses(s, index, depth);
    if (std::optional<Violation> v = m_.check(s)) {
      v->step = depth;
      record_violation(index, std::move(*v));
      return;
    }
    if (!make_room(queue) || !admit(s)) return;
    queue.push_back(Entry{s, index, depth});
    w.queued++;
  }

  // A new state: each witness it reaches that no state reached before is recorded with it. Once
  // every witness is reached no state is asked again. BFS finds states level by level, so the
  // first state recorded for a witness is a shallowest one (which one, among threads, may vary
  // unless the levels are ordered).
  void note_witnesses(const State& s, std::uint32_t index, std::uint32_t depth) {
    const std::uint64_t holding = reached_witnesses(m_, s) & witness_all_;
    if ((holding & ~witness_reached_.load(std::memory_order_relaxed)) == 0) return;
    std::lock_guard lock(witness_mutex_);
    const std::uint64_t fresh = holding & ~witness_reached_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < witness_infos_.size(); ++i) {
      if (((fresh >> i) & 1) == 0) continue;
      witness_index_[i] = index;
      witness_depth_[i] = depth;
    }
    witness_reached_.fetch_or(fresh, std::memory_order_relaxed);
  }

  // Every declared witness, reached or not, with the path to the state that first reached it.
  std::vector<WitnessReport> witness_reports() {
    std::vector<WitnessReport> reports;
    const std::uint64_t reached = witness_reached_.load();
    for (std::size_t i = 0; i < witness_infos_.size(); ++i) {
      WitnessReport r{witness_infos_[i].name, witness_infos_[i].description, ((reached >> i) & 1) != 0, 0, {}};
      if (r.reached) {
        r.depth = witness_depth_[i];
        for (const Action& a : rebuild_path(witness_index_[i])) r.path.push_back(m_.describe(a));
        CORRIDOR_ASSERT_MSG(r.path.size() == r.depth, "a witness's path is as long as its depth");
      }
      reports.push_back(std::move(r));
    }
    return reports;
  }

  std::vector<Entry> initial_entries() {
    Worker& w = workers_[0];
    std::vector<State> states;
    m_.initial_states(states);
    std::vector<Entry> roots;
    for (State& s : states) {
      if (options_.symmetry) canonicalize(s);
      w.generated++;
      std::uint32_t index = 0;
      if (!peek_index(w, index)) break;
      const std::uint64_t fp = fingerprint_of(w, s);
      const auto insertion = table_.insert(fp);
      if (!insertion.inserted) continue;
      if (options_.por) std::atomic_ref<std::uint64_t>(table_.payload(insertion.slot)).fetch_or(~std::uint64_t{0});
      if (ordered_) table_.payload(insertion.slot) = settled;
      if (shallowest_) table_.payload(insertion.slot) = 0;
      on_new_state(w, s, fp, index, no_parent, 0, roots);
      if (stop_.load()) break;
    }
    flush(w);
    return roots;
  }

  void canonicalize(State& s) const {
    if constexpr (HasCanonicalize<M>) m_.canonicalize(s);
  }

  // The sleep set of the successor through x.actions[i], as bits over the successor's own actions.
  std::uint64_t successor_sleep(Worker& w, const Expansion& x, std::uint32_t i, const State& child) const {
    w.child_actions.clear();
    m_.actions(child, w.child_actions);
    const std::size_t parent_count = std::min<std::size_t>(x.actions.size(), sleep_bits);
    const std::size_t child_count = std::min<std::size_t>(w.child_actions.size(), sleep_bits);
    std::uint64_t sleep = 0;
    for (std::size_t j = 0; j < parent_count; ++j) {
      const bool asleep = ((x.awake >> j) & 1) == 0;
      if (j == i || !(j < i || asleep)) continue;
      if (!independent(m_, x.actions[i], x.actions[j])) continue;
      for (std::size_t k = 0; k < child_count; ++k) {
        if (w.child_actions[k] == x.actions[j]) {
          sleep |= std::uint64_t{1} << k;
          break;
        }
      }
    }
    return sleep;
  }

  // First half of expanding a state: every successor not asleep is generated, fingerprinted and
  // its table slot prefetched.
  void generate(Worker& w, Expansion& x, const Entry& e) {
    x.index = e.index;
    x.depth = e.depth;
    x.pending = true;
    x.actions.clear();
    x.successors.clear();
    m_.actions(e.state, x.actions);
    w.actions_max = std::max<std::uint64_t>(w.actions_max, x.actions.size());
    if (e.depth >= options_.depth_max) {
      if (!x.actions.empty()) cut_.store(true, std::memory_order_relaxed);
      x.pending = false;
      return;
    }
    x.awake = ~std::uint64_t{0};
    if (options_.por) {
      const std::size_t slot = table_.find(fingerprints_[e.index]);
      CORRIDOR_ASSERT_MSG(slot < table_.capacity(), "a queued state's fingerprint is in the table");
      x.awake = std::atomic_ref<std::uint64_t>(table_.payload(slot)).load(std::memory_order_acquire);
    }
    // A step that leaves the state as it was needs no lookup; states that compare cheaply are
    // compared, others by fingerprint.
    constexpr bool comparable = std::equality_comparable<State>;
    const std::uint64_t parent_fingerprint = comparable ? 0 : fingerprints_[e.index];
    for (std::uint32_t i = 0; i < x.actions.size(); ++i) {
      if (i < sleep_bits && ((x.awake >> i) & 1) == 0) continue;
      State child = m_.next(e.state, x.actions[i]);
      if (options_.symmetry) canonicalize(child);
      w.generated++;
      if constexpr (comparable) {
        if (child == e.state) continue;
      }
      const std::uint64_t fp = fingerprint_of(w, child);
      if (!comparable && fp == parent_fingerprint) continue;
      if (!options_.por && !shallowest_ && w.recently_stored(fp)) continue;
      table_.prefetch(fp);
      x.successors.push_back(Successor{std::move(child), fp, i});
    }
  }

  // Second half: look the successors up; the new ones are recorded and queued. With POR, an
  // arrival that wakes an action asleep at a known state queues that state again (see above).
  void insert_successors(Worker& w, Expansion& x, std::vector<Entry>& queue) {
    if (!x.pending) return;
    x.pending = false;
    if (ordered_) {
      claim_successors(w, x);
      return;
    }
    for (const Successor& next : x.successors) {
      if (stop_.load(std::memory_order_relaxed)) return;
      std::uint32_t index = 0;
      if (!peek_index(w, index)) return;
      if (shallowest_) {
        insert_shallowest(w, next, x, index, queue);
        continue;
      }
      if (!options_.por) {
        const bool inserted = table_.insert(next.fingerprint).inserted;
        w.remember_stored(next.fingerprint);
        if (inserted) on_new_state(w, next.state, next.fingerprint, index, x.index, x.depth + 1, queue);
        continue;
      }
      const std::uint64_t woken = ~successor_sleep(w, x, next.action, next.state);
      const auto insertion = table_.insert(next.fingerprint);
      const std::uint64_t before =
          std::atomic_ref<std::uint64_t>(table_.payload(insertion.slot)).fetch_or(woken, std::memory_order_acq_rel);
      if (insertion.inserted) {
        on_new_state(w, next.state, next.fingerprint, index, x.index, x.depth + 1, queue);
      } else if ((woken & ~before) != 0 && make_room(queue) && admit(next.state)) {
        queue.push_back(Entry{next.state, alias_index(w, next.fingerprint, x.index), x.depth + 1});
        w.queued++;
      }
    }
  }

  // Ordered levels: each successor raises its slot's claim if it ranks before every arrival so
  // far, and is then kept as a candidate for the next level (see "The same search at any -j").
  void claim_successors(Worker& w, Expansion& x) {
    for (Successor& next : x.successors) {
      if (stop_.load(std::memory_order_relaxed)) return;
      const auto insertion = table_.insert(next.fingerprint);
      w.remember_stored(next.fingerprint);
      if (insertion.inserted) w.unique++;
      const std::uint64_t rank = rank_of(x.position, next.action);
      std::atomic_ref<std::uint64_t> payload(table_.payload(insertion.slot));
      std::uint64_t held = payload.load(std::memory_order_relaxed);
      bool claimed = false;
      for (std::uint32_t attempts = 0; attempts <= options_.jobs * 64 && held < claim_of(rank); ++attempts) {
        claimed = payload.compare_exchange_weak(held, claim_of(rank), std::memory_order_relaxed);
        if (claimed) break;
      }
      CORRIDOR_ASSERT_MSG(claimed || held >= claim_of(rank), "a claim on a slot is settled within its attempts");
      if (!claimed || !make_room(w.candidates) || !admit(next.state)) continue;
      w.candidates.push_back(Candidate{std::move(next.state), next.fingerprint, rank, x.index});
      w.queued++;
    }
  }

  // Ordered levels, once every worker has finished a level: the candidates that still hold their
  // slot's claim are the new states; they are recorded in rank order (on one thread) into `queue`,
  // the next level, and their slots settled. The others let go of their states.
  void record_level(std::uint32_t depth, std::vector<Entry>& queue) {
    CORRIDOR_ASSERT(ordered_ && queue.empty());
    std::vector<Candidate*> winners;
    for (Worker& w : workers_) {
      for (Candidate& c : w.candidates) {
        const std::size_t slot = table_.find(c.fingerprint);
        CORRIDOR_ASSERT_MSG(slot < table_.capacity(), "a candidate's fingerprint is in the table");
        if (table_.payload(slot) == claim_of(c.rank)) {
          table_.payload(slot) = settled;
          winners.push_back(&c);
        }
      }
    }
    std::sort(winners.begin(), winners.end(), [](const Candidate* a, const Candidate* b) { return a->rank < b->rank; });
    // Every candidate leaves the queue count and the frontier's bytes here; the recorded ones
    // enter them again as they enter `queue` (record_state).
    Worker& w = workers_[0];
    for (const Worker& worker : workers_) {
      for (const Candidate& c : worker.candidates) frontier_bytes_.fetch_sub(held_bytes(c.state), std::memory_order_relaxed);
      w.queued -= static_cast<std::int64_t>(worker.candidates.size());
    }
    for (std::size_t i = 0; i < winners.size() && !stop_.load(); ++i) {
      CORRIDOR_ASSERT_MSG(i == 0 || winners[i - 1]->rank < winners[i]->rank, "ranks are unique");
      std::uint32_t index = 0;
      if (!peek_index(w, index)) break;
      const Candidate& c = *winners[i];
      record_state(w, c.state, c.fingerprint, index, c.parent, depth, queue);
    }
    for (Worker& worker : workers_) worker.candidates.clear();
    flush(w);
  }

  // A depth-bounded DFS (one thread): a new state is recorded with its depth; a known one reached
  // shallower than ever before is queued again to be expanded from there (see depth_aware).
  void insert_shallowest(Worker& w, const Successor& next, const Expansion& x, std::uint32_t index,
                         std::vector<Entry>& queue) {
    CORRIDOR_ASSERT(shallowest_ && options_.order == SearchOrder::dfs);
    const std::uint32_t depth = x.depth + 1;
    const auto insertion = table_.insert(next.fingerprint);
    std::uint64_t& shallowest = table_.payload(insertion.slot);
    if (insertion.inserted) {
      shallowest = depth;
      on_new_state(w, next.state, next.fingerprint, index, x.index, depth, queue);
      return;
    }
    CORRIDOR_ASSERT_MSG(shallowest <= options_.depth_max, "a stored depth is within the bound");
    if (depth >= shallowest || depth >= options_.depth_max) return;  // at the bound it is not expanded anyway
    shallowest = depth;
    if (!make_room(queue) || !admit(next.state)) return;
    queue.push_back(Entry{next.state, alias_index(w, next.fingerprint, x.index), depth});
    w.queued++;
  }

  // A state queued again for re-expansion gets a fresh index, an alias: its fingerprint (generate
  // finds the sleep set through it) and, as parent, the state this arrival came from, a real
  // transition, so a path through the alias replays like any other. Rare (a sleep set shrank).
  std::uint32_t alias_index(Worker& w, std::uint64_t fp, std::uint32_t parent) {
    std::uint32_t index = 0;
    if (!peek_index(w, index)) return parent;  // the search is stopping; the entry is never expanded
    CORRIDOR_ASSERT(index < index_limit_ && parent < index_limit_);
    w.index_next++;
    fingerprints_[index] = fp;
    parents_[index] = parent;
    return index;
  }

  void expand_now(Worker& w, const Entry& e, std::vector<Entry>& queue) {
    Expansion& x = w.expansions[0];
    generate(w, x, e);
    insert_successors(w, x, queue);
  }

  void flush(Worker& w) {
    unique_.fetch_add(w.unique, std::memory_order_relaxed);
    generated_.fetch_add(w.generated, std::memory_order_relaxed);
    queued_.fetch_add(w.queued, std::memory_order_relaxed);
    std::uint32_t depth = depth_reached_.load(std::memory_order_relaxed);
    while (w.depth > depth && !depth_reached_.compare_exchange_weak(depth, w.depth)) {
    }
    std::uint64_t actions = actions_max_.load(std::memory_order_relaxed);
    while (w.actions_max > actions && !actions_max_.compare_exchange_weak(actions, w.actions_max)) {
    }
    w.unique = w.generated = 0;
    w.queued = 0;
  }

  // Between batches: the time limit, the state budget, and room in the table for the next batch
  // of every worker (grown with every worker parked, after checking the memory budget).
  bool between_batches() {
    if (stop_.load(std::memory_order_relaxed)) return false;
    const auto now = std::chrono::steady_clock::now();
    // Letting go of the states still queued takes time too (a world each: measured 0.7 s for
    // 200,000 Multi-Paxos states), and the time limit covers it: the search stops that much early.
    if (now >= deadline_ || deadline_ - now <= release_estimate()) {
      stop("time limit");
      return false;
    }
    if (!resident_within_budget(now)) {
      stop("memory budget");
      return false;
    }
    if (unique_.load(std::memory_order_relaxed) >= options_.states_max) {
      stop("state budget");
      return false;
    }
    const std::uint64_t headroom =
        std::uint64_t{options_.jobs} * (batch_entries + 1) * std::max<std::uint64_t>(actions_max_.load(), 16) +
        std::uint64_t{options_.jobs} * index_block;
    // The table's capacity is read under the shared lock: another worker may be growing it
    // (ThreadSanitizer found the unlocked read racing with grow()).
    const bool grow = [&] {
      std::shared_lock lock(table_mutex_);
      return table_.needs_growth(unique_.load(), headroom);
    }();
    if (grow) {
      std::unique_lock lock(table_mutex_);
      const std::uint64_t stored = unique_.load();
      if (table_.needs_growth(stored, headroom)) {
        std::size_t capacity = table_.capacity();
        while (2 * (stored + headroom) > capacity) capacity *= 2;
        const std::uint64_t in_use = std::max(accounted_bytes(), resident_added_bytes());
        const std::uint64_t total = in_use + FingerprintTable::bytes_for(capacity, options_.por);
        if (total > options_.memory_bytes_max) {
          stop("memory budget");
          return false;
        }
        note_bytes(total);
        table_.grow(capacity);
      }
    }
    const std::uint64_t accounted = accounted_bytes();
    note_bytes(accounted);
    if (accounted > options_.memory_bytes_max) {
      stop("memory budget");
      return false;
    }
    return true;
  }

  // The resident set against the budget, read at most once every resident_check_ns (a read costs
  // microseconds, a batch of a small model not many more).
  bool resident_within_budget(std::chrono::steady_clock::time_point now) {
    constexpr std::int64_t resident_check_ns = 5'000'000;
    const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    std::int64_t due_ns = next_resident_check_ns_.load(std::memory_order_relaxed);
    if (now_ns < due_ns) return true;
    if (!next_resident_check_ns_.compare_exchange_strong(due_ns, now_ns + resident_check_ns)) return true;
    const std::uint64_t resident = resident_added_bytes();
    std::uint64_t peak = peak_resident_bytes_.load(std::memory_order_relaxed);
    while (resident > peak && !peak_resident_bytes_.compare_exchange_weak(peak, resident)) {
    }
    return resident <= options_.memory_bytes_max;
  }

  // Level by level; each level's queue is one segment per worker of the level before, claimed in
  // batches through a cursor per segment (ordered levels: one segment, in rank order).
  void run_bfs(std::vector<Entry> roots) {
    // Two sets of per-worker queues, swapped after each level: a queue keeps its capacity (and its
    // pages, already zeroed by the kernel once) for the level after next.
    std::vector<std::vector<Entry>> level(options_.jobs);
    std::vector<std::vector<Entry>> next(options_.jobs);
    level[0] = std::move(roots);
    for (std::uint32_t depth = 0; !stop_.load(); ++depth) {
      std::size_t size = 0;
      for (const auto& segment : level) size += segment.size();
      if (size == 0) break;
      CORRIDOR_ASSERT_MSG(!ordered_ || size == level[0].size(), "an ordered level is one segment, in rank order");
      auto cursors = std::make_unique<std::atomic<std::size_t>[]>(level.size());
      for (std::size_t s = 0; s < level.size(); ++s) cursors[s].store(0);
      auto work = [&](std::uint32_t t) { bfs_worker(workers_[t], level, cursors.get(), next[t]); };
      if (options_.jobs == 1) {
        work(0);
      } else {
        std::vector<std::thread> threads;
        for (std::uint32_t t = 0; t < options_.jobs; ++t) threads.emplace_back(work, t);
        for (std::thread& thread : threads) thread.join();
      }
      for (auto& segment : level) release_level(segment);
      if (ordered_) record_level(depth + 1, next[0]);
      std::swap(level, next);
    }
    for (auto& segment : level) release_queue(segment);
    for (auto& segment : next) release_queue(segment);
    for (Worker& w : workers_) release_queue(w.candidates);
  }

  void bfs_worker(Worker& w, std::vector<std::vector<Entry>>& level, std::atomic<std::size_t>* cursors,
                  std::vector<Entry>& next) {
    for (std::size_t s = 0; s < level.size(); ++s) {
      std::vector<Entry>& segment = level[s];
      for (std::uint64_t batches = 0; batches <= segment.size(); ++batches) {
        if (!between_batches()) break;
        const std::size_t begin = cursors[s].fetch_add(batch_entries, std::memory_order_relaxed);
        if (begin >= segment.size()) break;
        const std::size_t end = std::min<std::size_t>(begin + batch_entries, segment.size());
        {
          std::shared_lock lock(table_mutex_);
          // Generate entry i while entry i-1's prefetched slots arrive, then look those up.
          for (std::size_t i = begin; i < end && !stop_.load(std::memory_order_relaxed); ++i) {
            w.expansions[w.current].position = i;
            generate(w, w.expansions[w.current], segment[i]);
            w.current ^= 1;
            insert_successors(w, w.expansions[w.current], next);
          }
          w.current ^= 1;
          insert_successors(w, w.expansions[w.current], next);
          w.expansions[0].pending = w.expansions[1].pending = false;
        }
        const auto releasing = std::chrono::steady_clock::now();
        for (std::size_t i = begin; i < end; ++i) release_state(segment[i], true);
        note_release(end - begin, std::chrono::steady_clock::now() - releasing);
        w.queued -= static_cast<std::int64_t>(end - begin);
        flush(w);
      }
    }
    flush(w);
  }

  // Last in, first out: a state's successors are all generated when it is expanded (so a sleep
  // set is computed exactly as in BFS), then the newest is expanded first.
  void run_dfs(std::vector<Entry> stack) {
    Worker& w = workers_[0];
    for (std::uint64_t steps = 0; !stack.empty(); ++steps) {
      if (steps % batch_entries == 0) {
        flush(w);
        if (!between_batches()) break;
      }
      Entry e = stack.back();
      stack.pop_back();
      w.queued--;
      expand_now(w, e, stack);
      release_state(e, false);
      if (stop_.load(std::memory_order_relaxed)) break;
    }
    flush(w);
    release_queue(stack);
  }

  // The actions from an initial state to state `index`: follow the parent links back, then replay
  // the model forward, at each step taking the action whose successor has the next state's
  // fingerprint.
  std::vector<Action> rebuild_path(std::uint32_t index) {
    std::vector<std::uint64_t> chain;
    for (std::uint32_t at = index; at != no_parent; at = parents_[at]) {
      CORRIDOR_ASSERT_MSG(chain.size() <= index_next_.load(), "parent links end at an initial state");
      chain.push_back(fingerprints_[at]);
    }
    std::reverse(chain.begin(), chain.end());
    Worker w;
    std::vector<State> states;
    m_.initial_states(states);
    std::optional<State> current;
    for (const State& s : states) {
      State canonical = s;
      if (options_.symmetry) canonicalize(canonical);
      if (fingerprint_of(w, canonical) == chain.front()) {
        current = s;
        break;
      }
    }
    CORRIDOR_ASSERT_MSG(current.has_value(), "a path starts at an initial state of the model");
    std::vector<Action> path;
    std::vector<Action> actions;
    for (std::size_t k = 1; k < chain.size() && current; ++k) {
      actions.clear();
      m_.actions(*current, actions);
      bool found = false;
      for (const Action& a : actions) {
        State child = m_.next(*current, a);
        State canonical = child;
        if (options_.symmetry) canonicalize(canonical);
        if (fingerprint_of(w, canonical) == chain[k]) {
          path.push_back(a);
          current = std::move(child);
          found = true;
          break;
        }
      }
      CORRIDOR_ASSERT_MSG(found, "a parent link that no action of the model reproduces");
    }
    return path;
  }

  const M& m_;
  ExhaustiveOptions options_;
  const bool ordered_;  // ordered_levels(options_): see "The same search at any -j" above
  const bool shallowest_;  // depth_aware(options_): a depth-bounded DFS keeps each state's shallowest depth
  FingerprintTable table_;
  ZeroedArray<std::uint64_t> fingerprints_;  // by state index
  ZeroedArray<std::uint32_t> parents_;       // by state index; no_parent for initial states
  std::vector<Worker> workers_;
  std::uint32_t index_limit_ = 0;
  std::uint64_t baseline_bytes_ = 0;  // the resident set when the search began
  std::chrono::steady_clock::time_point deadline_;

  std::shared_mutex table_mutex_;  // shared while inserting, exclusive while growing
  std::atomic<std::uint64_t> index_next_{0};
  std::atomic<std::uint64_t> unique_{0};
  std::atomic<std::uint64_t> generated_{0};
  std::atomic<std::int64_t> queued_{0};
  std::atomic<std::uint64_t> released_states_{0};  // note_release
  std::atomic<std::uint64_t> release_ns_{0};
  std::atomic<std::int64_t> queue_bytes_{0};
  std::atomic<std::int64_t> frontier_bytes_{0};  // what queued states hold (held_bytes)
  std::atomic<std::int64_t> next_resident_check_ns_{0};
  std::atomic<std::uint64_t> peak_resident_bytes_{0};  // resident_added_bytes, where read
  std::atomic<std::uint64_t> peak_bytes_{0};
  std::atomic<std::uint32_t> depth_reached_{0};
  std::atomic<std::uint64_t> actions_max_{0};
  std::atomic<bool> cut_{false};
  std::atomic<bool> stop_{false};

  // Reachability witnesses: which were reached (bit i: witness i), and the state index and depth
  // of the first state that reached each (written under witness_mutex_, read after the search).
  std::vector<WitnessInfo> witness_infos_;
  std::uint64_t witness_all_ = 0;
  std::atomic<std::uint64_t> witness_reached_{0};
  std::mutex witness_mutex_;
  std::uint32_t witness_index_[witnesses_max] = {};
  std::uint32_t witness_depth_[witnesses_max] = {};

  std::mutex stop_mutex_;
  std::string stop_reason_;
  std::optional<Violation> violation_;
  std::uint32_t violation_index_ = 0;
};

}  // namespace exhaustive_detail

// Runs the search. The caller checks options first (validate_exhaustive_options): options it
// refuses are a defect of the caller (CORRIDOR_ASSERT, exit 3).
template <StateMachine M>
Exploration<M> explore_exhaustive(const M& model, const ExhaustiveOptions& options) {
  exhaustive_detail::Search<M> search(model, options);
  return search.run();
}

}  // namespace corridor

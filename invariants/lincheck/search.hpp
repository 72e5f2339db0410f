#pragma once
// The Wing-Gong-Lowe search over one partition (one object), with the memo cache of Lowe and the
// pruning of indeterminate operations:
//
// - entries: a doubly linked list of call and return entries in real-time order. The search
//   linearizes a call (lifts it and its return out of the list) when the model accepts it and the
//   configuration (set of linearized operations, state) is new; on reaching a return entry whose
//   operation is not linearized it backtracks.
// - pruned mode: an indeterminate operation has no return entry and need never be linearized; the
//   search succeeds once every definite operation is; identical pending indeterminate operations
//   are linearized in call order only; and a configuration is dropped when the same state with one
//   indeterminate operation fewer is cached (it can do no more than that one).
// - plain mode: an indeterminate operation's return entry sits at the end, and it is linearized
//   either with its effect or with none. Slower; kept as the reference the pruned mode is tested
//   against.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "invariants/lincheck/budget.hpp"
#include "invariants/lincheck/config_cache.hpp"
#include "invariants/lincheck/operation.hpp"
#include "invariants/lincheck/state_store.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

enum class SearchMode : std::uint8_t { pruned, plain };

struct SearchOutcome {
  SearchVerdict verdict = SearchVerdict::linearizable;
  std::vector<std::uint32_t> longest_prefix;  // local operation indices, in linearization order
  std::size_t configurations = 0;
  std::size_t memory_bytes = 0;
};

template <class Model>
class WglSearch {
 public:
  // `ops` are in call order; their position is their local index.
  WglSearch(std::span<const Operation> ops, StateStore<Model>& store, SearchMode mode, Budget& budget)
      : ops_(ops), store_(store), prune_(mode == SearchMode::pruned), budget_(budget),
        words_((ops.size() + 63) / 64 + (ops.empty() ? 1 : 0)), cache_(words_, ops.size()) {
    store_.prepare(ops);
    build_entries();
    build_hashes();
    if (prune_ && !indeterminate_.empty()) build_identical_chains();
  }

  // Searches to the end (or until a budget runs out).
  SearchOutcome run() {
    SearchVerdict verdict = SearchVerdict::running;
    while (verdict == SearchVerdict::running) verdict = resume(std::uint64_t{1} << 40);
    return finish(verdict);
  }

  // Runs at most `iterations` steps: `running` if not finished yet, otherwise the verdict. The
  // checker interleaves the partitions of a history this way, so that an easy violation in one
  // partition is found before a hard partition is searched to its end.
  SearchVerdict resume(std::uint64_t iterations) {
    CORRIDOR_ASSERT(iterations > 0);
    if (!started_) {
      started_ = true;
      if (start()) return SearchVerdict::linearizable;
    }
    for (std::uint64_t iteration = 1; iteration <= iterations; ++iteration) {
      if (iteration % poll_every == 0) {
        const SearchVerdict verdict = poll();
        if (verdict != SearchVerdict::running) return verdict;
      }
      const SearchVerdict verdict = advance();
      if (verdict != SearchVerdict::running) return verdict;
    }
    return SearchVerdict::running;
  }

  SearchOutcome finish(SearchVerdict verdict) {
    SearchOutcome outcome;
    outcome.verdict = verdict;
    if (best_stale_) record();
    outcome.longest_prefix = std::move(best_);
    outcome.configurations = cache_.size();
    outcome.memory_bytes = bytes();
    budget_.memory_bytes_used -= published_bytes_;
    published_bytes_ = 0;
    return outcome;
  }

 private:
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  static constexpr std::uint32_t hopeless = none - 1;
  static constexpr std::ptrdiff_t lookahead_max = 256;
  static constexpr std::size_t backtracking_configurations_min = 64;  // not yet invoked operations checked per configuration
  static constexpr std::uint32_t poll_every = 1u << 12;
  struct Frame {
    std::uint32_t entry;
    bool skipped;  // plain mode: the indeterminate operation was linearized without effect
    bool forced;   // the only step tried from the configuration below (see forced_entry)
    StateKey state;
  };

  std::size_t bytes() const { return cache_.bytes() + store_.bytes(); }

  // True if the empty history is already done.
  bool start() {
    state_ = store_.initial();
    set_.assign(words_, 0);
    definite_left_ = definite_count_;
    stack_.reserve(ops_.size());
    cache_.insert(mix64(state_), state_, set_.data());  // the empty configuration: dominance needs it
    e_ = entries_[head_].next;
    return done();
  }

  // One step of the search: try the entry e_, or backtrack.
  SearchVerdict advance() {
    if (fresh_ && prune_) {
      fresh_ = false;
      const std::uint32_t forced = forced_entry(stack_.empty() || stack_.back().state != state_);
      if (forced == hopeless) {
        e_ = tail_;  // a pending operation fits in no reachable state: backtrack
      } else if (forced != none) {
        if (push(forced, false, state_, true)) return arrived();
        e_ = tail_;  // the configuration after the forced step is known to fail: so does this one
      }
    }
    if (!entries_[e_].call) {  // a return entry (or tail_): backtrack
      if (stack_.empty()) return SearchVerdict::not_linearizable;
      const Frame frame = pop();
      const std::uint32_t op = entries_[frame.entry].op;
      skip_ = !prune_ && ops_[op].indeterminate() && !frame.skipped;
      e_ = frame.forced ? tail_ : skip_ ? frame.entry : entries_[frame.entry].next;
      return SearchVerdict::running;
    }
    const std::uint32_t op = entries_[e_].op;
    if (prune_ && !chain_prev_.empty() && chain_prev_[op] != none && !test(set_, chain_prev_[op])) {
      e_ = entries_[e_].next;
      return SearchVerdict::running;
    }
    StateKey after = state_;
    if ((skip_ || store_.step(state_, ops_[op], op, after)) && push(e_, skip_, after, false)) return arrived();
    if (!prune_ && ops_[op].indeterminate() && !skip_) {
      skip_ = true;  // now try it without effect
      return SearchVerdict::running;
    }
    skip_ = false;
    e_ = entries_[e_].next;
    return SearchVerdict::running;
  }

  SearchVerdict arrived() {
    if (done()) return SearchVerdict::linearizable;
    e_ = entries_[head_].next;
    skip_ = false;
    fresh_ = true;
    return SearchVerdict::running;
  }

  // Linearizes the operation of call entry `e`, reaching state `after`, unless that configuration
  // is cached or dominated; false then, and nothing changes.
  bool push(std::uint32_t e, bool skipped, StateKey after, bool forced) {
    const std::uint32_t op = entries_[e].op;
    flip(set_, op);
    const std::uint64_t h = set_hash_ ^ zobrist(op);
    const std::uint64_t config = h ^ mix64(after);
    if (!cache_.insert(config, after, set_.data()) || (prune_ && dominated(config, after))) {
      flip(set_, op);
      return false;
    }
    stack_.push_back(Frame{e, skipped, forced, state_});
    state_ = after;
    set_hash_ = h;
    lift(e);
    if (!ops_[op].indeterminate()) definite_left_--;
    if (stack_.size() > best_depth_) {
      best_depth_ = stack_.size();
      best_stale_ = true;  // copied when the search leaves this depth (see pop) or finishes
    }
    return true;
  }

  Frame pop() {
    if (best_stale_) record();
    const Frame frame = stack_.back();
    stack_.pop_back();
    const std::uint32_t op = entries_[frame.entry].op;
    flip(set_, op);
    set_hash_ ^= zobrist(op);
    unlift(frame.entry);
    state_ = frame.state;
    if (!ops_[op].indeterminate()) definite_left_++;
    return frame;
  }

  // A definite operation that may go next, fits, and leaves every state where it fits as it is
  // (a read, a failed cas; Model::preserves_state): if any linearization from here exists, one
  // starts with it (moving it to the front changes no other step, as it changed no state where it
  // was, and breaks no real-time order), so it is the only step to try.
  // Returns `hopeless` instead when a definite operation, pending or among the next few invoked,
  // fits in no state reachable from here (the model says so, see may_fit_later): then nothing
  // from here can succeed.
  std::uint32_t forced_entry(bool state_changed) {
    std::uint32_t first_return = entries_[head_].next;
    while (entries_[first_return].call) first_return = entries_[first_return].next;
    CORRIDOR_ASSERT(first_return != tail_);
    const std::uint32_t frontier = ops_[entries_[first_return].op].return_event;
    for (std::uint32_t e = entries_[head_].next; entries_[e].call; e = entries_[e].next) {
      const std::uint32_t op = entries_[e].op;
      if (ops_[op].indeterminate()) continue;
      StateKey after = state_;
      if (store_.step(state_, ops_[op], op, after)) {
        if (preserves_[op] && after == state_) return e;
      } else if (!store_.may_fit_later(state_, ops_[op], op, frontier)) {
        return hopeless;
      }
    }
    // Operations not invoked yet must fit some day too: look ahead at those the model can rule out.
    // Skipping a check is always sound, only less sharp: so only after a step that changed the
    // state, and only once the search has had to backtrack (an easy history never pays for it).
    if (!state_changed || cache_.size() < backtracking_configurations_min + 2 * ops_.size()) return none;
    const auto first_later = std::upper_bound(watched_.begin(), watched_.end(), frontier,
                                              [&](std::uint32_t event, std::uint32_t i) { return event < ops_[i].call_event; });
    const auto last = first_later + std::min<std::ptrdiff_t>(lookahead_max, watched_.end() - first_later);
    for (auto it = first_later; it != last; ++it) {
      if (!store_.may_fit_later(state_, ops_[*it], *it, frontier)) return hopeless;
    }
    return none;
  }

  bool done() const { return prune_ ? definite_left_ == 0 : entries_[head_].next == tail_; }

  // A configuration with an indeterminate operation j linearized can do nothing that the same
  // state without j cannot: if that one is cached, this one is redundant. Of identical operations
  // only the last linearized one of a chain is tried (the others give a configuration the chain
  // order never produces).
  bool dominated(std::uint64_t config, StateKey state) const {
    for (const std::uint32_t j : indeterminate_) {
      if (!test(set_, j)) continue;
      if (!chain_next_.empty() && chain_next_[j] != none && test(set_, chain_next_[j])) continue;
      if (cache_.contains_without(config ^ zobrist(j), state, set_.data(), j)) return true;
    }
    return false;
  }

  SearchVerdict poll() {
    if (budget_.violation_found()) return SearchVerdict::cancelled;
    if (std::chrono::steady_clock::now() > budget_.deadline) return SearchVerdict::out_of_time;
    const std::size_t now_bytes = bytes();
    budget_.memory_bytes_used += now_bytes - published_bytes_;
    published_bytes_ = now_bytes;
    if (budget_.memory_bytes_used.load() > budget_.memory_bytes_max) return SearchVerdict::out_of_memory;
    return SearchVerdict::running;
  }

  void record() {
    best_stale_ = false;
    best_.clear();
    for (const Frame& frame : stack_) {
      if (!frame.skipped) best_.push_back(entries_[frame.entry].op);  // an op without effect is no step
    }
  }

  // The random word of operation i in the hash of a set (Zobrist hashing).
  static std::uint64_t zobrist(std::uint32_t i) { return mix64(0x5851f42d4c957f2dULL * (i + std::uint64_t{1})); }

  static bool test(const std::vector<std::uint64_t>& set, std::uint32_t i) { return (set[i / 64] >> (i % 64)) & 1; }
  static void flip(std::vector<std::uint64_t>& set, std::uint32_t i) { set[i / 64] ^= std::uint64_t{1} << (i % 64); }

  void unlink(std::uint32_t x) {
    entries_[entries_[x].prev].next = entries_[x].next;
    entries_[entries_[x].next].prev = entries_[x].prev;
  }
  void relink(std::uint32_t x) {
    entries_[entries_[x].prev].next = x;
    entries_[entries_[x].next].prev = x;
  }
  void lift(std::uint32_t call_entry) {
    unlink(call_entry);
    if (entries_[call_entry].match != none) unlink(entries_[call_entry].match);
  }
  void unlift(std::uint32_t call_entry) {
    if (entries_[call_entry].match != none) relink(entries_[call_entry].match);
    relink(call_entry);
  }

  void build_entries() {
    // (time, entry code): code = 2 * op + (1 for a return). Indeterminate returns sort last.
    const auto n = static_cast<std::uint32_t>(ops_.size());
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
    order.reserve(2 * n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const Operation& op = ops_[i];
      CORRIDOR_ASSERT(i == 0 || ops_[i - 1].call_event < op.call_event);
      order.emplace_back(op.call_event, 2 * i);
      if (!op.indeterminate()) {
        CORRIDOR_ASSERT(op.return_event > op.call_event);
        order.emplace_back(op.return_event, 2 * i + 1);
        definite_count_++;
      } else if (!prune_) {
        order.emplace_back(std::uint64_t{no_event} + 1 + i, 2 * i + 1);
      }
    }
    // Nearly sorted already (a return lands a few places after its call): insertion sort.
    for (std::size_t i = 1; i < order.size(); ++i) {
      const auto item = order[i];
      std::size_t j = i;
      for (; j > 0 && item < order[j - 1]; --j) order[j] = order[j - 1];
      order[j] = item;
    }
    const auto m = static_cast<std::uint32_t>(order.size());
    head_ = 0;
    tail_ = m + 1;
    entries_.assign(m + 2, Entry{});
    std::vector<std::uint32_t> call_entry_of(n, none);
    for (std::uint32_t pos = 1; pos <= m; ++pos) {
      const std::uint32_t code = order[pos - 1].second;
      Entry& entry = entries_[pos];
      entry.op = code / 2;
      entry.call = code % 2 == 0;
      if (entry.call) call_entry_of[code / 2] = pos;
      else entries_[call_entry_of[code / 2]].match = pos;
    }
    for (std::uint32_t pos = 0; pos <= m; ++pos) entries_[pos].next = pos + 1;
    for (std::uint32_t pos = 1; pos <= m + 1; ++pos) entries_[pos].prev = pos - 1;
  }

  void build_hashes() {
    for (std::uint32_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].indeterminate()) indeterminate_.push_back(i);
    }
    for (std::uint32_t i = 0; i < ops_.size(); ++i) {
      if (!ops_[i].indeterminate() && store_.watches(ops_[i])) watched_.push_back(i);
    }
    preserves_.resize(ops_.size());
    for (std::uint32_t i = 0; i < ops_.size(); ++i) preserves_[i] = Model::preserves_state(ops_[i]) ? 1 : 0;
  }

  void build_identical_chains() {
    chain_prev_.assign(ops_.size(), none);
    chain_next_.assign(ops_.size(), none);
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_input;
    for (const std::uint32_t i : indeterminate_) {
      const Operation& op = ops_[i];
      const std::uint64_t h = mix64(op.function ^ mix64(op.key ^ mix64(op.input1 ^ mix64(op.input2))));
      auto& seen = by_input[h];
      for (auto it = seen.rbegin(); it != seen.rend(); ++it) {
        if (ops_[*it].same_input(op) && chain_next_[*it] == none) {
          chain_prev_[i] = *it;
          chain_next_[*it] = i;
          break;
        }
      }
      seen.push_back(i);
    }
  }

  std::span<const Operation> ops_;
  StateStore<Model>& store_;
  bool prune_;
  Budget& budget_;
  std::size_t words_;
  ConfigCache cache_;
  std::size_t published_bytes_ = 0;

  std::uint32_t head_ = 0;
  std::uint32_t tail_ = 0;
  std::uint32_t definite_count_ = 0;
  // The list of call and return entries; 0 is the head, tail_ the end.
  struct Entry {
    std::uint32_t op = ~std::uint32_t{0};
    std::uint32_t match = ~std::uint32_t{0};  // a call's return entry, if it has one
    std::uint32_t next = 0;
    std::uint32_t prev = 0;
    bool call = false;
  };
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> indeterminate_;
  std::vector<std::uint8_t> preserves_;  // Model::preserves_state of each operation
  std::vector<std::uint32_t> watched_;   // definite operations the model may rule out, in call order
  std::vector<std::uint32_t> chain_prev_, chain_next_;
  std::vector<std::uint32_t> best_;
  std::size_t best_depth_ = 0;
  bool best_stale_ = false;  // the stack is deeper than best_ holds

  // The search's position: the configuration and how it was reached.
  std::vector<std::uint64_t> set_;
  std::uint64_t set_hash_ = 0;
  StateKey state_ = 0;
  std::uint32_t definite_left_ = 0;
  std::vector<Frame> stack_;
  std::uint32_t e_ = 0;   // the entry to try next
  bool skip_ = false;     // plain mode: try e_'s operation without effect
  bool fresh_ = true;     // a configuration just reached: look for a forced step first
  bool started_ = false;
};

}  // namespace corridor::lincheck

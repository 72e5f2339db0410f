#pragma once
// Exhaustive breadth-first search spread over ranks (processes, usually MPI's: cli/mpi/), for state
// spaces that outgrow one machine's memory. The same unique states, generated states, depth and
// shortest counterexample length as explorers/exhaustive.hpp's BFS, whose pieces it reuses (the
// fingerprint table, the model interface), on any StateMachine.
//
// - Ownership. A state belongs to the rank its fingerprint's top bits name (the table's slot uses
//   the low bits, so every rank's table fills evenly). Each rank holds only its own states: their
//   fingerprints in its table, and by local index their fingerprint and parent link (the parent's
//   rank and local index), 16 bytes.
// - Levels, in rounds. Level d's states are expanded a round at a time (expansions_per_round
//   states per rank); each successor goes to its owner as a record in that owner's batch; one
//   all-to-all exchange per round delivers the batches; every rank then inserts what it received,
//   in the order of the sending ranks, so the search is deterministic for a given rank count. A
//   level ends when no rank has states of it left; the search ends when a level is empty, a
//   violation is found (at the end of its round) or a budget is reached.
// - Moving states. The model interface has no decoder (encode is one-way), so a state travels as
//   its path: the index of its initial state and the index of each action in the enabled actions
//   of the state before, 2 bytes a step. The owner of a new state replays the path once (depth
//   next() calls); a successor whose owner is the rank that made it is handed over as the state
//   itself. Duplicates, most records, cost only their lookup.
// - Counterexamples. The violating state's chain of parents is walked across the ranks that hold
//   it (one broadcast per step) and replayed by fingerprint, as the single-process search does; it
//   must give the path the state travelled with, which is asserted.
//
// Partial-order reduction is not supported (a sleep set names actions of one state and would have
// to travel with it); symmetry is (states are canonicalised where they are made).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "explorers/exhaustive_options.hpp"
#include "explorers/fingerprint_table.hpp"
#include "model/assert.hpp"
#include "model/state_machine.hpp"

namespace corridor {

// The collective operations the search needs from whatever connects the ranks. Every call is
// collective: every rank makes the same calls in the same order.
class RankTransport {
 public:
  virtual ~RankTransport() = default;
  virtual std::uint32_t rank() const = 0;
  virtual std::uint32_t ranks() const = 0;
  // Sends out[r] to rank r (out has ranks() buffers) and returns what every rank sent this one,
  // concatenated in rank order; from[r] is where rank r's bytes begin (from has ranks() + 1 entries).
  virtual std::vector<std::uint8_t> exchange(const std::vector<std::vector<std::uint8_t>>& out,
                                             std::vector<std::size_t>& from) = 0;
  virtual std::uint64_t sum(std::uint64_t value) = 0;
  virtual std::uint64_t max(std::uint64_t value) = 0;
  // `bytes` of rank `root` on every rank (resized there).
  virtual void broadcast(std::vector<std::uint8_t>& bytes, std::uint32_t root) = 0;
  // Every rank's `value`, by rank, on every rank.
  virtual std::vector<std::uint64_t> all_gather(std::uint64_t value) = 0;
};

struct DistributedOptions {
  bool symmetry = false;
  std::uint32_t depth_max = UINT32_MAX;             // states at this depth are not expanded
  std::uint64_t memory_bytes_max = std::uint64_t{4} << 30;  // per rank
  std::uint32_t expansions_per_round = 4096;        // states a rank expands between exchanges
};

// What one rank held and sent, for the memory and message figures.
struct RankFigures {
  std::uint64_t unique_states = 0;        // owned
  std::uint64_t records_sent = 0;         // successors sent to another rank
  std::uint64_t bytes_sent = 0;           // their bytes
  std::uint64_t records_kept = 0;         // successors this rank owned itself
  std::uint64_t replays = 0;              // new states rebuilt from their path
  std::uint64_t peak_accounted_bytes = 0; // table + fingerprints + parents + levels + batches
  std::uint64_t peak_rss_bytes = 0;
};

struct DistributedSummary {
  ExhaustiveSummary search;          // as the single-process search reports it (jobs: ranks)
  std::uint64_t rounds = 0;          // exchanges
  std::vector<RankFigures> per_rank; // by rank, on every rank
};

template <StateMachine M>
struct DistributedExploration {
  DistributedSummary summary;
  std::vector<typename M::Action> path;  // with a violation: the actions from an initial state
};

namespace distributed_detail {

inline constexpr std::uint64_t no_parent = UINT64_MAX;
inline constexpr std::uint32_t local_bits = 40;  // a state's id: rank << 40 | local index
inline constexpr std::size_t table_capacity_min = std::size_t{1} << 16;
using Step = std::uint16_t;  // an initial state's or an action's index on a path

inline std::uint64_t peak_rss_bytes() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
}

template <StateMachine M>
class Search {
 public:
  using State = typename M::State;
  using Action = typename M::Action;

  Search(const M& m, const DistributedOptions& options, RankTransport& transport)
      : m_(m), options_(options), t_(transport), rank_(transport.rank()), ranks_(transport.ranks()),
        table_(table_capacity_min, false), out_(ranks_) {
    CORRIDOR_ASSERT(ranks_ >= 1 && rank_ < ranks_);
    CORRIDOR_ASSERT(options.expansions_per_round >= 1);
    m_.initial_states(initial_);
    CORRIDOR_ASSERT_MSG(initial_.size() <= UINT16_MAX, "more initial states than a path step can name");
    for (State& s : initial_) canonicalize(s);
  }

  DistributedExploration<M> run() {
    const auto start = std::chrono::steady_clock::now();
    insert_initial_states();
    for (std::uint32_t depth = 0; !stopping(); ++depth) {
      if (t_.sum(level_.size()) == 0) break;
      depth_ = depth;
      expand_level(depth);
      level_.swap(next_);
      next_.clear();
      paths_.swap(next_paths_);
      next_paths_.clear();
      level_heap_bytes_ = std::exchange(next_heap_bytes_, 0);
    }
    DistributedExploration<M> result;
    DistributedSummary& summary = result.summary;
    ExhaustiveSummary& s = summary.search;
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    s.unique_states = t_.sum(unique_);
    s.generated_states = t_.sum(generated_);
    s.depth = static_cast<std::uint32_t>(t_.max(deepest_));
    s.jobs = ranks_;
    s.collision_probability = fingerprint_collision_probability(s.unique_states);
    summary.rounds = rounds_;
    summary.per_rank = gather_figures();
    for (const RankFigures& f : summary.per_rank) s.peak_accounted_bytes = std::max(s.peak_accounted_bytes, f.peak_accounted_bytes);
    if (violation_root_) {
      s.verdict = ExhaustiveVerdict::violation;
      result.path = counterexample(s);
      for (const Action& a : result.path) s.counterexample.push_back(m_.describe(a));
    } else if (stop_reason_) {
      s.verdict = ExhaustiveVerdict::unknown;
      s.stop_reason = stop_reason_;
    } else if (t_.max(cut_ ? 1 : 0) != 0) {
      s.verdict = ExhaustiveVerdict::unknown;
      s.stop_reason = "depth bound";
    }
    return result;
  }

 private:
  struct Entry {
    State state;
    std::uint64_t local = 0;  // local index
  };

  // A successor this rank owns itself: kept as the state, no replay.
  struct KeptRecord {
    State state;
    std::uint64_t fingerprint = 0;
    std::uint64_t parent = 0;  // id
    std::size_t path = 0;      // offset in kept_paths_
  };

  std::uint32_t owner_of(std::uint64_t fingerprint) const {
    return static_cast<std::uint32_t>(((fingerprint >> 32) * ranks_) >> 32);
  }

  void canonicalize(State& s) const {
    if constexpr (HasCanonicalize<M>) {
      if (options_.symmetry) m_.canonicalize(s);
    }
  }

  std::uint64_t fingerprint_of(const State& s) { return fingerprint(m_, s, encoder_); }

  bool stopping() const { return violation_root_.has_value() || stop_reason_ != nullptr; }

  std::uint64_t accounted_bytes() const {
    std::uint64_t bytes = table_.bytes() + (fingerprints_.capacity() + parents_.capacity()) * sizeof(std::uint64_t) +
                          (level_.capacity() + next_.capacity()) * sizeof(Entry) + kept_.capacity() * sizeof(KeptRecord) + level_heap_bytes_ +
                          next_heap_bytes_ +
                          (paths_.capacity() + next_paths_.capacity() + kept_paths_.capacity()) * sizeof(Step) +
                          in_capacity_;
    for (const auto& buffer : out_) bytes += buffer.capacity();
    return bytes;
  }

  void note_memory() {
    peak_bytes_ = std::max(peak_bytes_, accounted_bytes());
  }

  // A state this rank owns, seen for the first time: recorded, checked, queued for the next level
  // with its path. Returns false if it was there already.
  bool insert(const State& s, std::uint64_t fp, std::uint64_t parent, const Step* path, std::size_t steps,
              std::uint32_t depth) {
    if (!table_.insert(fp).inserted) return false;
    const std::uint64_t local = fingerprints_.size();
    CORRIDOR_ASSERT(local < (std::uint64_t{1} << local_bits));
    fingerprints_.push_back(fp);
    parents_.push_back(parent);
    ++unique_;
    deepest_ = std::max<std::uint64_t>(deepest_, depth);
    if (std::optional<Violation> v = m_.check(s)) {
      if (!violation_) {
        v->step = depth;
        violation_ = std::move(v);
        violation_local_ = local;
        violation_path_.assign(path, path + steps);
      }
      return true;
    }
    next_.push_back(Entry{s, local});
    next_heap_bytes_ += std::max(state_bytes(m_, s), sizeof(State)) - sizeof(State);
    next_paths_.insert(next_paths_.end(), path, path + steps);
    return true;
  }

  void insert_initial_states() {
    generated_ = rank_ == 0 ? initial_.size() : 0;  // every rank makes them; one counts them
    for (std::size_t i = 0; i < initial_.size(); ++i) {
      const std::uint64_t fp = fingerprint_of(initial_[i]);
      if (owner_of(fp) != rank_) continue;
      grow_table(1);
      const Step step = static_cast<Step>(i);
      insert(initial_[i], fp, no_parent, &step, 1, 0);
    }
    level_.swap(next_);
    paths_.swap(next_paths_);
    level_heap_bytes_ = std::exchange(next_heap_bytes_, 0);
    settle_violations();
  }

  // Room in the table for `incoming` more fingerprints, within the memory budget.
  void grow_table(std::uint64_t incoming) {
    if (!table_.needs_growth(unique_, incoming)) return;
    std::size_t capacity = table_.capacity();
    while (2 * (unique_ + incoming) > capacity) capacity *= 2;
    if (accounted_bytes() + FingerprintTable::bytes_for(capacity, false) > options_.memory_bytes_max) over_budget_ = true;
    table_.grow(capacity);  // grown even so: the round must finish for the ranks to agree on stopping
    note_memory();
  }

  // The state at the end of `steps` path steps from its initial state.
  State replay(const Step* path, std::size_t steps) {
    CORRIDOR_ASSERT(steps >= 1 && path[0] < initial_.size());
    State s = initial_[path[0]];
    for (std::size_t k = 1; k < steps; ++k) {
      actions_.clear();
      m_.actions(s, actions_);
      CORRIDOR_ASSERT_MSG(path[k] < actions_.size(), "a path step past the enabled actions: the model is not deterministic");
      s = m_.next(s, actions_[path[k]]);
      canonicalize(s);
    }
    ++replays_;
    return s;
  }

  void expand_level(std::uint32_t depth) {
    const std::size_t steps = std::size_t{depth} + 1;  // a level-d state's path
    const std::size_t record_bytes = 2 * sizeof(std::uint64_t) + (steps + 1) * sizeof(Step);
    std::size_t cursor = 0;
    // Every round but the last expands something on the rank with the most states of the level.
    const std::uint64_t rounds_max = t_.max(level_.size()) / options_.expansions_per_round + 1;
    for (std::uint64_t round = 0;; ++round) {
      CORRIDOR_ASSERT(round < rounds_max);
      const std::size_t end = std::min(level_.size(), cursor + options_.expansions_per_round);
      for (; cursor < end; ++cursor) expand(cursor, depth, steps);
      receive_round(record_bytes, steps + 1, depth + 1);
      const bool more_here = cursor < level_.size();
      const std::uint64_t flags = t_.max((more_here ? 1u : 0u) | (violation_ ? 2u : 0u) | (over_budget_ ? 4u : 0u));
      if (flags & 2u) return settle_violations();
      if (flags & 4u) {
        stop_reason_ = "memory budget";
        return;
      }
      if (!(flags & 1u)) return;
    }
  }

  void expand(std::size_t i, std::uint32_t depth, std::size_t steps) {
    const Entry& e = level_[i];
    const Step* path = &paths_[i * steps];
    actions_.clear();
    m_.actions(e.state, actions_);
    CORRIDOR_ASSERT_MSG(actions_.size() <= UINT16_MAX, "more enabled actions than a path step can name");
    if (depth >= options_.depth_max) {
      if (!actions_.empty()) cut_ = true;
      return;
    }
    const std::uint64_t parent = (std::uint64_t{rank_} << local_bits) | e.local;
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      State child = m_.next(e.state, actions_[a]);
      canonicalize(child);
      ++generated_;
      const std::uint64_t fp = fingerprint_of(child);
      const std::uint32_t owner = owner_of(fp);
      const Step step = static_cast<Step>(a);
      if (owner == rank_) {
        kept_.push_back(KeptRecord{std::move(child), fp, parent, kept_paths_.size()});
        kept_paths_.insert(kept_paths_.end(), path, path + steps);
        kept_paths_.push_back(step);
        ++records_kept_;
        continue;
      }
      std::vector<std::uint8_t>& out = out_[owner];
      const std::size_t at = out.size();
      out.resize(at + 2 * sizeof(std::uint64_t) + (steps + 1) * sizeof(Step));
      std::memcpy(&out[at], &fp, sizeof fp);
      std::memcpy(&out[at + 8], &parent, sizeof parent);
      std::memcpy(&out[at + 16], path, steps * sizeof(Step));
      std::memcpy(&out[at + 16 + steps * sizeof(Step)], &step, sizeof step);
      ++records_sent_;
    }
  }

  // One exchange: every rank's batches delivered, then inserted in the order of the sending ranks
  // (this rank's own successors at its place in that order).
  void receive_round(std::size_t record_bytes, std::size_t steps, std::uint32_t depth) {
    for (std::uint32_t r = 0; r < ranks_; ++r) bytes_sent_ += out_[r].size();
    note_memory();
    std::vector<std::size_t> from;
    const std::vector<std::uint8_t> in = t_.exchange(out_, from);
    ++rounds_;
    in_capacity_ = std::max<std::uint64_t>(in_capacity_, in.capacity());
    for (auto& buffer : out_) buffer.clear();
    CORRIDOR_ASSERT(in.size() % record_bytes == 0 && from.size() == ranks_ + 1);
    grow_table(in.size() / record_bytes + kept_.size());
    std::vector<Step> path(steps);
    for (std::uint32_t r = 0; r < ranks_; ++r) {
      if (r == rank_) {
        for (const KeptRecord& k : kept_) insert(k.state, k.fingerprint, k.parent, &kept_paths_[k.path], steps, depth);
        continue;
      }
      for (std::size_t at = from[r]; at < from[r + 1]; at += record_bytes) {
        std::uint64_t fp = 0;
        std::uint64_t parent = 0;
        std::memcpy(&fp, &in[at], sizeof fp);
        std::memcpy(&parent, &in[at + 8], sizeof parent);
        if (table_.find(fp) != table_.capacity()) continue;  // the common case: seen before
        std::memcpy(path.data(), &in[at + 16], steps * sizeof(Step));
        const State s = replay(path.data(), steps);
        CORRIDOR_ASSERT_MSG(fingerprint_of(s) == fp, "a replayed path reaches another state: the model is not deterministic");
        insert(s, fp, parent, path.data(), steps, depth);
      }
    }
    kept_.clear();
    kept_paths_.clear();
    note_memory();
  }

  // Every rank agrees on the one violation reported: the lowest rank's first.
  void settle_violations() {
    const std::vector<std::uint64_t> has = t_.all_gather(violation_ ? 1 : 0);
    for (std::uint32_t r = 0; r < ranks_; ++r) {
      if (has[r]) {
        violation_root_ = r;
        return;
      }
    }
  }

  // The violating state's parent chain, walked across its owners, replayed by fingerprint.
  std::vector<Action> counterexample(ExhaustiveSummary& s) {
    const std::uint32_t root = *violation_root_;
    std::vector<std::uint8_t> bytes;
    if (rank_ == root) bytes = encode_violation();
    t_.broadcast(bytes, root);
    const auto [violation, carried] = decode_violation(bytes);
    s.violation = violation;
    std::vector<std::uint64_t> chain;
    std::uint64_t at = (std::uint64_t{root} << local_bits) | violation_local_broadcast_;
    for (std::size_t hops = 0; at != no_parent; ++hops) {
      CORRIDOR_ASSERT(hops <= carried.size());
      const auto owner = static_cast<std::uint32_t>(at >> local_bits);
      std::vector<std::uint8_t> link(2 * sizeof(std::uint64_t));
      if (owner == rank_) {
        const std::uint64_t local = at & ((std::uint64_t{1} << local_bits) - 1);
        std::memcpy(&link[0], &fingerprints_[local], 8);
        std::memcpy(&link[8], &parents_[local], 8);
      }
      t_.broadcast(link, owner);
      std::uint64_t fp = 0;
      std::memcpy(&fp, &link[0], 8);
      std::memcpy(&at, &link[8], 8);
      chain.push_back(fp);
    }
    std::reverse(chain.begin(), chain.end());
    std::vector<Step> rebuilt;
    std::vector<Action> path = replay_chain(chain, rebuilt);
    CORRIDOR_ASSERT_MSG(rebuilt == carried, "the parent links and the path the state travelled with disagree");
    return path;
  }

  // [local index 8][step 8][verdict 8][path steps 8][path][invariant '\n' message]
  std::vector<std::uint8_t> encode_violation() {
    const std::string text = violation_->invariant + '\n' + violation_->message;
    const std::uint64_t header[4] = {violation_local_, violation_->step, static_cast<std::uint64_t>(violation_->verdict),
                                     violation_path_.size()};
    std::vector<std::uint8_t> bytes(sizeof header + violation_path_.size() * sizeof(Step) + text.size());
    std::memcpy(bytes.data(), header, sizeof header);
    std::memcpy(bytes.data() + sizeof header, violation_path_.data(), violation_path_.size() * sizeof(Step));
    std::memcpy(bytes.data() + sizeof header + violation_path_.size() * sizeof(Step), text.data(), text.size());
    return bytes;
  }

  std::pair<Violation, std::vector<Step>> decode_violation(const std::vector<std::uint8_t>& bytes) {
    std::uint64_t header[4] = {};
    CORRIDOR_ASSERT(bytes.size() >= sizeof header);
    std::memcpy(header, bytes.data(), sizeof header);
    const std::size_t path_bytes = header[3] * sizeof(Step);
    CORRIDOR_ASSERT(bytes.size() >= sizeof header + path_bytes);
    std::vector<Step> path(header[3]);
    std::memcpy(path.data(), bytes.data() + sizeof header, path_bytes);
    const std::string text(bytes.begin() + static_cast<std::ptrdiff_t>(sizeof header + path_bytes), bytes.end());
    const std::size_t newline = text.find('\n');
    Violation v;
    v.invariant = text.substr(0, newline);
    v.message = newline == std::string::npos ? std::string() : text.substr(newline + 1);
    v.verdict = static_cast<Verdict>(header[2]);
    v.step = header[1];
    violation_local_broadcast_ = header[0];
    return {v, path};
  }

  // From an initial state along `chain` (fingerprints), taking at each step the first action whose
  // successor has the next fingerprint; `steps` gets the path's indexes as states travel with them.
  std::vector<Action> replay_chain(const std::vector<std::uint64_t>& chain, std::vector<Step>& steps) {
    CORRIDOR_ASSERT(!chain.empty());
    std::optional<State> current;
    for (std::size_t i = 0; i < initial_.size() && !current; ++i) {
      if (fingerprint_of(initial_[i]) != chain.front()) continue;
      current = initial_[i];
      steps.push_back(static_cast<Step>(i));
    }
    CORRIDOR_ASSERT(current.has_value());
    std::vector<Action> path;
    for (std::size_t k = 1; k < chain.size(); ++k) {
      actions_.clear();
      m_.actions(*current, actions_);
      bool found = false;
      for (std::size_t a = 0; a < actions_.size() && !found; ++a) {
        State child = m_.next(*current, actions_[a]);
        canonicalize(child);
        if (fingerprint_of(child) != chain[k]) continue;
        path.push_back(actions_[a]);
        steps.push_back(static_cast<Step>(a));
        current = std::move(child);
        found = true;
      }
      CORRIDOR_ASSERT_MSG(found, "a parent link that no action of the model reproduces");
    }
    return path;
  }

  std::vector<RankFigures> gather_figures() {
    const auto column = [&](std::uint64_t value) { return t_.all_gather(value); };
    const auto unique = column(unique_);
    const auto sent = column(records_sent_);
    const auto bytes = column(bytes_sent_);
    const auto kept = column(records_kept_);
    const auto replays = column(replays_);
    const auto peak = column(peak_bytes_);
    const auto rss = column(peak_rss_bytes());
    std::vector<RankFigures> figures(ranks_);
    for (std::uint32_t r = 0; r < ranks_; ++r) figures[r] = {unique[r], sent[r], bytes[r], kept[r], replays[r], peak[r], rss[r]};
    return figures;
  }

  const M& m_;
  DistributedOptions options_;
  RankTransport& t_;
  std::uint32_t rank_;
  std::uint32_t ranks_;
  FingerprintTable table_;
  std::vector<std::uint64_t> fingerprints_;  // by local index
  std::vector<std::uint64_t> parents_;       // by local index: the parent's id, or no_parent
  std::vector<State> initial_;               // canonical when searching with symmetry
  std::vector<Entry> level_;                 // the level being expanded, owned here
  std::vector<Step> paths_;                  // its paths, depth + 1 steps each
  std::vector<Entry> next_;
  std::vector<Step> next_paths_;
  std::vector<KeptRecord> kept_;             // this round's successors owned here
  std::vector<Step> kept_paths_;
  std::vector<std::vector<std::uint8_t>> out_;  // this round's batches, by owner
  std::vector<Action> actions_;
  StateEncoder encoder_;
  std::uint64_t level_heap_bytes_ = 0;  // the states' heap beyond sizeof(State), this level
  std::uint64_t next_heap_bytes_ = 0;
  std::uint64_t in_capacity_ = 0;

  std::uint64_t unique_ = 0;
  std::uint64_t generated_ = 0;
  std::uint64_t deepest_ = 0;
  std::uint32_t depth_ = 0;
  std::uint64_t rounds_ = 0;
  std::uint64_t records_sent_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t records_kept_ = 0;
  std::uint64_t replays_ = 0;
  std::uint64_t peak_bytes_ = 0;
  bool cut_ = false;
  bool over_budget_ = false;
  const char* stop_reason_ = nullptr;

  std::optional<Violation> violation_;  // this rank's first
  std::uint64_t violation_local_ = 0;
  std::vector<Step> violation_path_;
  std::optional<std::uint32_t> violation_root_;  // the rank whose violation is reported
  std::uint64_t violation_local_broadcast_ = 0;
};

}  // namespace distributed_detail

// Collective: every rank calls it with the same model and options.
template <StateMachine M>
DistributedExploration<M> explore_distributed(const M& model, const DistributedOptions& options, RankTransport& transport) {
  distributed_detail::Search<M> search(model, options, transport);
  return search.run();
}

}  // namespace corridor

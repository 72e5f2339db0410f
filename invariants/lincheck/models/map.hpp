#pragma once
// Many independent objects of one model as a single state: a map from key to the inner model's
// state. Used when a history is checked without splitting it by key (--no-split), e.g. a kv
// history as one map, which is how Porcupine's "whole-map" benchmark checks it.
//
// The map interns its own states: a state is a dense id naming a row of inner state keys in one
// flat arena, hashed incrementally (a sum of per-key mixes). So the search sees a 4-byte state; a
// step is the inner model's step, plus one interning when it changes the row. (Memoising steps by
// (state, operation) here was slower: that table outgrows the caches, the inner tables do not.)
#include <limits>
#include <vector>

#include "invariants/lincheck/flat_table.hpp"
#include "invariants/lincheck/models/model.hpp"
#include "invariants/lincheck/state_store.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

template <class Inner>
class MapModel {
 public:
  using State = std::uint32_t;  // a row of the arena
  static constexpr std::string_view name = Inner::name;

  MapModel(Inner inner, std::uint32_t key_count) : inner_(std::move(inner)), key_count_(key_count) {
    CORRIDOR_ASSERT(key_count_ > 0);
    scratch_.assign(key_count_, inner_.initial());
    std::uint64_t hash = 0;
    for (std::uint32_t key = 0; key < key_count_; ++key) hash += cell_hash(key, scratch_[key]);
    initial_ = intern(hash);
  }

  State initial() const { return initial_; }
  std::uint64_t hash(const State& state) const { return mix64(state); }
  std::string describe(const State& state) const {
    std::string out = "{";
    const StateKey empty = const_cast<StateStore<Inner>&>(inner_).initial();
    for (std::uint32_t key = 0; key < key_count_; ++key) {
      const StateKey cell = row(state)[key];
      if (cell == empty) continue;
      out += fmt::format("{}key #{}: {}", out.size() > 1 ? ", " : "", key + 1, inner_.model().describe(inner_.state(cell)));
    }
    return out + "}";
  }

  bool step(const State& state, const Operation& op, std::uint32_t op_index, State& next) const {
    CORRIDOR_ASSERT(op.key < key_count_);
    StateKey after = 0;
    const StateKey before = row(state)[op.key];
    if (!inner_.step(before, op, op_index, after)) return false;
    if (after == before) {
      next = state;
      return true;
    }
    scratch_.assign(row(state), row(state) + key_count_);
    scratch_[op.key] = after;
    next = intern(hashes_[state] - cell_hash(op.key, before) + cell_hash(op.key, after));
    return true;
  }

  static bool preserves_state(const Operation& op) { return Inner::preserves_state(op); }
  static std::string describe(const Operation& op, const ValueCodec& codec) { return Inner::describe(op, codec); }

  void prepare(std::span<const Operation> ops) { inner_.prepare(ops); }
  static bool watches(const Operation& op) {
    if constexpr (requires { Inner::watches(op); }) return Inner::watches(op);
    else return StateStore<Inner>::has_lookahead;
  }
  bool may_fit_later(const State& state, const Operation& op, std::uint32_t op_index, std::uint32_t frontier) const {
    return inner_.may_fit_later(row(state)[op.key], op, op_index, frontier);
  }

  std::size_t bytes() const {
    return inner_.bytes() + arena_.capacity() * sizeof(StateKey) + hashes_.capacity() * 8 + chain_.capacity() * 4 +
           index_.bytes();
  }

 private:
  static constexpr std::uint32_t rejected = std::numeric_limits<std::uint32_t>::max();

  static std::uint64_t cell_hash(std::uint32_t key, StateKey cell) { return mix64(mix64(cell) + key); }
  const StateKey* row(State state) const { return arena_.data() + std::size_t{state} * key_count_; }

  // The id of the row in scratch_, whose hash is `hash`.
  State intern(std::uint64_t hash) const {
    const std::uint64_t h = hash & (~std::uint64_t{0} >> 1);
    const std::uint32_t* first = index_.find(h);
    for (std::uint32_t id = first ? *first : rejected; id != rejected; id = chain_[id]) {
      if (std::equal(scratch_.begin(), scratch_.end(), row(id))) return id;
    }
    const auto id = static_cast<State>(hashes_.size());
    CORRIDOR_ASSERT(id != rejected);
    arena_.insert(arena_.end(), scratch_.begin(), scratch_.end());
    hashes_.push_back(hash);
    if (first) {
      chain_.push_back(chain_[*first]);
      chain_[*first] = id;
    } else {
      chain_.push_back(rejected);
      index_.insert(h, id);
    }
    return id;
  }

  mutable StateStore<Inner> inner_;
  std::uint32_t key_count_;
  State initial_ = 0;
  mutable std::vector<StateKey> arena_;     // key_count_ inner keys per state
  mutable std::vector<std::uint64_t> hashes_;
  mutable std::vector<std::uint32_t> chain_;  // next id with the same hash
  mutable FlatTable64 index_;                 // hash -> first id
  mutable std::vector<StateKey> scratch_;
};

}  // namespace corridor::lincheck

#pragma once
// The model's states as the search sees them: 64-bit keys. A state of at most 8 trivially copyable
// bytes (a register's value, a lock, a counter) is its own key and a step is a direct call. A
// larger state (a string, a queue, a map) is interned: its key is a dense id, and every step is
// memoised by (state id, operation), so that revisiting a transition costs one table lookup.
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <span>
#include <type_traits>
#include <vector>

#include "invariants/lincheck/flat_table.hpp"
#include "invariants/lincheck/operation.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

using StateKey = std::uint64_t;

template <class Model>
class StateStore {
 public:
  using State = typename Model::State;
  static constexpr bool direct = std::is_trivially_copyable_v<State> && sizeof(State) <= sizeof(StateKey);

  explicit StateStore(Model model) : model_(std::move(model)) {
    if constexpr (!direct) initial_key_ = intern(model_.initial());
  }

  const Model& model() const { return model_; }

  StateKey initial() {
    if constexpr (direct) return encode(model_.initial());
    else return initial_key_;
  }

  // The state after `op` (number `op_index` of the partition) from `state`; false if impossible.
  bool step(StateKey state, const Operation& op, std::uint32_t op_index, StateKey& next) {
    if constexpr (direct) {
      State after{};
      bool ok = false;
      if constexpr (requires { model_.step(decode(state), op, op_index, after); }) {
        ok = model_.step(decode(state), op, op_index, after);
      } else {
        ok = model_.step(decode(state), op, after);
      }
      next = encode(after);
      return ok;
    } else {
      CORRIDOR_ASSERT(state < states_.size());
      const std::uint64_t transition = (state << 32) | op_index;
      if (const std::uint32_t* cached = transitions_.find(transition)) {
        if (*cached == rejected) return false;
        next = *cached;
        return true;
      }
      State after{};
      bool ok = false;
      if constexpr (requires { model_.step(states_[state], op, op_index, after); }) {
        ok = model_.step(states_[state], op, op_index, after);
      } else {
        ok = model_.step(states_[state], op, after);
      }
      const std::uint32_t id = ok ? intern(std::move(after)) : rejected;
      transitions_.insert(transition, id);
      next = id;
      return ok;
    }
  }

  // False when the model can tell that `op` fits in no state reachable from `state` (an optional
  // model hook, may_fit_later; without it, always true).
  // `frontier`: the earliest return event among the unlinearized operations.
  bool may_fit_later(StateKey state, const Operation& op, std::uint32_t op_index, std::uint32_t frontier) const {
    if constexpr (requires { model_.may_fit_later(this->state(state), op, op_index, frontier); }) {
      if constexpr (direct) return model_.may_fit_later(decode(state), op, op_index, frontier);
      else return model_.may_fit_later(states_[state], op, op_index, frontier);
    }
    return true;
  }

  // Whether may_fit_later can ever be false for `op` (optional model hook, watches; without it, any
  // operation of a model that has may_fit_later).
  static constexpr bool has_lookahead = requires(const Model& m, const State& s, const Operation& op, std::uint32_t i) {
    m.may_fit_later(s, op, i, i);
  };
  bool watches(const Operation& op) const {
    if constexpr (requires { Model::watches(op); }) return Model::watches(op);
    else return has_lookahead;
  }

  // Lets the model look at the partition's operations before the search (optional hook, prepare).
  void prepare(std::span<const Operation> ops) {
    if constexpr (requires { model_.prepare(ops); }) model_.prepare(ops);
  }

  State state(StateKey key) const {
    if constexpr (direct) return decode(key);
    else return states_[key];
  }

  std::uint64_t hash(StateKey key) const { return mix64(key); }

  std::size_t bytes() const {
    if constexpr (direct) {
      if constexpr (requires { model_.bytes(); }) return model_.bytes();
      return 0;
    } else {
      std::size_t inner = 0;
      if constexpr (requires { model_.bytes(); }) inner = model_.bytes();
      return transitions_.bytes() + index_.bytes() + states_.capacity() * sizeof(State) + payload_bytes_ + inner;
    }
  }

 private:
  static constexpr std::uint32_t rejected = std::numeric_limits<std::uint32_t>::max();

  static StateKey encode(const State& state) {
    StateKey key = 0;
    std::memcpy(&key, &state, sizeof(State));
    return key;
  }
  static State decode(StateKey key) {
    State state{};
    std::memcpy(&state, &key, sizeof(State));
    return state;
  }

  std::uint32_t intern(State state) {
    // index_ maps a state's hash to the first id with that hash; collisions chain through next_.
    const std::uint64_t h = model_.hash(state) & ~std::uint64_t{0} >> 1;
    const std::uint32_t* first = index_.find(h);
    for (std::uint32_t id = first ? *first : rejected; id != rejected; id = chain_[id]) {
      if (states_[id] == state) return id;
    }
    const auto id = static_cast<std::uint32_t>(states_.size());
    CORRIDOR_ASSERT(id != rejected);
    if constexpr (requires { state.size(); }) payload_bytes_ += state.size() * sizeof(state[0]);
    if constexpr (requires { state.text.size(); }) payload_bytes_ += state.text.size();
    states_.push_back(std::move(state));
    if (first) {
      chain_.push_back(chain_[*first]);
      chain_[*first] = id;
    } else {
      chain_.push_back(rejected);
      index_.insert(h, id);
    }
    return id;
  }

  Model model_;
  StateKey initial_key_ = 0;
  std::vector<State> states_;
  std::vector<std::uint32_t> chain_;
  FlatTable64 index_;
  FlatTable64 transitions_;
  std::size_t payload_bytes_ = 0;
};

}  // namespace corridor::lincheck

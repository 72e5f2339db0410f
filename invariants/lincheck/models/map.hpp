#pragma once
// Many independent objects of one model as a single state: a map from key to the inner model's
// state. Used when a history is checked without splitting it by key (--no-split), e.g. a kv
// history as one map, which is how Porcupine's "whole-map" benchmark checks it. Inner states are
// interned by their own StateStore, so the map's state is a small vector of keys.
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "invariants/lincheck/models/model.hpp"
#include "invariants/lincheck/state_store.hpp"

namespace corridor::lincheck {

template <class Inner>
class MapModel {
 public:
  using State = std::vector<StateKey>;  // indexed by the dense key index
  static constexpr std::string_view name = Inner::name;

  MapModel(const ValueCodec& codec, std::uint32_t key_count)
      : inner_(Inner(codec)), key_count_(key_count), codec_(&codec) {}

  State initial() { return State(key_count_, inner_.initial()); }
  std::uint64_t hash(const State& state) const {
    return XXH3_64bits(state.data(), state.size() * sizeof(StateKey));
  }
  std::string describe(const State& state) const {
    std::string out = "{";
    for (std::size_t key = 0; key < state.size(); ++key) {
      if (state[key] == inner_initial_key()) continue;
      out += fmt::format("{}key #{}: {}", out.size() > 1 ? ", " : "", key, inner_.model().describe(inner_.state(state[key])));
    }
    return out + "}";
  }

  bool step(const State& state, const Operation& op, std::uint32_t op_index, State& next) {
    assert(op.key < key_count_);
    StateKey after = 0;
    if (!inner_.step(state[op.key], op, op_index, after)) return false;
    next = state;
    next[op.key] = after;
    return true;
  }

  static bool preserves_state(const Operation& op) { return Inner::preserves_state(op); }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    return Inner::describe(op, codec);
  }

  std::size_t bytes() const { return inner_.bytes(); }

  void prepare(std::span<const Operation> ops) { inner_.prepare(ops); }
  bool may_fit_later(const State& state, const Operation& op, std::uint32_t op_index, std::uint32_t frontier) const {
    return inner_.may_fit_later(state[op.key], op, op_index, frontier);
  }

 private:
  StateKey inner_initial_key() const { return const_cast<StateStore<Inner>&>(inner_).initial(); }

  mutable StateStore<Inner> inner_;
  std::uint32_t key_count_;
  const ValueCodec* codec_;
};

}  // namespace corridor::lincheck

#pragma once
// The model interface every state-space explorer works on (DESIGN.md, "Explorers"): initial
// states, the enabled actions of a state, the next state, a canonical encoding whose xxh3-64 is
// the fingerprint, and the invariants. A protocol may implement it directly, TLA+ style
// (protocols/two_phase_commit/), or through the simulated world (untimed semantics).
//
// The search (explorers/exhaustive.hpp) is a template over the concept, so a small model runs at
// full speed; AnyStateMachine below erases the type (one virtual call per operation) so that the
// program and a registry can hold any model behind one type.
//
// Rules a model must keep, because the explorers rely on them:
// - next(s, a) is a pure function of (s, a): same inputs, same state, on every run and machine.
// - actions(s) lists the enabled actions in a deterministic order (the search numbers them).
// - An Action names a transition independently of the state it is taken from ("RM 3 prepares",
//   "deliver message #17"), and == compares such names: sleep sets (partial-order reduction) carry
//   actions from a state to its successors and look them up there.
// - encode(s) writes everything that distinguishes states and nothing else (no absolute time).
// - actor(a) is the node whose handler runs a. Partial-order reduction assumes that actions of
//   different actors are independent: from any state where both are enabled, taking one leaves
//   the other enabled, and both orders reach the same state. A model for which that is not true of
//   every pair defines independent(a, b) (true only where it holds); independent must be symmetric.
// - canonicalize(s) (optional) maps s to one representative of its symmetry class (e.g. sort
//   interchangeable nodes and rewrite node ids everywhere). It must be idempotent, and it must
//   commute with the model: canonicalize(next(s, a)) and canonicalize(next(canonicalize(s), a'))
//   are the same state for the permuted action a', and check() gives the same verdict on s and
//   canonicalize(s). The search then fingerprints canonical states only.
// - witnesses() and witnesses_holding(s) (optional, together): the reachability witnesses the
//   model declares (model/witness.hpp) and, as bit i, whether witness i holds at s. A search
//   records the first state that reaches each one. Like check(), witnesses_holding must give the
//   same answer on s and canonicalize(s).
// - fingerprint(s) (optional) replaces xxh3-64 over encode(s): it must be a function of the bytes
//   encode writes, and as unlikely to collide.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/state_encoder.hpp"
#include "model/violation.hpp"
#include "model/witness.hpp"

namespace corridor {

template <class M>
concept StateMachine =
    std::copyable<typename M::State> && std::copyable<typename M::Action> &&
    std::equality_comparable<typename M::Action> &&
    requires(const M& m, const typename M::State& s, const typename M::Action& a,
             std::vector<typename M::State>& states, std::vector<typename M::Action>& actions,
             StateEncoder& encoder) {
      { m.initial_states(states) } -> std::same_as<void>;        // appends
      { m.actions(s, actions) } -> std::same_as<void>;           // appends the enabled actions
      { m.next(s, a) } -> std::convertible_to<typename M::State>;
      { m.encode(s, encoder) } -> std::same_as<void>;            // appends the canonical bytes
      { m.check(s) } -> std::same_as<std::optional<Violation>>;  // the invariants
      { m.actor(a) } -> std::convertible_to<std::uint32_t>;
      { m.describe(a) } -> std::convertible_to<std::string>;
    };

// Optional hooks, detected at compile time.

// Symmetry reduction: rewrites s in place into its canonical representative.
template <class M>
concept HasCanonicalize = requires(const M& m, typename M::State& s) { m.canonicalize(s); };

// A finer independence relation than "different actors" (see the rules above).
template <class M>
concept HasIndependent = requires(const M& m, const typename M::Action& a) {
  { m.independent(a, a) } -> std::convertible_to<bool>;
};

// Bytes one state occupies, heap included, for the memory budget (default: sizeof(State)).
template <class M>
concept HasStateBytes = requires(const M& m, const typename M::State& s) {
  { m.state_bytes(s) } -> std::convertible_to<std::size_t>;
};

// The fingerprint computed by the model itself instead of xxh3-64 over encode's bytes, for models
// whose encoding is one machine word: a bijection of that word (no two states share a
// fingerprint) costs a few instructions, where hashing the bytes costs a buffer and a call.
template <class M>
concept HasFingerprint = requires(const M& m, const typename M::State& s) {
  { m.fingerprint(s) } -> std::convertible_to<std::uint64_t>;
};

// Reachability witnesses (model/witness.hpp): which the model declares, and which hold at s.
template <class M>
concept HasWitnesses = requires(const M& m, const typename M::State& s) {
  { m.witnesses() } -> std::convertible_to<std::vector<WitnessInfo>>;
  { m.witnesses_holding(s) } -> std::convertible_to<std::uint64_t>;
};

// A model that says at run time whether it has a symmetry (AnyStateMachine does).
template <class M>
concept HasSupportsSymmetry = requires(const M& m) {
  { m.supports_symmetry() } -> std::convertible_to<bool>;
};

template <StateMachine M>
bool supports_symmetry(const M& m) {
  if constexpr (HasSupportsSymmetry<M>) {
    return m.supports_symmetry();
  } else {
    return HasCanonicalize<M>;
  }
}

template <StateMachine M>
bool independent(const M& m, const typename M::Action& a, const typename M::Action& b) {
  if constexpr (HasIndependent<M>) {
    return m.independent(a, b);
  } else {
    return m.actor(a) != m.actor(b);
  }
}

template <StateMachine M>
std::size_t state_bytes(const M& m, const typename M::State& s) {
  if constexpr (HasStateBytes<M>) {
    return m.state_bytes(s);
  } else {
    (void)m;
    (void)s;
    return sizeof(typename M::State);
  }
}

template <StateMachine M>
std::vector<WitnessInfo> declared_witnesses(const M& m) {
  if constexpr (HasWitnesses<M>) {
    return m.witnesses();
  } else {
    (void)m;
    return {};
  }
}

template <StateMachine M>
std::uint64_t reached_witnesses(const M& m, const typename M::State& s) {
  if constexpr (HasWitnesses<M>) {
    return m.witnesses_holding(s);
  } else {
    (void)m;
    (void)s;
    return 0;
  }
}

template <StateMachine M>
std::uint64_t fingerprint(const M& m, const typename M::State& s, StateEncoder& encoder) {
  if constexpr (HasFingerprint<M>) return m.fingerprint(s);
  encoder.clear();
  m.encode(s, encoder);
  return encoder.fingerprint();
}

// A value of some model's State or Action type behind a shared immutable pointer, so that copies
// are cheap; `equal` compares two values of the same model.
struct ErasedValue {
  std::shared_ptr<const void> value;
  bool (*equal)(const void*, const void*) = nullptr;

  friend bool operator==(const ErasedValue& x, const ErasedValue& y) {
    if (x.value == y.value) return true;
    if (!x.value || !y.value || x.equal != y.equal || x.equal == nullptr) return false;
    return x.equal(x.value.get(), y.value.get());
  }
};

// Any StateMachine behind one type: a virtual call per operation. It satisfies StateMachine
// itself, so every explorer runs on it unchanged.
class AnyStateMachine {
 public:
  using State = ErasedValue;
  using Action = ErasedValue;

  template <StateMachine M>
  explicit AnyStateMachine(M model) : impl_(std::make_shared<const Holder<M>>(std::move(model))) {}

  void initial_states(std::vector<State>& states) const { impl_->initial_states(states); }
  void actions(const State& s, std::vector<Action>& actions) const { impl_->actions(s, actions); }
  State next(const State& s, const Action& a) const { return impl_->next(s, a); }
  void encode(const State& s, StateEncoder& encoder) const { impl_->encode(s, encoder); }
  std::optional<Violation> check(const State& s) const { return impl_->check(s); }
  std::uint32_t actor(const Action& a) const { return impl_->actor(a); }
  bool independent(const Action& a, const Action& b) const { return impl_->independent(a, b); }
  std::string describe(const Action& a) const { return impl_->describe(a); }
  void canonicalize(State& s) const { impl_->canonicalize(s); }
  bool supports_symmetry() const { return impl_->supports_symmetry(); }
  std::size_t state_bytes(const State& s) const { return impl_->state_bytes(s); }
  std::vector<WitnessInfo> witnesses() const { return impl_->witnesses(); }
  std::uint64_t witnesses_holding(const State& s) const { return impl_->witnesses_holding(s); }

 private:
  struct Interface {
    virtual ~Interface() = default;
    virtual void initial_states(std::vector<State>& states) const = 0;
    virtual void actions(const State& s, std::vector<Action>& actions) const = 0;
    virtual State next(const State& s, const Action& a) const = 0;
    virtual void encode(const State& s, StateEncoder& encoder) const = 0;
    virtual std::optional<Violation> check(const State& s) const = 0;
    virtual std::uint32_t actor(const Action& a) const = 0;
    virtual bool independent(const Action& a, const Action& b) const = 0;
    virtual std::string describe(const Action& a) const = 0;
    virtual void canonicalize(State& s) const = 0;
    virtual bool supports_symmetry() const = 0;
    virtual std::size_t state_bytes(const State& s) const = 0;
    virtual std::vector<WitnessInfo> witnesses() const = 0;
    virtual std::uint64_t witnesses_holding(const State& s) const = 0;
  };

  template <StateMachine M>
  struct Holder final : Interface {
    using S = typename M::State;
    using A = typename M::Action;
    explicit Holder(M model) : m(std::move(model)) {}

    static bool equal_states(const void*, const void*) { return false; }  // states compare by encoding
    static bool equal_actions(const void* x, const void* y) {
      return *static_cast<const A*>(x) == *static_cast<const A*>(y);
    }
    static State wrap_state(S s) { return State{std::make_shared<const S>(std::move(s)), &equal_states}; }
    static Action wrap_action(A a) { return Action{std::make_shared<const A>(std::move(a)), &equal_actions}; }
    static const S& state(const State& s) { return *static_cast<const S*>(s.value.get()); }
    static const A& action(const Action& a) { return *static_cast<const A*>(a.value.get()); }

    void initial_states(std::vector<State>& states) const override {
      std::vector<S> typed;
      m.initial_states(typed);
      for (S& s : typed) states.push_back(wrap_state(std::move(s)));
    }
    void actions(const State& s, std::vector<Action>& actions) const override {
      std::vector<A> typed;
      m.actions(state(s), typed);
      for (A& a : typed) actions.push_back(wrap_action(std::move(a)));
    }
    State next(const State& s, const Action& a) const override { return wrap_state(m.next(state(s), action(a))); }
    void encode(const State& s, StateEncoder& encoder) const override { m.encode(state(s), encoder); }
    std::optional<Violation> check(const State& s) const override { return m.check(state(s)); }
    std::uint32_t actor(const Action& a) const override { return m.actor(action(a)); }
    bool independent(const Action& a, const Action& b) const override {
      return corridor::independent(m, action(a), action(b));
    }
    std::string describe(const Action& a) const override { return m.describe(action(a)); }
    void canonicalize(State& s) const override {
      if constexpr (HasCanonicalize<M>) {
        S copy = state(s);
        m.canonicalize(copy);
        s = wrap_state(std::move(copy));
      }
    }
    bool supports_symmetry() const override { return corridor::supports_symmetry(m); }
    std::size_t state_bytes(const State& s) const override {
      return sizeof(State) + 2 * sizeof(void*) + corridor::state_bytes(m, state(s));
    }
    std::vector<WitnessInfo> witnesses() const override { return declared_witnesses(m); }
    std::uint64_t witnesses_holding(const State& s) const override { return reached_witnesses(m, state(s)); }

    M m;
  };

  std::shared_ptr<const Interface> impl_;
};

static_assert(StateMachine<AnyStateMachine>);
static_assert(HasWitnesses<AnyStateMachine>);

}  // namespace corridor

#pragma once
// What a model (a sequential specification) provides to the checker. A model is small to write:
//
//   struct M {
//     using State = ...;                      // a value type with operator==
//     static constexpr std::string_view name = "...";
//     explicit M(const ValueCodec& codec);    // values are codes; the codec turns them back
//     M(const ValueCodec& codec, ValueCode initial);  // optional: a model with an initial value
//     State initial() const;
//     // Applies `op` to `state`: false when the recorded outcome of `op` is impossible there.
//     // An op with Outcome::unknown may or may not take effect; the search handles "not at all",
//     // so step() only says what happens if it does.
//     bool step(const State& state, const Operation& op, State& next) const;
//     std::uint64_t hash(const State& state) const;
//     std::string describe(const State& state) const;                // for people
//     // True if `op` leaves the state as it is in every state where it fits (a read, a failed
//     // cas): the search may then take it as soon as it fits, without trying anything else first.
//     static bool preserves_state(const Operation& op);
//     // Turns a history's call and completion into an Operation, or returns false to drop it
//     // (a failed write never happened; a read with an unknown result constrains nothing; a nil
//     // read when events.nil_read is unknown). Failed operations under FailMeans::not_happened
//     // are dropped before compile() sees them.
//     // Throws ModelInputError for a value of the wrong shape or an unknown function.
//     static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op);
//     static std::string describe(const Operation& op, const ValueCodec& codec);
//
//     // Optional, to prune early: false when `op` fits in no state reachable from `state`, given
//     // that every operation returning before event `frontier` is linearized; watches(op) says for
//     // which operations it can be false; prepare(ops) sees the partition's operations first.
//     bool may_fit_later(const State&, const Operation& op, std::uint32_t op_index, std::uint32_t frontier) const;
//     static bool watches(const Operation& op);
//     void prepare(std::span<const Operation> ops);
//   };
//
// States are interned by StateStore, and steps memoised there, so a model need not be fast on
// its own: a state larger than 8 bytes costs one hash lookup per step after the first.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "model/hash_mix.hpp"
#include "invariants/lincheck/operation.hpp"
#include "invariants/lincheck/semantics.hpp"
#include "invariants/lincheck/value_codec.hpp"
#include "model/history.hpp"

namespace corridor::lincheck {

// A value of the wrong shape or an unknown function; the caller adds file:line.
struct ModelInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The events of one operation, as the model's compile() sees them.
struct OperationEvents {
  const HistoryEvent& call;
  const HistoryEvent* completion;  // nullptr when never completed
  Outcome outcome;
  NilRead nil_read = NilRead::value;

  // A completed read whose result is nil, read as "unknown": it constrains nothing.
  bool unknown_nil_result() const {
    return nil_read == NilRead::unknown && outcome == Outcome::ok &&
           std::holds_alternative<std::monostate>(completion->value);
  }
};

[[noreturn]] inline void unknown_function(std::string_view model, std::string_view f) {
  throw ModelInputError(fmt::format("the {} model has no function '{}'", model, f));
}

// The two elements of a cas argument [expected new], as codes.
inline void compile_pair(const HistoryValue& value, ValueCodec& codec, Operation& op) {
  const ValueCode code = codec.scalar(value);
  const auto& elements = codec.list_of(code);
  if (std::holds_alternative<std::monostate>(value) || elements.size() != 2) {
    throw ModelInputError(fmt::format("expected a pair [expected new] as the cas value, found {}",
                                      format_history_value(value)));
  }
  op.input1 = elements[0];
  op.input2 = elements[1];
}

inline const char* outcome_word(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::fail: return "failed";
    case Outcome::unknown: return "unknown outcome";
  }
  return "?";
}

}  // namespace corridor::lincheck

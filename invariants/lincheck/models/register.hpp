#pragma once
// A read/write register, and a compare-and-set register (the etcd histories). Initially nil, or
// the value given (Knossos's `(cas-register 0)`). A failed cas that reaches the model is an
// observation: the comparison was false at some instant of the interval.
#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

template <bool with_cas>
struct RegisterModelOf {
  using State = ValueCode;
  static constexpr std::string_view name = with_cas ? "cas-register" : "register";
  enum Function : std::uint8_t { read, write, cas };

  explicit RegisterModelOf(const ValueCodec& codec, ValueCode initial = nil_code)
      : codec_(&codec), initial_(initial) {}
  State initial() const { return initial_; }
  std::uint64_t hash(const State& state) const { return mix64(static_cast<std::uint64_t>(state)); }
  std::string describe(const State& state) const { return codec_->describe(state); }

  bool step(const State& state, const Operation& op, State& next) const {
    switch (op.function) {
      case read: next = state; return state == op.output;
      case write: next = op.input1; return true;
      default: {
        const bool match = state == op.input1;
        next = match ? op.input2 : state;
        if (op.outcome == Outcome::ok) return match;
        if (op.outcome == Outcome::fail) return !match;
        return true;
      }
    }
  }

  static bool preserves_state(const Operation& op) {
    return op.function == read || (op.function == cas && (op.outcome == Outcome::fail || op.input1 == op.input2));
  }

  static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op) {
    const std::string& f = events.call.f;
    if (f == "read") {
      op.function = read;
      // no effect, and no result to check
      if (events.outcome != Outcome::ok || events.unknown_nil_result()) return false;
      op.output = codec.scalar(events.completion->value);
      return true;
    }
    if (f == "write") {
      op.function = write;
      op.input1 = codec.scalar(events.call.value);
      return events.outcome != Outcome::fail;  // a failed write did not happen
    }
    if (with_cas && f == "cas") {
      op.function = cas;
      compile_pair(events.call.value, codec, op);
      return true;
    }
    unknown_function(name, f);
  }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    switch (op.function) {
      case read: return fmt::format("read -> {}", codec.describe(op.output));
      case write: return fmt::format("write {}", codec.describe(op.input1));
      default:
        return fmt::format("cas {} -> {}{}", codec.describe(op.input1), codec.describe(op.input2),
                           op.outcome == Outcome::fail ? " (failed: value differed)" : "");
    }
  }

 private:
  const ValueCodec* codec_;
  ValueCode initial_;
};

using RegisterModel = RegisterModelOf<false>;
using CasRegisterModel = RegisterModelOf<true>;

}  // namespace corridor::lincheck

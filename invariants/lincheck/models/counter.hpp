#pragma once
// A counter: add d (increment adds 1, or its value when given), read returns the total. Starts at 0.
#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

struct CounterModel {
  using State = std::int64_t;
  static constexpr std::string_view name = "counter";
  enum Function : std::uint8_t { add, read };

  explicit CounterModel(const ValueCodec&) {}
  State initial() const { return 0; }
  std::uint64_t hash(const State& state) const { return mix64(static_cast<std::uint64_t>(state)); }
  std::string describe(const State& state) const { return fmt::format("{}", state); }

  bool step(const State& state, const Operation& op, State& next) const {
    if (op.function == read) {
      next = state;
      return state == op.output;
    }
    next = static_cast<State>(static_cast<std::uint64_t>(state) + static_cast<std::uint64_t>(op.input1));
    return true;
  }

  static bool preserves_state(const Operation& op) { return op.function == read || op.input1 == 0; }

  static bool compile(const OperationEvents& events, ValueCodec&, Operation& op) {
    const std::string& f = events.call.f;
    if (f == "read") {
      op.function = read;
      if (events.outcome != Outcome::ok || events.unknown_nil_result()) return false;
      op.output = integer(events.completion->value, 0, "read");
      return true;
    }
    if (f != "add" && f != "increment" && f != "inc") unknown_function(name, f);
    op.function = add;
    op.input1 = integer(events.call.value, 1, f);
    return events.outcome != Outcome::fail;
  }

  static std::string describe(const Operation& op, const ValueCodec&) {
    if (op.function == read) return fmt::format("read -> {}", op.output);
    return fmt::format("add {}", op.input1);
  }

 private:
  static std::int64_t integer(const HistoryValue& value, std::int64_t if_nil, std::string_view f) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
    if (std::holds_alternative<std::monostate>(value)) return if_nil;
    throw ModelInputError(fmt::format("expected an integer as the value of counter {}, found {}", f,
                                      format_history_value(value)));
  }
};

}  // namespace corridor::lincheck

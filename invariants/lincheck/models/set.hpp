#pragma once
// A grow-only set: add v; read returns every element (a list, in any order, each element once:
// a read with duplicates is impossible).
#include <algorithm>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

struct SetModel {
  using State = std::vector<ValueCode>;  // sorted, no duplicates
  static constexpr std::string_view name = "set";
  enum Function : std::uint8_t { add, read };

  explicit SetModel(const ValueCodec& codec) : codec_(&codec) {}
  State initial() const { return {}; }
  std::uint64_t hash(const State& state) const {
    return XXH3_64bits(state.data(), state.size() * sizeof(ValueCode));
  }
  std::string describe(const State& state) const {
    std::string out = "#{";
    for (std::size_t i = 0; i < state.size(); ++i) out += (i ? " " : "") + codec_->describe(state[i]);
    return out + "}";
  }

  bool step(const State& state, const Operation& op, State& next) const {
    next = state;
    if (op.function == read) return codec_->list_of(op.output) == state;
    const auto at = std::lower_bound(next.begin(), next.end(), op.input1);
    if (at == next.end() || *at != op.input1) next.insert(at, op.input1);
    return true;
  }

  static bool preserves_state(const Operation& op) { return op.function == read; }

  static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op) {
    const std::string& f = events.call.f;
    if (f == "add") {
      op.function = add;
      op.input1 = codec.scalar(events.call.value);
      return events.outcome != Outcome::fail;
    }
    if (f != "read") unknown_function(name, f);
    op.function = read;
    if (events.outcome != Outcome::ok || events.unknown_nil_result()) return false;
    const HistoryValue& value = events.completion->value;
    std::vector<ValueCode> elements;
    if (!std::holds_alternative<std::monostate>(value)) {
      elements = codec.list_of(codec.scalar(value));
      if (elements.empty() && !std::holds_alternative<std::vector<std::int64_t>>(value) &&
          !std::holds_alternative<std::vector<std::string>>(value)) {
        throw ModelInputError(fmt::format("expected a list as a set read, found {}", format_history_value(value)));
      }
    }
    // Sorted, duplicates kept: a read that returns an element twice equals no state (states hold
    // each element once), so it is impossible, as in Porcupine's set test.
    std::sort(elements.begin(), elements.end());
    op.output = codec.list(elements);
    return true;
  }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    if (op.function == add) return fmt::format("add {}", codec.describe(op.input1));
    return fmt::format("read -> {}", codec.describe(op.output));
  }

 private:
  const ValueCodec* codec_;
};

}  // namespace corridor::lincheck

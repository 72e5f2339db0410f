#pragma once
// A FIFO queue: enqueue v; dequeue returns the oldest element, or nil when the queue is empty.
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

struct QueueModel {
  using State = std::vector<ValueCode>;  // oldest first
  static constexpr std::string_view name = "queue";
  enum Function : std::uint8_t { enqueue, dequeue };

  explicit QueueModel(const ValueCodec& codec) : codec_(&codec) {}
  State initial() const { return {}; }
  std::uint64_t hash(const State& state) const {
    return XXH3_64bits(state.data(), state.size() * sizeof(ValueCode));
  }
  std::string describe(const State& state) const {
    std::string out = "[";
    for (std::size_t i = 0; i < state.size(); ++i) out += (i ? " " : "") + codec_->describe(state[i]);
    return out + "]";
  }

  bool step(const State& state, const Operation& op, State& next) const {
    if (op.function == enqueue) {
      next = state;
      next.push_back(op.input1);
      return true;
    }
    if (state.empty()) {
      next = state;
      return op.outcome == Outcome::unknown || op.output == nil_code;
    }
    next.assign(state.begin() + 1, state.end());
    return op.outcome == Outcome::unknown || op.output == state.front();
  }

  // A dequeue that returned nil fits only an empty queue, and leaves it empty.
  static bool preserves_state(const Operation& op) {
    return op.function == dequeue && op.outcome == Outcome::ok && op.output == nil_code;
  }

  static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op) {
    const std::string& f = events.call.f;
    if (events.outcome == Outcome::fail) return false;
    if (f == "enqueue") {
      op.function = enqueue;
      op.input1 = codec.scalar(events.call.value);
      return true;
    }
    if (f != "dequeue") unknown_function(name, f);
    op.function = dequeue;
    if (events.outcome == Outcome::ok) op.output = codec.scalar(events.completion->value);
    return true;
  }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    if (op.function == enqueue) return fmt::format("enqueue {}", codec.describe(op.input1));
    if (op.outcome == Outcome::unknown) return "dequeue -> ?";
    return fmt::format("dequeue -> {}", codec.describe(op.output));
  }

 private:
  const ValueCodec* codec_;
};

}  // namespace corridor::lincheck

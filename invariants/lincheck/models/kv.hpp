#pragma once
// One key of a key-value store: get, put, append, cas, delete (the Porcupine kv histories). The
// checker splits a kv history by key and checks each key with this model (P-compositionality);
// MapModel<KvModel> checks the whole map as one state instead. Values are compared as text, so an
// integer 3 and the string "3" are the same value. A get that returns "" also matches an absent
// key (the Porcupine logs write "" for both); a get that returns nil matches only an absent key.
#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

struct KvModel {
  struct State {
    std::string text;
    bool present = false;
    bool operator==(const State&) const = default;
  };
  static constexpr std::string_view name = "kv";
  enum Function : std::uint8_t { get, put, append, cas, remove };

  explicit KvModel(const ValueCodec& codec) : codec_(&codec) {}
  State initial() const { return State{}; }
  std::uint64_t hash(const State& state) const {
    return XXH3_64bits_withSeed(state.text.data(), state.text.size(), state.present ? 1 : 0);
  }
  std::string describe(const State& state) const {
    return state.present ? fmt::format("\"{}\"", state.text) : std::string("absent");
  }

  bool step(const State& state, const Operation& op, State& next) const {
    switch (op.function) {
      case get: next = state; return reads(state, op.output);
      case put: next = State{std::string(codec_->text_of(op.input1)), true}; return true;
      case append:
        next = State{state.text, true};
        next.text += codec_->text_of(op.input1);
        return true;
      case remove: next = State{}; return true;
      default: {
        const bool match = op.input1 == nil_code ? !state.present
                                                 : state.present && state.text == codec_->text_of(op.input1);
        next = match ? State{std::string(codec_->text_of(op.input2)), true} : state;
        if (op.outcome == Outcome::ok) return match;
        if (op.outcome == Outcome::fail) return !match;
        return true;
      }
    }
  }

  static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op) {
    const std::string& f = events.call.f;
    if (f == "get" || f == "read") {
      op.function = get;
      if (events.outcome != Outcome::ok) return false;
      op.output = codec.scalar(events.completion->value);
      return true;
    }
    if (f == "cas") {
      op.function = cas;
      compile_pair(events.call.value, codec, op);
      return true;
    }
    if (f == "put" || f == "write") op.function = put;
    else if (f == "append") op.function = append;
    else if (f == "delete" || f == "remove") op.function = remove;
    else unknown_function(name, f);
    op.input1 = codec.scalar(events.call.value);
    return events.outcome != Outcome::fail;
  }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    switch (op.function) {
      case get: return fmt::format("get -> {}", codec.describe(op.output));
      case put: return fmt::format("put {}", codec.describe(op.input1));
      case append: return fmt::format("append {}", codec.describe(op.input1));
      case remove: return "delete";
      default:
        return fmt::format("cas {} -> {}{}", codec.describe(op.input1), codec.describe(op.input2),
                           op.outcome == Outcome::fail ? " (failed: value differed)" : "");
    }
  }

 private:
  bool reads(const State& state, ValueCode output) const {
    if (output == nil_code) return !state.present;
    const std::string_view text = codec_->text_of(output);
    if (!state.present) return text.empty();
    return state.text == text;
  }

  const ValueCodec* codec_;
};

}  // namespace corridor::lincheck

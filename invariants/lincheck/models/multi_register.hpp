#pragma once
// Knossos's multi-register: a map of registers read and written together. One function, txn,
// whose value is a transaction [[:read :x 1] [:write :y 2]] (micro_op.hpp), applied in order as
// one atomic step: a read must see the register's value (or what an earlier write of the same
// transaction put there), a write sets it. Every register starts at the initial value (nil, or
// Semantics::initial). A read of nil constrains nothing when nil reads are unknown (Knossos:
// "nil reads are always legal"), and in a transaction whose outcome is unknown no read has a
// result. Registers written together are one state, so the history is not split by register.
#include <algorithm>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "invariants/lincheck/micro_op.hpp"
#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

class MultiRegisterModel {
 public:
  // (register, value) pairs, flattened and sorted by register, for every register whose value
  // is not the initial one: so equal maps are equal vectors.
  using State = std::vector<ValueCode>;
  static constexpr std::string_view name = "multi-register";
  enum Function : std::uint8_t { txn };
  enum MicroKind : ValueCode { micro_read = 0, micro_write = 1 };

  explicit MultiRegisterModel(const ValueCodec& codec, ValueCode initial = nil_code)
      : codec_(&codec), initial_(initial) {}

  State initial() const { return {}; }
  std::uint64_t hash(const State& state) const {
    return XXH3_64bits(state.data(), state.size() * sizeof(ValueCode));
  }
  std::string describe(const State& state) const {
    std::string out = "{";
    for (std::size_t i = 0; i < state.size(); i += 2) {
      out += fmt::format("{}{} {}", i ? ", " : "", codec_->text_of(state[i]), codec_->describe(state[i + 1]));
    }
    if (initial_ != nil_code) out += fmt::format("{}others {}", state.empty() ? "" : ", ", codec_->describe(initial_));
    return out + "}";
  }

  bool step(const State& state, const Operation& op, State& next) const {
    next = state;
    for (const ValueCode micro : codec_->list_of(op.input1)) {
      const std::vector<ValueCode>& m = codec_->list_of(micro);
      if (m[0] == micro_read) {
        if (value_of(next, m[1]) != m[2]) return false;
      } else {
        set(next, m[1], m[2]);
      }
    }
    return true;
  }

  // input2 is 1 for a transaction of reads only.
  static bool preserves_state(const Operation& op) { return op.input2 == 1; }

  static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op) {
    if (events.call.f != "txn") unknown_function(name, events.call.f);
    op.function = txn;
    if (events.outcome == Outcome::fail) return false;  // nothing took effect, nothing observed
    // A completed transaction carries its reads' results; an indeterminate one only its writes.
    const HistoryValue& value = events.outcome == Outcome::ok ? events.completion->value : events.call.value;
    std::vector<ValueCode> micros;
    bool reads_only = true;
    for_each_micro_op(value, [&](const MicroOp& micro, const MicroValue& v) {
      const bool read = micro.f == "read";
      if (!read && micro.f != "write") {
        throw ModelInputError(fmt::format("the multi-register model has no micro-operation '{}'", micro.f));
      }
      const bool unknown_read = v.kind == MicroValue::Kind::nil &&
                                (events.outcome != Outcome::ok || events.nil_read == NilRead::unknown);
      if (read && unknown_read) return;  // constrains nothing
      reads_only &= read;
      const ValueCode value_code = v.kind == MicroValue::Kind::nil       ? nil_code
                                   : v.kind == MicroValue::Kind::integer ? codec.integer(v.integer)
                                                                         : codec.text(v.text);
      micros.push_back(codec.list({read ? micro_read : micro_write, codec.text(micro.key), value_code}));
    });
    if (micros.empty()) return false;  // reads of unknown values only
    op.input1 = codec.list(micros);
    op.input2 = reads_only ? 1 : 0;
    return true;
  }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    std::string out = "txn [";
    const auto& micros = codec.list_of(op.input1);
    for (std::size_t i = 0; i < micros.size(); ++i) {
      const auto& m = codec.list_of(micros[i]);
      out += fmt::format("{}[{} {} {}]", i ? " " : "", m[0] == micro_read ? "read" : "write", codec.text_of(m[1]),
                         codec.describe(m[2]));
    }
    return out + "]";
  }

 private:
  template <class Visit>
  static void for_each_micro_op(const HistoryValue& value, Visit visit) {
    if (const auto* empty = std::get_if<std::vector<std::int64_t>>(&value); empty && empty->empty()) return;
    const auto* texts = std::get_if<std::vector<std::string>>(&value);
    if (!texts) {
      throw ModelInputError(fmt::format("expected a transaction [[:read :x 1] [:write :y 2]] as the txn value, found {}",
                                        format_history_value(value)));
    }
    for (const std::string& text : *texts) {
      const std::optional<MicroOp> micro = parse_micro_op(text);
      const std::optional<MicroValue> v = micro ? parse_micro_value(micro->value) : std::nullopt;
      if (micro && !v && parse_micro_list(micro->value)) {  // a list-append read: --model txn reads those
        throw ModelInputError(fmt::format("the multi-register model's values are nil, integers and strings, not the list "
                                          "in \"{}\" (list-append transactions: --model txn)",
                                          text));
      }
      if (!v) throw ModelInputError(fmt::format("expected a micro-operation [f key value], found \"{}\"", text));
      visit(*micro, *v);
    }
  }

  ValueCode value_of(const State& state, ValueCode reg) const {
    for (std::size_t i = 0; i < state.size(); i += 2) {
      if (state[i] == reg) return state[i + 1];
    }
    return initial_;
  }

  void set(State& state, ValueCode reg, ValueCode value) const {
    std::size_t i = 0;
    while (i < state.size() && state[i] < reg) i += 2;
    const bool present = i < state.size() && state[i] == reg;
    if (value == initial_) {
      if (present) state.erase(state.begin() + static_cast<std::ptrdiff_t>(i), state.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    } else if (present) {
      state[i + 1] = value;
    } else {
      state.insert(state.begin() + static_cast<std::ptrdiff_t>(i), {reg, value});
    }
  }

  const ValueCodec* codec_;
  ValueCode initial_;
};

}  // namespace corridor::lincheck

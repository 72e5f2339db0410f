#pragma once
// One operation of a history as the checker sees it: an invocation paired with its completion,
// compiled by a model into fixed-width arguments. Flat and small so that a partition's operations
// sit in one array and the search touches no strings.
#include <cstdint>
#include <limits>

namespace corridor::lincheck {

// What the completion told us. `ok`: it took effect with the recorded result. `fail`: a definite
// observation that the operation found its precondition false (only kept by models for which a
// failure carries information, such as cas). `unknown`: an indeterminate (`info`) operation, or one
// never completed: it may or may not have taken effect, at any time after its invocation.
enum class Outcome : std::uint8_t { ok, fail, unknown };

inline constexpr std::uint32_t no_event = std::numeric_limits<std::uint32_t>::max();

struct Operation {
  std::uint32_t call_event = 0;           // index of the invocation in the history
  std::uint32_t return_event = no_event;  // index of the completion; no_event when indeterminate
  std::uint32_t process = 0;
  std::uint32_t key = 0;                  // dense index of the key (0 where the model has one object)
  std::uint8_t function = 0;              // the model's function code
  Outcome outcome = Outcome::ok;
  // Arguments and result, in the model's encoding (value codes of ValueCodec, or plain integers).
  std::int64_t input1 = 0;
  std::int64_t input2 = 0;
  std::int64_t output = 0;

  bool indeterminate() const { return outcome == Outcome::unknown; }
  bool same_input(const Operation& other) const {
    return function == other.function && key == other.key && input1 == other.input1 && input2 == other.input2;
  }
};

}  // namespace corridor::lincheck

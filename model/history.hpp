#pragma once
// Client histories: the invoke / ok / fail / info events that simulated clients record, and that
// history files from elsewhere (Jepsen, Porcupine) are parsed into. One concept, one place: the
// simulator, the history parsers and the linearizability checker all speak this type.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "model/time.hpp"

namespace corridor {

enum class OpType : std::uint8_t { invoke, ok, fail, info };

const char* to_string(OpType type);

// A value in a history: absent (nil), an integer, a string, a list of integers (a cas pair
// [expected, new], a set read, a queue's contents) or a list of strings (a kv cas pair of string
// values, a set of strings). Which one a function uses is the model's business; the history only
// carries it.
using HistoryValue = std::variant<std::monostate, std::int64_t, std::string, std::vector<std::int64_t>,
                                  std::vector<std::string>>;

struct HistoryEvent {
  std::uint32_t process = 0;  // the client (or Jepsen process) that issued the operation
  OpType type = OpType::invoke;
  std::string f;              // the operation: read, write, cas, get, put, append, ...
  std::string key;            // empty where the model has one object
  HistoryValue value;
  time_ns true_time_ns = 0;   // when it happened (simulated true time, or the file's order)
  std::uint64_t step = 0;     // the engine step that recorded it (0 for parsed files)
};

using History = std::vector<HistoryEvent>;

std::string format_history_value(const HistoryValue& value);

}  // namespace corridor

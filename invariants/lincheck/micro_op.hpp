#pragma once
// A transaction's micro-operations ([f key value] triples, as in Knossos's multi-register
// histories: [[:read :x nil] [:write :y 3]]) carried in a HistoryValue, which has no nested lists:
// a transaction is a list of strings, one "f key value" text per micro-operation, with the value
// written as nil, a decimal integer, a quoted string, or a list of integers "[1 2 3]" (the read of
// a list-append transaction, [:r :x [1 2 3]]). The readers write it (history_file.cpp), the
// multi-register model and the transactional checker (invariants/txn/) read it; this is the one
// place that knows the spelling.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corridor::lincheck {

struct MicroOp {
  std::string_view f;      // read or write
  std::string_view key;    // the register's name (no spaces)
  std::string_view value;  // "nil", a decimal integer, or "\"text\""
};

inline std::string micro_op_text(std::string_view f, std::string_view key, std::string_view value) {
  std::string out;
  out.reserve(f.size() + key.size() + value.size() + 2);
  out.append(f).append(" ").append(key).append(" ").append(value);
  return out;
}

// nullopt when `text` is not "f key value" with f and key free of spaces.
inline std::optional<MicroOp> parse_micro_op(std::string_view text) {
  const std::size_t first = text.find(' ');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  const std::size_t second = text.find(' ', first + 1);
  if (second == std::string_view::npos || second == first + 1 || second + 1 >= text.size()) return std::nullopt;
  return MicroOp{text.substr(0, first), text.substr(first + 1, second - first - 1), text.substr(second + 1)};
}

// The value of a micro-op: nil, an integer, or a string (a view into `value`).
struct MicroValue {
  enum class Kind : std::uint8_t { nil, integer, text } kind = Kind::nil;
  std::int64_t integer = 0;
  std::string_view text;
};

inline std::optional<MicroValue> parse_micro_value(std::string_view value) {
  if (value == "nil") return MicroValue{};
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return MicroValue{MicroValue::Kind::text, 0, value.substr(1, value.size() - 2)};
  }
  std::int64_t integer = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), integer);
  if (error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
  return MicroValue{MicroValue::Kind::integer, integer, {}};
}

// The spelling of a list value: "[1 2 3]", "[]".
inline std::string micro_list_text(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out.append(i ? " " : "").append(std::to_string(values[i]));
  return out.append("]");
}

// nullopt when `value` is not a list of decimal integers in brackets, separated by single spaces.
inline std::optional<std::vector<std::int64_t>> parse_micro_list(std::string_view value) {
  if (value.size() < 2 || value.front() != '[' || value.back() != ']') return std::nullopt;
  std::string_view rest = value.substr(1, value.size() - 2);
  std::vector<std::int64_t> out;
  while (!rest.empty()) {  // each pass consumes at least one character
    std::int64_t integer = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), integer);
    if (error != std::errc{}) return std::nullopt;
    out.push_back(integer);
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    if (!rest.empty()) {
      if (rest.front() != ' ' || rest.size() == 1) return std::nullopt;
      rest.remove_prefix(1);
    }
  }
  return out;
}

}  // namespace corridor::lincheck

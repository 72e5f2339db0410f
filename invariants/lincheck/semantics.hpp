#pragma once
// How a history's events are read: the conventions differ between the tools that write histories,
// and the same file can be linearizable under one reading and not under another. Each format
// carries its tool's reading (history_file.hpp: semantics_of), and the command line overrides it.
//
// - fail_means: `observed` (Porcupine's etcd logs, corridor's own): a failed operation is an
//   observation; of the models, a failed cas says that the comparison was false at some instant
//   of its interval, and other failed operations did not take effect. `not_happened` (Jepsen,
//   Knossos): a failed operation did not happen, whatever its function, and constrains nothing.
// - nil_read: `value` (Porcupine, corridor): a read that returned nil says the register holds nil
//   (the key is absent). `unknown` (Knossos): a nil read is a read whose value is not known, and
//   constrains nothing. Models where nil is a value of their own (a queue's dequeue of nil: the
//   queue was empty) read it as a value either way.
// - initial: the value a register model starts from (Knossos's `(cas-register 0)`); nil if unset.
#include <cstdint>
#include <optional>
#include <string_view>

#include "model/history.hpp"

namespace corridor::lincheck {

enum class FailMeans : std::uint8_t { observed, not_happened };
enum class NilRead : std::uint8_t { value, unknown };

struct Semantics {
  FailMeans fail_means = FailMeans::observed;
  NilRead nil_read = NilRead::value;
  std::optional<HistoryValue> initial;  // register models only; nullopt: nil
};

inline const char* to_string(FailMeans fail_means) {
  return fail_means == FailMeans::observed ? "observed" : "not-happened";
}
inline const char* to_string(NilRead nil_read) { return nil_read == NilRead::value ? "value" : "unknown"; }

inline std::optional<FailMeans> parse_fail_means(std::string_view name) {
  if (name == "observed") return FailMeans::observed;
  if (name == "not-happened") return FailMeans::not_happened;
  return std::nullopt;
}
inline std::optional<NilRead> parse_nil_read(std::string_view name) {
  if (name == "value") return NilRead::value;
  if (name == "unknown") return NilRead::unknown;
  return std::nullopt;
}

}  // namespace corridor::lincheck

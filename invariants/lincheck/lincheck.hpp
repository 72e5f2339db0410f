#pragma once
// corridor's linearizability checker: the one entry point for recorded histories and for the
// simulator's history check at the end of a run.
//
//   LincheckResult check_history(const History& history, const LincheckOptions& options);
//
// - history: invoke / ok / fail / info events in real-time order (model/history.hpp). An
//   invocation pairs with the next completion of the same process. `info`, or no completion at all,
//   means the operation may or may not have taken effect. What `fail` and a nil read mean is
//   options.semantics (semantics.hpp); by default corridor's own reading: a failed operation did
//   not take effect, except a cas, where it is an observation that the comparison was false, and
//   a nil read says the register holds nil.
// - options.model: one of model_names(): register, cas-register, multi-register, kv, lock, queue,
//   set, counter.
// - the verdict: linearizable, not_linearizable, or unknown when the time or memory budget ran out.
//   to_verdict() maps it to corridor's Verdict (pass, safety, hung) and so to the exit codes.
// - throws InputError (model/verdict.hpp) for a history that does not fit the model (an unknown
//   function, a value of the wrong shape, a process invoking twice): "source:line: what".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "invariants/lincheck/operation.hpp"
#include "invariants/lincheck/semantics.hpp"
#include "model/history.hpp"
#include "model/verdict.hpp"

namespace corridor::lincheck {

enum class LinVerdict : std::uint8_t { linearizable, not_linearizable, unknown };

const char* to_string(LinVerdict verdict);
Verdict to_verdict(LinVerdict verdict);  // pass, safety, hung
int exit_code_of(LinVerdict verdict);    // 0, 1, 4

struct LincheckOptions {
  std::string model = "cas-register";
  double time_budget_s = 60.0;
  std::size_t memory_budget_bytes = std::size_t{2} << 30;
  unsigned threads = 0;       // partitions checked in parallel; 0: one per core
  bool split_by_key = true;   // P-compositional split; false checks all keys as one map state
  bool prune = true;          // pruning of indeterminate operations (false: the plain reference search)
  bool describe_operations = false;  // fill CheckedOperation::description for every operation
  bool explain = true;  // false: the verdict only (no violation, no explanation), as fast as it gets
  Semantics semantics;  // how fail and nil reads are read; the initial value of register models
  // For messages: the history's name and the line of each event (empty: event numbers instead).
  std::string source = "history";
  std::vector<std::uint32_t> event_lines;
};

struct CheckedOperation {
  std::uint32_t process = 0;
  std::string key;
  std::uint32_t call_event = 0;
  std::uint32_t return_event = no_event;  // no_event: indeterminate
  Outcome outcome = Outcome::ok;
  std::string description;  // "cas 1 -> 3", when describe_operations (always for those in a violation)
};

struct Violation {
  std::string key;                          // the partition's key ("" for a single object)
  std::uint32_t operation = 0;              // the one that cannot be linearized (index in operations)
  std::vector<std::uint32_t> longest_prefix;  // the longest linearizable prefix found, in order
  std::string state_after_prefix;
  struct Concurrent {
    std::uint32_t operation = 0;
    bool fits = false;  // the model accepts it after the prefix (but nothing completes from there)
    std::string state_after;  // when it fits
  };
  std::vector<Concurrent> concurrent;  // operations that could have come next, the failing one among them
};

struct LincheckResult {
  LinVerdict verdict = LinVerdict::linearizable;
  std::string model;
  std::string explanation;  // words: why not linearizable, or why unknown; empty when linearizable
  std::vector<CheckedOperation> operations;  // in call order; dropped ones (failed writes) excluded
  std::optional<Violation> violation;
  std::size_t partitions = 0;
  std::size_t configurations = 0;  // memo entries over all partitions
  std::size_t memory_bytes = 0;    // peak bytes of memo tables and state stores (sum over partitions)
};

std::vector<std::string> model_names();
bool is_model(const std::string& name);

LincheckResult check_history(const History& history, const LincheckOptions& options);

}  // namespace corridor::lincheck

#pragma once
// The grader's own check of a seed's history (issue 13, item 3): a child runs the student's code,
// checkers included, so its "pass" is the student's word. For every seed of a scenario that names
// a history invariant the grader knows (today: "linearizable", with the suite's history_model),
// the child writes the run's client history (a passing seed's as a JSON Lines history file, a
// failing seed's inside its trace) and the grader, in its own process, reads it and runs the
// checker again. What it re-checks is the history the child wrote down: this catches a checker
// the submission broke or skipped, not a child that forges the history it writes.
#include <optional>
#include <string>
#include <vector>

namespace corridor::grade {

struct HistoryRecheck {
  std::string model;  // the linearizability model (lincheck::model_names()); empty: nothing to re-check
  bool enabled() const { return !model.empty(); }
};

// What to re-check for a scenario that names `invariants`, under the suite's history_model.
HistoryRecheck history_recheck_for(const std::vector<std::string>& invariants, const std::string& history_model);

struct RecheckFinding {
  std::string invariant;  // "linearizable"
  std::string sentence;   // for people
  bool unreadable = false;  // the trace was missing or malformed, not a violation found in it
};

// Reads the history file (or trace) at `path` and checks it; nullopt when it holds.
std::optional<RecheckFinding> recheck_history_file(const std::string& path, const HistoryRecheck& recheck);

}  // namespace corridor::grade

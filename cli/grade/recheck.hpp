#pragma once
// The grader's own check of a seed's history (issue 13, item 3): a child runs the student's code,
// checkers included, so its "pass" is the student's word. For every seed of a scenario that names
// a history invariant the grader knows (today: "linearizable", with the suite's history_model),
// the child writes each passing seed's client history to a history file and the grader, in its
// own process, reads it and runs the checker again (a failing seed has failed already). What it
// re-checks is the history the child wrote down: this catches a checker the submission broke or
// skipped, not a child that forges the history it writes.
#include <cstdint>
#include <map>
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
  std::string invariant;    // "linearizable"
  std::string sentence;     // for people
  bool unreadable = false;  // the history was malformed, not a violation found in it
};

// A child's history file (cli/cmd_grade_child.cpp, HistoryFile): each seed's history text, by
// seed. A missing file is an empty map (the child died before its first passing seed).
std::map<std::uint64_t, std::string> read_history_file(const std::string& path);

// Checks one seed's history text (JSON Lines; `source` names it in messages); nullopt when it holds.
std::optional<RecheckFinding> recheck_history(const std::string& text, const std::string& source,
                                              const HistoryRecheck& recheck);

}  // namespace corridor::grade

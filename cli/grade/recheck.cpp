#include "cli/grade/recheck.hpp"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "invariants/linearizability.hpp"
#include "model/assert.hpp"
#include "invariants/lincheck/formats/history_file.hpp"

namespace corridor::grade {

HistoryRecheck history_recheck_for(const std::vector<std::string>& invariants, const std::string& history_model) {
  const bool names_linearizable = std::find(invariants.begin(), invariants.end(), "linearizable") != invariants.end();
  if (!names_linearizable || history_model.empty()) return {};
  return {history_model};
}

std::optional<RecheckFinding> recheck_history_file(const std::string& path, const HistoryRecheck& recheck) {
  CORRIDOR_ASSERT(recheck.enabled());
  History history;
  try {
    history = lincheck::parse_history(lincheck::read_file(path), path, lincheck::HistoryFormat::jsonl).events;
  } catch (const std::exception& e) {
    return RecheckFinding{"linearizable", fmt::format("the grader could not read the history to re-check it: {}", e.what()),
                          true};
  }
  const HistoryChecker checker = invariants::linearizability({.model = recheck.model});
  CORRIDOR_ASSERT(checker.name == "linearizable");
  const std::optional<Violation> v = checker.check(history);
  if (!v) return std::nullopt;
  return RecheckFinding{checker.name,
                        fmt::format("the grader's own check of the history the program wrote ({} history events, model "
                                    "{}): {}",
                                    history.size(), recheck.model, v->message),
                        false};
}

}  // namespace corridor::grade

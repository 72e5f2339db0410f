#include "cli/grade/recheck.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/linearizability.hpp"
#include "model/assert.hpp"

namespace corridor::grade {

namespace {
// A shard is at most a scenario's seeds, each history a few hundred lines: far below this.
constexpr std::uint64_t history_file_lines_max = std::uint64_t{1} << 26;
constexpr std::string_view seed_line = "{\"seed\":\"0x";
}  // namespace

HistoryRecheck history_recheck_for(const std::vector<std::string>& invariants, const std::string& history_model) {
  const bool names_linearizable = std::find(invariants.begin(), invariants.end(), "linearizable") != invariants.end();
  if (!names_linearizable || history_model.empty()) return {};
  return {history_model};
}

std::map<std::uint64_t, std::string> read_history_file(const std::string& path) {
  std::map<std::uint64_t, std::string> histories;
  std::ifstream in(path);
  if (!in) return histories;
  std::string* current = nullptr;
  std::uint64_t lines = 0;
  for (std::string line; std::getline(in, line);) {
    CORRIDOR_ASSERT_MSG(++lines <= history_file_lines_max, "a child's history file past its line limit");
    if (line.starts_with(seed_line)) {
      char* end = nullptr;
      const std::uint64_t seed = std::strtoull(line.c_str() + seed_line.size(), &end, 16);
      current = end != nullptr && *end == '"' ? &histories[seed] : nullptr;
      continue;
    }
    if (current) *current += line + "\n";
  }
  return histories;
}

std::optional<RecheckFinding> recheck_history(const std::string& text, const std::string& source,
                                              const HistoryRecheck& recheck) {
  CORRIDOR_ASSERT(recheck.enabled());
  History history;
  try {
    history = lincheck::parse_history(text, source, lincheck::HistoryFormat::jsonl).events;
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

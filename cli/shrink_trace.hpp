#pragma once
// Shrinking a failing trace file for people: shared by `corridor shrink` and by `corridor run`,
// which shrinks every failure it writes.
#include <optional>
#include <string>

#include "cli/common.hpp"
#include "explorers/shrink.hpp"

namespace corridor::cli {

struct ShrunkTrace {
  ShrinkResult result;
  std::string path;
  Trace trace;
};

// Where the shrunk trace of `input` goes: "X.trace.jsonl" -> "X.shrunk.trace.jsonl", next to the
// input or in `out_dir`.
std::string shrunk_path(const std::string& input, const std::optional<std::string>& out_dir);

// Shrinks `trace` (read from `name`; it must end in a violation, else InputError), writes the
// shrunk trace to `path`, and replays the written file to check it reproduces the same violation.
ShrunkTrace shrink_and_write(const Trace& trace, const std::string& name, const std::string& path,
                             const ShrinkBudget& budget);

}  // namespace corridor::cli

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
// `passes`: shrink_passes() (the default, whose last pass may make the shrunk trace an untimed
// schedule) or timed_shrink_passes().
ShrunkTrace shrink_and_write(const Trace& trace, const std::string& name, const std::string& path,
                             const ShrinkBudget& budget, std::span<const ShrinkPass> passes = shrink_passes());

}  // namespace corridor::cli

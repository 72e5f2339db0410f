#include "cli/shrink_trace.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace corridor::cli {

std::string shrunk_path(const std::string& input, const std::optional<std::string>& out_dir) {
  const std::filesystem::path in(input);
  std::string stem = in.filename().string();
  for (const char* suffix : {".trace.jsonl", ".jsonl"}) {
    if (stem.ends_with(suffix)) {
      stem.resize(stem.size() - std::string_view(suffix).size());
      break;
    }
  }
  if (stem.ends_with(".shrunk")) stem.resize(stem.size() - 7);  // shrinking a shrunk trace again
  const std::filesystem::path dir = out_dir ? std::filesystem::path(*out_dir) : in.parent_path();
  return (dir / (stem + ".shrunk.trace.jsonl")).string();
}

ShrunkTrace shrink_and_write(const Trace& trace, const std::string& name, const std::string& path,
                             const ShrinkBudget& budget, std::span<const ShrinkPass> passes) {
  if (!trace.violation) throw InputError(fmt::format("{}: the trace ends without a violation: there is nothing to shrink", name));
  const ProtocolEntry* entry = &require_trace_protocol(trace, name);
  auto sim = entry->make();
  const FailingRun failing{trace.header.config, trace.header.seed, trace.header.fault_plan, trace.header.choices};
  ShrunkTrace out;
  try {
    out.result = shrink(*sim, failing, budget, passes);
  } catch (const std::invalid_argument&) {
    throw InputError(fmt::format("{}: replaying its fault plan and choice log does not fail (does `corridor replay {}` "
                                 "reproduce it?)", name, shell_quote(name)));
  }
  const FailingRun& s = out.result.shrunk;
  const RunOutcome outcome = run_once(*sim, s.config, s.seed, {.record = true, .plan = &s.plan, .replay = &s.choices});
  out.trace = make_trace(*entry, s.config, s.seed, *sim, outcome);
  out.path = path;
  write_trace(path, out.trace);
  replay_and_verify(read_trace(path), path);
  return out;
}

}  // namespace corridor::cli

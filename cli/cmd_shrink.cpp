// corridor shrink FILE: minimise a failing trace (explorers/shrink.hpp) and write the shrunk
// trace next to it (or into --out), a normal trace that `corridor replay` reproduces.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/shrink_trace.hpp"
#include "model/units.hpp"

namespace corridor::cli {

namespace {

struct ShrinkCommand {
  std::string file;
  std::string budget = "60s";
  std::uint64_t replays = 20'000;
  std::optional<std::string> out_dir;
  bool timed = false;
};

int execute(const ShrinkCommand& c) {
  const auto budget_ns = parse_duration_ns(c.budget);
  if (!budget_ns || *budget_ns <= 0) throw UsageError(fmt::format("--budget '{}' is not a positive duration (e.g. 60s)", c.budget));
  if (c.replays == 0) throw UsageError("--replays must be at least 1");
  const Trace trace = read_trace(c.file);
  replay_and_verify(trace, c.file);
  const ShrinkBudget budget{.replays_max = c.replays, .seconds_max = static_cast<double>(*budget_ns) / 1e9};
  const ShrunkTrace s = shrink_and_write(trace, c.file, shrunk_path(c.file, c.out_dir), budget,
                                         c.timed ? timed_shrink_passes() : shrink_passes());
  const Violation& v = s.result.violation;
  fmt::print("shrunk {}: {}\n", c.file, describe(s.result));
  fmt::print("{}", describe_passes(s.result));
  fmt::print("same violation: {} at step {}, t={}: {}\n", v.invariant, v.step, format_duration_short(v.true_ns), v.message);
  fmt::print("  trace:  {} ({} events)\n  replay: {} replay {}\n", s.path, s.trace.events.size(), trace_tool_name(),
             shell_quote(s.path));
  return static_cast<int>(v.verdict);
}

}  // namespace

void add_shrink_command(CLI::App& app, int& exit_code) {
  static ShrinkCommand c;
  auto* cmd = app.add_subcommand("shrink", "Shrink a failing trace to a short counterexample that replays the same violation");
  cmd->add_option("file", c.file, "A failing trace file (.trace.jsonl)")->required();
  cmd->add_option("--budget", c.budget, "Time budget (default 60s); the best trace so far is written when it runs out");
  cmd->add_option("--replays", c.replays, "Replay budget (default 20000)");
  cmd->add_option("--out", c.out_dir, "Folder for the shrunk trace (default: next to FILE, as NAME.shrunk.trace.jsonl)");
  cmd->add_flag("--timed", c.timed,
                "Keep the shrunk trace timed: leave out the last pass, untimed-events, which turns the run into an untimed "
                "schedule (explorer \"schedule\" in its header) of only the events the violation needs");
  std::string footer = "Passes, run in this order, round after round, to a fixed point or the budget:\n";
  for (const ShrinkPass& pass : shrink_passes()) footer += fmt::format("  {:<20} {}\n", pass.name, pass.what);
  cmd->footer(footer);
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

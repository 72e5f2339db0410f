// corridor replay FILE: rerun a trace from its header's configuration, fault plan and choice
// log (no seed needed), check that every event comes out the same (the digest) and that the same
// violation follows.
#include <fmt/format.h>

#include "cli/badge_report.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/units.hpp"
#include "traces/timeline.hpp"

namespace corridor::cli {

namespace {

struct ReplayCommand {
  std::string file;
  bool timeline = false;
  bool show_state = false;
};

int execute(const ReplayCommand& c) {
  const Trace trace = read_trace(c.file);
  const ReplayResult r = replay_and_verify(trace, c.file);
  if (c.timeline) fmt::print("{}\n", render_timeline(r.replayed, {.show_state = c.show_state, .color = is_terminal(1)}));
  fmt::print("replayed {}: {} events, {} steps, digest {} matches\n", c.file, r.replayed.events.size(), r.outcome.steps,
             r.digest);
  if (!r.replayed.badges.empty()) {
    invariants::BadgeStats stats(r.replayed.header.nodes);
    stats.add_run(r.replayed.badges, r.outcome.steps, std::max<time_ns>(r.outcome.end_ns, 1));
    fmt::print("{}{}", badges_text(r.replayed.badges, r.replayed.header.nodes), badge_stats_text(stats));
  }
  if (const auto& now = r.outcome.violation) {
    fmt::print("same violation: {} at step {}, t={}: {}\n", now->invariant, now->step, format_duration_short(now->true_ns),
               now->message);
  } else {
    fmt::print("no violation, as recorded\n");
  }
  return static_cast<int>(r.outcome.verdict);
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  static ReplayCommand c;
  auto* cmd = app.add_subcommand("replay", "Replay a trace exactly and verify its digest and violation");
  cmd->add_option("file", c.file, "A trace file (.trace.jsonl)")->required();
  cmd->add_flag("--timeline", c.timeline, "Print the replayed run as a terminal timeline");
  cmd->add_flag("--state", c.show_state, "With --timeline: each handler's resulting node state");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

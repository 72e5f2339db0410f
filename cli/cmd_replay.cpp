// corridor replay FILE: rerun a trace from its header's configuration, fault plan and choice
// log (no seed needed), check that every event comes out the same (the digest) and that the same
// violation follows.
#include <fmt/format.h>

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

std::string first_difference(const std::vector<std::string>& recorded, const std::vector<std::string>& replayed) {
  const std::size_t common = std::min(recorded.size(), replayed.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (recorded[i] != replayed[i]) {
      return fmt::format("event {} (file line {}) differs:\n  recorded: {}\n  replayed: {}", i + 1, i + 2, recorded[i], replayed[i]);
    }
  }
  return fmt::format("the trace holds {} events, the replay {}", recorded.size(), replayed.size());
}

int execute(const ReplayCommand& c) {
  const Trace trace = read_trace(c.file);
  const ProtocolEntry* entry = find_protocol(trace.header.protocol);
  if (!entry) throw InputError(fmt::format("{}:1: unknown protocol '{}' in the header", c.file, trace.header.protocol));
  const int variant = entry->variant_index(trace.header.variant);
  if (variant < 0 || static_cast<std::uint32_t>(variant) != trace.header.config.variant) {
    throw InputError(fmt::format("{}:1: protocol {} has no variant '{}' at index {}", c.file, trace.header.protocol,
                                 trace.header.variant, trace.header.config.variant));
  }
  auto sim = entry->make();
  const RunOutcome outcome = run_once(*sim, trace.header.config, trace.header.seed,
                                      {.record = true, .plan = &trace.header.fault_plan, .replay = &trace.header.choices});
  const Trace replayed = make_trace(*entry, trace.header.config, trace.header.seed, *sim, outcome);
  const auto recorded_lines = event_lines(trace.events, trace.history);
  const auto replayed_lines = event_lines(replayed.events, replayed.history);
  const std::string digest = digest_of_lines(replayed_lines);
  if (digest_of_lines(recorded_lines) != trace.footer.digest) {
    throw InputError(fmt::format("{}: the event lines do not match the footer's digest {} (the file was edited or cut)",
                                 c.file, trace.footer.digest));
  }
  if (digest != trace.footer.digest) {
    throw InputError(fmt::format("{}: the replay does not reproduce the trace: {}", c.file,
                                 first_difference(recorded_lines, replayed_lines)));
  }
  if (c.timeline) fmt::print("{}\n", render_timeline(replayed, {.show_state = c.show_state, .color = is_terminal(1)}));
  fmt::print("replayed {}: {} events, {} steps, digest {} matches\n", c.file, replayed.events.size(), outcome.steps, digest);
  const auto& was = trace.violation;
  const auto& now = outcome.violation;
  if (was.has_value() != now.has_value() || (was && (was->invariant != now->invariant || was->step != now->step))) {
    throw InputError(fmt::format("{}: the replay reproduces the events but not the violation (recorded: {}, replayed: {})",
                                 c.file, was ? was->invariant : "none", now ? now->invariant : "none"));
  }
  if (now) {
    fmt::print("same violation: {} at step {}, t={}: {}\n", now->invariant, now->step, format_duration_short(now->true_ns), now->message);
  } else {
    fmt::print("no violation, as recorded\n");
  }
  return static_cast<int>(outcome.verdict);
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

// corridor demo: the main job of the README. A campaign over every registered protocol: each
// correct variant must pass its seeds under its fault model, each planted bug must be found,
// shown as a timeline, written as a trace and replayed exactly. Wiring only: it runs the same
// campaigns `corridor run` does.
#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "cli/campaign_report.hpp"
#include "cli/latency_report.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/units.hpp"

namespace corridor::cli {

namespace {

struct DemoCommand {
  std::uint64_t correct_seeds = 10000;
  std::uint64_t bug_seeds = 2000;
  std::string master_seed = "0xC0441D04";
  std::string out_dir = "results/demo";
  unsigned jobs = 0;
  std::vector<std::string> only;
};

struct Row {
  std::string protocol;
  std::string variant;
  bool planted_bug;
  bool as_expected;
  std::string outcome;
};

Row demo_variant(const DemoCommand& c, const ProtocolEntry& entry, std::uint32_t variant, std::uint64_t master) {
  const VariantInfo& info = entry.info.variants[variant];
  const std::vector<SimConfig> configs = entry.demo_campaign(variant);
  CampaignConfig campaign{.master_seed = master, .runs = info.planted_bug ? c.bug_seeds : c.correct_seeds, .jobs = c.jobs};
  fmt::print("\n=== {} / {} ({}) ===\n", entry.info.name, info.name, info.planted_bug ? "planted bug: " + info.description : "correct");
  ReportOptions options;
  options.out_dir = c.out_dir;
  options.traces_written_max = 1;
  options.timeline_lines = 12;
  // The demo shrinks too, within a replay budget rather than a time budget, so that its output is
  // the same on every machine, and small enough that shrinking adds about a second in all.
  options.shrink_budget = {.replays_max = 3000, .seconds_max = 60.0};
  const CampaignReport report = run_and_report(entry, configs, campaign, options);
  Row row{entry.info.name, info.name, info.planted_bug, false, ""};
  if (!info.planted_bug) {
    row.as_expected = report.verdict == Verdict::pass;
    const std::string latency = latency_p99_cell(report.latency);
    row.outcome = row.as_expected ? fmt::format("passed {} seeds{}", report.result.runs_done, latency.empty() ? "" : "; " + latency)
                                  : fmt::format("FAILED: {}", report.result.failures.front().outcome.violation->invariant);
    return row;
  }
  if (report.result.failures.empty()) {
    row.outcome = fmt::format("NOT FOUND in {} seeds", report.result.runs_done);
    return row;
  }
  if (report.trace_paths.empty()) {  // found, but recording the run ran out of memory
    row.as_expected = true;
    row.outcome = fmt::format("found at seed {} ({}), not recorded", report.result.failures.front().index,
                              report.result.failures.front().outcome.violation->invariant);
    return row;
  }
  const Trace trace = read_trace(report.trace_paths.front());
  const ReplayResult replay = replay_and_verify(trace, report.trace_paths.front());
  fmt::print("  replayed the trace exactly: {} events, digest {} matches, same violation\n", replay.replayed.events.size(),
             replay.digest);
  row.as_expected = true;
  row.outcome = fmt::format("found at seed {} ({}), replayed", report.result.failures.front().index,
                            report.result.failures.front().outcome.violation->invariant);
  return row;
}

int execute(const DemoCommand& c) {
  const std::uint64_t master = parse_seed(c.master_seed, "--master-seed");
  std::vector<Row> rows;
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make) continue;  // an explore-only model has no runs to demonstrate
    if (!c.only.empty() && std::find(c.only.begin(), c.only.end(), entry.info.name) == c.only.end()) continue;
    for (std::uint32_t v = 0; v < entry.info.variants.size(); ++v) rows.push_back(demo_variant(c, entry, v, master));
  }
  if (rows.empty()) throw UsageError("--only names no registered protocol (see 'corridor list')");
  std::size_t protocol_width = std::string_view("protocol").size();
  std::size_t variant_width = std::string_view("variant").size();
  for (const Row& r : rows) {
    protocol_width = std::max(protocol_width, r.protocol.size());
    variant_width = std::max(variant_width, r.variant.size());
  }
  fmt::print("\n{:<{}}  {:<{}}  {:<12} {}\n", "protocol", protocol_width, "variant", variant_width, "kind", "outcome");
  bool all_expected = true;
  for (const Row& r : rows) {
    fmt::print("{:<{}}  {:<{}}  {:<12} {}{}\n", r.protocol, protocol_width, r.variant, variant_width,
               r.planted_bug ? "planted bug" : "correct", r.as_expected ? "" : "UNEXPECTED: ", r.outcome);
    all_expected = all_expected && r.as_expected;
  }
  fmt::print("\n{}\n", all_expected ? "demo: every correct variant passed and every planted bug was found and replayed."
                                     : "demo: something did not go as expected (see above).");
  return all_expected ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  static DemoCommand c;
  auto* cmd = app.add_subcommand("demo", "Demo campaign: every protocol's correct variant passes, every planted bug is found and replayed");
  cmd->add_option("--correct-seeds", c.correct_seeds, "Seeds per correct variant (default 10000)");
  cmd->add_option("--bug-seeds", c.bug_seeds, "Seed budget per planted bug (default 2000)");
  cmd->add_option("--master-seed", c.master_seed, "Master seed (default 0xC0441D04, so the demo is the same everywhere)");
  cmd->add_option("--out", c.out_dir, "Results folder (default results/demo)");
  cmd->add_option("--jobs,-j", c.jobs, "Threads (default: every core)");
  cmd->add_option("--only", c.only, "Only these protocols")->delimiter(',');
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

// corridor run: a campaign of seeds of one protocol variant under a fault model, in parallel.
// On a failure it writes the trace, shows its end as a timeline, and prints the line that
// replays it.
#include <random>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/campaign_report.hpp"
#include "cli/common.hpp"
#include "explorers/seed_runner.hpp"
#include "model/units.hpp"

namespace corridor::cli {

namespace {

// The default seed count finds a bug that fails 1 seed in 1,000 with probability 99%: the
// smallest n with 1 - 0.999^n >= 0.99 is n = ln(0.01) / ln(0.999) = 4,602.9, so 4,603. A correct
// variant's 4,603 runs take seconds on 2 cores (multi-paxos-kv: 2.9 s of CPU).
constexpr std::uint64_t seeds_default = 4'603;
static_assert(seeds_default > 4'602);

struct RunCommand {
  RunArgs args;
  std::uint64_t seeds = seeds_default;
  std::optional<std::string> seed;
  std::optional<std::string> master_seed;
  unsigned jobs = 0;
  std::string out_dir = "results";
  bool keep_going = false;
  bool json = false;
  bool check_determinism = false;
  bool quiet = false;
  bool no_shrink = false;
  std::string shrink_budget = "30s";
};

int execute(const RunCommand& c) {
  const ProtocolEntry& entry = require_protocol(c.args.protocol);
  const std::uint32_t variant = require_variant(entry, c.args.variant);
  // One seed reruns one configuration: the first of the campaign unless --nodes and --clock say
  // which (a failure's rerun line gives both).
  std::vector<SimConfig> configs = build_campaign(entry, variant, c.args);
  if (c.seed) configs.resize(1);
  CampaignConfig campaign;
  if (c.seeds == 0) throw UsageError("--seeds must be at least 1");
  campaign.runs = c.seeds;
  campaign.jobs = c.jobs;
  campaign.keep_going = c.keep_going;
  campaign.check_determinism = c.check_determinism;
  campaign.swarm = c.args.explorer == "swarm";
  if (c.seed) campaign.only_seed = parse_seed(*c.seed, "--seed");
  campaign.master_seed = c.master_seed ? parse_seed(*c.master_seed, "--master-seed") : std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
  ReportOptions options;
  options.out_dir = c.out_dir;
  options.human = c.json ? stderr : stdout;
  options.progress = !c.quiet;
  options.show_timeline = !c.json;
  options.shrink = !c.no_shrink;
  const auto shrink_ns = parse_duration_ns(c.shrink_budget);
  if (!shrink_ns || *shrink_ns <= 0) {
    throw UsageError(fmt::format("--shrink-budget '{}' is not a positive duration (e.g. 30s)", c.shrink_budget));
  }
  options.shrink_budget.seconds_max = static_cast<double>(*shrink_ns) / 1e9;
  const CampaignReport report = run_and_report(entry, configs, campaign, options);
  if (c.json) fmt::print("{}\n", report.summary.dump(2));
  return static_cast<int>(report.verdict);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  static RunCommand c;
  auto* cmd = app.add_subcommand("run", "Run a protocol under faults for many seeds and check its invariants");
  cmd->footer(std::string("\n") + fault_spec_help + "\n\n" + clock_spec_help +
              "\n\nExample: corridor run leader-lease --variant no-drift-margin --seeds 1000 --faults "
              "crash=2,partition,loss=0.02,dup=0.01 --clock drift=200ppm,skew=5ms,jump=-2s");
  cmd->add_option("protocol", c.args.protocol, "Protocol name (see 'corridor list')")->required();
  cmd->add_option("--variant", c.args.variant, "Variant: correct (default) or a planted bug");
  cmd->add_option("--nodes", c.args.nodes,
                  "Number of nodes (default: the protocol's campaign sizes, seeds spread round-robin over them; "
                  "see 'corridor list')");
  cmd->add_option("--seeds", c.seeds,
                  "How many seeds to run (default 4603, the smallest n with 1 - 0.999^n >= 0.99: n >= "
                  "ln(0.01)/ln(0.999) = 4602.9, so a bug failing 1 seed in 1,000 is found with probability 99%)");
  cmd->add_option("--seed", c.seed, "Run exactly this seed (decimal or 0x hex), e.g. from a failure's rerun line");
  cmd->add_option("--master-seed", c.master_seed, "The campaign's master seed (default: fresh, printed)");
  cmd->add_option("--faults", c.args.faults, "Fault spec (default: the protocol's fault model); see below");
  cmd->add_option("--clock", c.args.clock,
                  "Clock spec (default: the protocol's campaign clocks, with skew and forward and backward jumps "
                  "where it reads clocks); see below");
  cmd->add_option("--link", c.args.links, "Per-link settings, repeatable: 'n0->n1:delay=const:50ms,loss=0.1' (or n0<->n1)");
  cmd->add_option("--fault-plan", c.args.fault_plan, "An explicit fault plan: '500ms crash n1 for 2s; 1s pause n2 for 300ms' or @FILE");
  cmd->add_option("--explorer", c.args.explorer,
                  "Who picks events: random (timed, default), swarm (timed; each run draws which faults are on, "
                  "and how many, from its seed within --faults and --clock), pct (untimed, priorities; see "
                  "--pct-depth) or walk (untimed, uniformly random)");
  cmd->add_option("--pct-depth", c.args.pct_depth, "With --explorer pct: the bug depth d (default 3)");
  cmd->add_option("--pct-steps", c.args.pct_steps, "With --explorer pct: k, the steps the priority changes are drawn over (default 1000)");
  cmd->add_option("--jobs,-j", c.jobs, "Threads (default: every core)");
  cmd->add_option("--time-limit", c.args.time_limit, "Simulated time per run (e.g. 10s)");
  cmd->add_option("--max-steps", c.args.max_steps, "Steps per run before it counts as hung (exit 4)");
  cmd->add_option("--run-memory", c.args.run_memory,
                  "What one run's world may hold (pending messages, node states, history) before it counts as "
                  "hung, exit 4 with its seed (default 1GiB; e.g. 256MiB)");
  cmd->add_option("--out", c.out_dir, "Results folder: failing traces and summary.json (default: results)");
  cmd->add_flag("--keep-going", c.keep_going, "Run every seed even after a failure");
  cmd->add_flag("--json", c.json, "Print the summary as JSON on stdout (people's text goes to stderr)");
  cmd->add_flag("--check-determinism", c.check_determinism, "Run each seed twice and name the first step where they differ");
  cmd->add_flag("--quiet,-q", c.quiet, "No progress bar");
  cmd->add_flag("--no-shrink", c.no_shrink, "Do not shrink failures (by default each written failure is shrunk)");
  cmd->add_option("--shrink-budget", c.shrink_budget, "Time budget for shrinking each failure (default 30s)");
  cmd->add_option("--ops", c.args.operations, "Operations each actor may start: N for all, or N0,N1,... per actor "
                  "(default: no limit)")->delimiter(',');
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

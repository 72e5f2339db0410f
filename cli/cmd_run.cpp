// corridor run: a campaign of seeds of one protocol variant under a fault model, in parallel.
// On a failure it writes the trace, shows its end as a timeline, and prints the line that
// replays it.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "explorers/seed_runner.hpp"
#include "model/units.hpp"
#include "traces/timeline.hpp"

namespace corridor::cli {

namespace {

struct RunCommand {
  RunArgs args;
  std::uint64_t seeds = 100;
  std::optional<std::string> seed;
  std::optional<std::string> master_seed;
  unsigned jobs = 0;
  std::string out_dir = "results";
  bool keep_going = false;
  bool json = false;
  bool check_determinism = false;
  bool quiet = false;
  std::size_t traces_written_max = 10;
};

std::string human_rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.1f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool enabled) : tty_(is_terminal(2)), enabled_(enabled) {}
  void operator()(const CampaignProgress& p) {
    if (!enabled_ || p.total < 2) return;
    const double runs_per_s = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
    if (tty_) {
      constexpr int width = 30;
      const int filled = static_cast<int>(width * static_cast<double>(p.done) / static_cast<double>(p.total));
      fmt::print(stderr, "\r[{}{}] {}/{} runs  {} runs/s  {} events/s  {} failed ", std::string(filled, '#'),
                 std::string(width - filled, '.'), p.done, p.total, human_rate(runs_per_s),
                 human_rate(p.seconds > 0 ? static_cast<double>(p.events) / p.seconds : 0), p.failures);
      drew_ = true;
    } else if (p.seconds >= next_line_s_) {
      next_line_s_ = p.seconds + 5.0;
      if (p.seconds > 1.0) fmt::print(stderr, "progress: {}/{} runs, {} failed, {:.1f}s\n", p.done, p.total, p.failures, p.seconds);
    }
  }
  void finish() {
    if (drew_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_;
  bool enabled_;
  bool drew_ = false;
  double next_line_s_ = 5.0;
};

std::string trace_path(const RunCommand& c, const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed) {
  return fmt::format("{}/{}/{}/seed-{:016x}.trace.jsonl", c.out_dir, entry.info.name,
                     entry.info.variants.at(config.variant).name, seed);
}

std::string tail_of_timeline(const Trace& trace, std::size_t lines_max) {
  TimelineOptions options;
  options.color = is_terminal(1);
  options.max_summary = 70;
  const std::uint64_t last = trace.violation ? trace.violation->step : (trace.events.empty() ? 0 : trace.events.back().step);
  // Show the steps just before the violation.
  std::size_t shown = 0;
  std::uint64_t from = last;
  for (auto it = trace.events.rbegin(); it != trace.events.rend() && shown < lines_max; ++it) {
    if (it->step > last) continue;
    from = it->step;
    ++shown;
  }
  options.from_step = from;
  options.to_step = last;
  return render_timeline(trace, options);
}

nlohmann::json failure_json(const SeedFailure& f, const std::string& path) {
  nlohmann::json j{{"index", f.index},
                   {"seed", fmt::format("{:#x}", f.outcome.seed)},
                   {"verdict", to_string(f.outcome.verdict)},
                   {"steps", f.outcome.steps},
                   {"trace", path}};
  if (f.outcome.violation) {
    j["invariant"] = f.outcome.violation->invariant;
    j["step"] = f.outcome.violation->step;
    j["t_ns"] = f.outcome.violation->true_ns;
    j["message"] = f.outcome.violation->message;
  }
  return j;
}

int execute(const RunCommand& c) {
  const ProtocolEntry& entry = require_protocol(c.args.protocol);
  const std::uint32_t variant = require_variant(entry, c.args.variant);
  const SimConfig config = build_config(entry, variant, c.args);
  CampaignConfig campaign;
  if (c.seeds == 0) throw UsageError("--seeds must be at least 1");
  campaign.runs = c.seeds;
  campaign.jobs = c.jobs;
  campaign.keep_going = c.keep_going;
  campaign.check_determinism = c.check_determinism;
  if (c.seed) campaign.only_seed = parse_seed(*c.seed, "--seed");
  campaign.master_seed = c.master_seed ? parse_seed(*c.master_seed, "--master-seed") : std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
  const std::string variant_name = entry.info.variants[variant].name;

  // Printed before anything runs, so that a crash inside protocol code still leaves it on screen.
  std::FILE* human = c.json ? stderr : stdout;
  fmt::print(human, "corridor run {} --variant {}: {} nodes, {}, {} simulated per run\n", entry.info.name, variant_name,
             config.nodes, campaign.only_seed ? fmt::format("seed {:#x}", *campaign.only_seed) : fmt::format("{} seeds", campaign.runs),
             format_duration(config.time_limit_ns));
  fmt::print(human, "  faults: {}   clock: {}\n", config.faults_text.empty() ? "none" : config.faults_text,
             config.clock_text.empty() ? "ideal" : config.clock_text);
  if (!campaign.only_seed) fmt::print(human, "  master seed {:#x} (rerun this campaign with --master-seed {:#x})\n", campaign.master_seed, campaign.master_seed);
  std::fflush(human);

  ProgressPrinter progress(!c.quiet);
  const CampaignResult result = run_campaign(entry.make, config, campaign, std::ref(progress));
  progress.finish();

  nlohmann::json failures = nlohmann::json::array();
  std::size_t written = 0;
  for (const SeedFailure& f : result.failures) {
    std::string path;
    if (written < c.traces_written_max) {
      auto sim = entry.make();
      const RunOutcome again = run_once(*sim, config, f.outcome.seed, {.record = true});
      const Trace trace = make_trace(entry, config, f.outcome.seed, *sim, again);
      path = trace_path(c, entry, config, f.outcome.seed);
      write_trace(path, trace);
      ++written;
      const Violation& v = *f.outcome.violation;
      fmt::print(human, "\nFAIL seed {:#x} (run {}): {} at step {}, t={}\n  {}\n", f.outcome.seed, f.index, v.invariant,
                 v.step, format_duration_short(v.true_ns), v.message);
      if (!c.json) fmt::print(human, "\n{}", tail_of_timeline(trace, 14));
      fmt::print(human, "\n  trace:  {} ({} events)\n  replay: corridor replay {}\n  rerun:  {}\n", path, trace.events.size(),
                 shell_quote(path), rerun_command(entry, config, f.outcome.seed));
    }
    failures.push_back(failure_json(f, path));
  }
  if (result.failures_total > result.failures.size() && c.keep_going) {
    fmt::print(human, "\n({} more failures not kept)\n", result.failures_total - result.failures.size());
  }

  const double runs_per_s = result.seconds > 0 ? static_cast<double>(result.runs_done) / result.seconds : 0;
  const double events_per_s = result.seconds > 0 ? static_cast<double>(result.events) / result.seconds : 0;
  const Verdict verdict = result.failures.empty() ? Verdict::pass : result.failures.front().outcome.verdict;
  fmt::print(human, "\n{} runs in {:.2f}s on {} threads ({} runs/s, {} events/s): {} failed -> {}\n", result.runs_done,
             result.seconds, result.jobs, human_rate(runs_per_s), human_rate(events_per_s), result.failures_total,
             verdict == Verdict::pass ? "all invariants held" : to_string(verdict));

  nlohmann::json summary{{"protocol", entry.info.name},
                         {"variant", variant_name},
                         {"planted_bug", entry.info.variants[variant].planted_bug},
                         {"nodes", config.nodes},
                         {"faults", config.faults_text},
                         {"clock", config.clock_text},
                         {"master_seed", fmt::format("{:#x}", campaign.master_seed)},
                         {"runs", result.runs_done},
                         {"failed", result.failures_total},
                         {"events", result.events},
                         {"seconds", result.seconds},
                         {"runs_per_s", runs_per_s},
                         {"events_per_s", events_per_s},
                         {"jobs", result.jobs},
                         {"verdict", to_string(verdict)},
                         {"failures", failures}};
  const std::string summary_path = fmt::format("{}/{}/{}/summary.json", c.out_dir, entry.info.name, variant_name);
  std::filesystem::create_directories(std::filesystem::path(summary_path).parent_path());
  std::ofstream(summary_path) << summary.dump(2) << "\n";
  if (c.json) fmt::print("{}\n", summary.dump(2));
  return static_cast<int>(verdict);
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
  cmd->add_option("--nodes", c.args.nodes, "Number of nodes");
  cmd->add_option("--seeds", c.seeds, "How many seeds to run (default 100)");
  cmd->add_option("--seed", c.seed, "Run exactly this seed (decimal or 0x hex), e.g. from a failure's rerun line");
  cmd->add_option("--master-seed", c.master_seed, "The campaign's master seed (default: fresh, printed)");
  cmd->add_option("--faults", c.args.faults, "Fault spec (default: the protocol's fault model); see below");
  cmd->add_option("--clock", c.args.clock, "Clock spec (default: the protocol's); see below");
  cmd->add_option("--fault-plan", c.args.fault_plan, "An explicit fault plan: '500ms crash n1 for 2s; 1s pause n2 for 300ms' or @FILE");
  cmd->add_option("--jobs,-j", c.jobs, "Threads (default: every core)");
  cmd->add_option("--time-limit", c.args.time_limit, "Simulated time per run (e.g. 10s)");
  cmd->add_option("--max-steps", c.args.max_steps, "Steps per run before it counts as hung (exit 4)");
  cmd->add_option("--out", c.out_dir, "Results folder: failing traces and summary.json (default: results)");
  cmd->add_flag("--keep-going", c.keep_going, "Run every seed even after a failure");
  cmd->add_flag("--json", c.json, "Print the summary as JSON on stdout (people's text goes to stderr)");
  cmd->add_flag("--check-determinism", c.check_determinism, "Run each seed twice and name the first step where they differ");
  cmd->add_flag("--quiet,-q", c.quiet, "No progress bar");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

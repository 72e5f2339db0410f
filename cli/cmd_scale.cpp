// corridor scale PROTOCOL --nodes 2,5,9 --seeds K: the coherence lab. The same corridors and the
// same load per node at each size, the same seeds; badge statistics per size, the comparison table
// and the stabilise-or-cascade verdict (text, Markdown, JSON) and an SVG of badge rate over time.
// Wiring only: the seed runner runs the seeds, cli/scale_report.cpp renders.
#include <filesystem>
#include <fstream>
#include <mutex>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/scale_report.hpp"
#include "explorers/seed_runner.hpp"
#include "model/units.hpp"

namespace corridor::cli {

namespace {

struct ScaleCommand {
  RunArgs args;
  std::vector<std::uint32_t> sizes{2, 5, 9};
  std::uint64_t seeds = 20;
  std::string master_seed = "0x5CA1E";
  double stretch = 2.0;
  unsigned jobs = 0;
  std::string out_dir = "results/scale";
  std::optional<std::string> markdown;
  bool json = false;
  bool quiet = false;
};

// Every delay bound and every clock offset, drift and jump multiplied by `factor`.
SimConfig stretched(SimConfig config, double factor) {
  auto scale_delay = [factor](DelaySpec& d) {
    d.a_ns = static_cast<time_ns>(static_cast<double>(d.a_ns) * factor);
    d.b_ns = static_cast<time_ns>(static_cast<double>(d.b_ns) * factor);
  };
  scale_delay(config.link.delay);
  for (LinkOverride& o : config.links) scale_delay(o.spec.delay);
  config.clock.skew_ns = static_cast<time_ns>(static_cast<double>(config.clock.skew_ns) * factor);
  config.clock.drift_ppm = static_cast<std::int64_t>(static_cast<double>(config.clock.drift_ppm) * factor);
  config.clock.jump_ns = static_cast<time_ns>(static_cast<double>(config.clock.jump_ns) * factor);
  return config;
}

// Runs the seeds of one configuration; badge statistics over all of them, failures counted.
invariants::BadgeStats run_size(const ProtocolEntry& entry, const SimConfig& config, const ScaleCommand& c,
                                std::uint64_t master, const std::string& label, std::uint64_t* failed) {
  CampaignConfig campaign{.master_seed = master, .runs = c.seeds, .jobs = c.jobs, .keep_going = true};
  std::mutex mutex;
  invariants::BadgeStats stats(config.nodes);
  const RunHook collect = [&](std::uint64_t, const Simulation& sim, const RunOutcome& outcome) {
    invariants::BadgeStats one(config.nodes);
    // A run stopped by a violation still counts its whole planned time, so rates compare.
    one.add_run(sim.badges(), outcome.steps, config.time_limit_ns);
    std::lock_guard lock(mutex);
    stats.merge(one);
  };
  const bool tty = !c.quiet && is_terminal(2);
  const ProgressFn progress = [&](const CampaignProgress& p) {
    if (tty) fmt::print(stderr, "\r  {}: {}/{} runs, {:.1f}s ", label, p.done, p.total, p.seconds);
  };
  const CampaignResult result = run_campaign(entry.make, config, campaign, progress, collect);
  if (!c.quiet) fmt::print(stderr, "{}  {}: {} runs, {} events in {:.2f}s\n", tty ? "\r" : "", label, result.runs_done, result.events, result.seconds);
  if (failed) *failed = result.failures_total;
  return stats;
}

// The first badge of each node in the first seed's run, for show.
std::vector<Badge> sample_badges(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t master) {
  auto sim = entry.make();
  run_once(*sim, config, seed_of_run({.master_seed = master}, 0));
  std::vector<Badge> sample;
  std::vector<bool> seen(config.nodes, false);
  for (const Badge& b : sim->badges()) {
    if (b.node >= config.nodes || seen[b.node]) continue;
    seen[b.node] = true;
    sample.push_back(b);
  }
  return sample;
}

std::string reproduce_command(const ProtocolEntry& entry, const ScaleCommand& c, const SimConfig& config) {
  std::string sizes;
  for (std::uint32_t n : c.sizes) sizes += fmt::format("{}{}", sizes.empty() ? "" : ",", n);
  std::string cmd = fmt::format("corridor scale {} --variant {} --nodes {} --seeds {} --master-seed {}", entry.info.name,
                                entry.info.variants.at(config.variant).name, sizes, c.seeds, c.master_seed);
  cmd += fmt::format(" --faults {}", shell_quote(config.faults_text.empty() ? "none" : config.faults_text));
  if (!config.clock_text.empty()) cmd += fmt::format(" --clock {}", shell_quote(config.clock_text));
  for (const LinkOverride& o : config.links) cmd += fmt::format(" --link {}", shell_quote(o.text));
  cmd += fmt::format(" --time-limit {}", format_duration(config.time_limit_ns));
  if (c.stretch != 2.0) cmd += fmt::format(" --stretch {:g}", c.stretch);
  return cmd;
}

void write_file(const std::string& path, const std::string& text) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path);
  out << text;
  if (!out) throw UsageError(fmt::format("cannot write '{}'", path));
}

int execute(const ScaleCommand& c) {
  const ProtocolEntry& entry = require_protocol(c.args.protocol);
  const std::uint32_t variant = require_variant(entry, c.args.variant);
  if (c.sizes.empty() || c.sizes.size() > 8) throw UsageError("--nodes takes 1 to 8 sizes, e.g. 2,5,9");
  if (c.seeds == 0 || c.seeds > 1'000'000) throw UsageError("--seeds must be between 1 and 1000000");
  if (!(c.stretch > 1.0 && c.stretch <= 100.0)) throw UsageError("--stretch must be above 1 and at most 100");
  const std::uint64_t master = parse_seed(c.master_seed, "--master-seed");
  std::vector<SimConfig> configs;
  for (std::uint32_t n : c.sizes) {
    RunArgs args = c.args;
    args.nodes = n;
    configs.push_back(build_config(entry, variant, args));  // checks each size against the protocol
  }
  ScaleReport report;
  report.protocol = entry.info.name;
  report.variant = entry.info.variants[variant].name;
  report.command = reproduce_command(entry, c, configs.front());
  report.faults = configs.front().faults_text;
  report.clock = configs.front().clock_text;
  report.time_limit_ns = configs.front().time_limit_ns;
  report.seeds = c.seeds;
  report.stretch = c.stretch;
  report.monitors = entry.info.badge_monitors;
  // Printed before anything runs, so that a crash inside protocol code still leaves it on screen.
  std::FILE* human = c.json ? stderr : stdout;
  fmt::print(human, "{}\n", report.command);
  std::fflush(human);
  if (report.monitors.empty()) fmt::print(stderr, "note: {} declares no badge monitors; every count will be 0\n", entry.info.name);
  for (const SimConfig& config : configs) {
    ScaleRow row;
    row.nodes = config.nodes;
    row.stats = run_size(entry, config, c, master, fmt::format("{} nodes", config.nodes), &row.runs_failed);
    row.stretched = run_size(entry, stretched(config, c.stretch), c, master,
                             fmt::format("{} nodes, timing x{:g}", config.nodes, c.stretch), nullptr);
    row.sample = sample_badges(entry, config, master);
    report.rows.push_back(std::move(row));
  }
  const std::string svg_path = fmt::format("{}/{}-scale.svg", c.out_dir, entry.info.name);
  write_file(svg_path, scale_svg(report));
  write_file(fmt::format("{}/{}-scale.json", c.out_dir, entry.info.name), scale_json(report).dump(2) + "\n");
  if (c.markdown) {
    const auto md_dir = std::filesystem::absolute(*c.markdown).parent_path();
    const auto link = std::filesystem::absolute(svg_path).lexically_relative(md_dir).generic_string();
    write_file(*c.markdown, scale_markdown(report, link));
  }
  fmt::print(human, "\n{}", scale_text(report));
  for (const ScaleRow& row : report.rows) {
    if (row.runs_failed > 0) fmt::print(human, "note: {} of the {} runs at {} nodes failed an invariant (their badges count too)\n", row.runs_failed, c.seeds, row.nodes);
  }
  fmt::print(human, "\nplot: {}{}\n", svg_path, c.markdown ? fmt::format("   markdown: {}", *c.markdown) : "");
  if (c.json) fmt::print("{}\n", scale_json(report).dump(2));
  return 0;
}

}  // namespace

void add_scale_command(CLI::App& app, int& exit_code) {
  static ScaleCommand c;
  auto* cmd = app.add_subcommand("scale", "Coherence lab: badge statistics of one protocol at several sizes, side by side");
  cmd->footer(std::string("\n") + fault_spec_help + "\n\n" + clock_spec_help +
              "\n\nExample: corridor scale heartbeat-register --nodes 2,5,9 --seeds 20 --faults 'delay=exp:1ms:4ms,loss=0.02'");
  cmd->add_option("protocol", c.args.protocol, "Protocol name (see 'corridor list')")->required();
  cmd->add_option("--variant", c.args.variant, "Variant: correct (default) or a planted bug");
  cmd->add_option("--nodes", c.sizes, "Sizes to compare (default 2,5,9)")->delimiter(',');
  cmd->add_option("--seeds", c.seeds, "Seeds per size (default 20)");
  cmd->add_option("--master-seed", c.master_seed, "Master seed (default 0x5CA1E, so a comparison is the same everywhere)");
  cmd->add_option("--faults", c.args.faults, "Fault spec (default: the protocol's fault model)");
  cmd->add_option("--clock", c.args.clock, "Clock spec (default: the protocol's)");
  cmd->add_option("--link", c.args.links, "Per-link settings, repeatable");
  cmd->add_option("--time-limit", c.args.time_limit, "Simulated time per run (e.g. 5s)");
  cmd->add_option("--stretch", c.stretch, "Time sensitivity: factor applied to delays and clock offsets (default 2)");
  cmd->add_option("--jobs,-j", c.jobs, "Threads (default: every core)");
  cmd->add_option("--out", c.out_dir, "Folder for the SVG plot and the JSON summary (default results/scale)");
  cmd->add_option("--markdown", c.markdown, "Also write the comparison as a Markdown document to this file");
  cmd->add_flag("--json", c.json, "Print the summary as JSON on stdout (people's text goes to stderr)");
  cmd->add_flag("--quiet,-q", c.quiet, "No progress lines");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

#include "cli/campaign_report.hpp"

#include "explorers/pct.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "model/units.hpp"
#include "traces/timeline.hpp"

namespace corridor::cli {

std::string human_rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.1f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

namespace {

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
      fmt::print(stderr, "progress: {}/{} runs, {} failed, {:.1f}s\n", p.done, p.total, p.failures, p.seconds);
    }
  }
  void finish() {
    if (drew_) fmt::print(stderr, "\r{:80}\r", "");
  }

 private:
  bool tty_;
  bool enabled_;
  bool drew_ = false;
  double next_line_s_ = 5.0;
};

std::string trace_path(const ReportOptions& o, const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed) {
  return fmt::format("{}/{}/{}/seed-{:016x}.trace.jsonl", o.out_dir, entry.info.name,
                     entry.info.variants.at(config.variant).name, seed);
}

std::string tail_of_timeline(const Trace& trace, std::size_t lines_max, bool color) {
  TimelineOptions options;
  options.color = color;
  options.max_summary = 70;
  const std::uint64_t last = trace.violation ? trace.violation->step : (trace.events.empty() ? 0 : trace.events.back().step);
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

// Reruns a failing seed with recording, writes its trace, and shows it.
std::string write_and_show(const ProtocolEntry& entry, const SimConfig& config, const SeedFailure& f,
                           const ReportOptions& o) {
  auto sim = entry.make();
  const RunOutcome again = run_once(*sim, config, f.outcome.seed, {.record = true});
  const Trace trace = make_trace(entry, config, f.outcome.seed, *sim, again);
  const std::string path = trace_path(o, entry, config, f.outcome.seed);
  write_trace(path, trace);
  const Violation& v = *f.outcome.violation;
  fmt::print(o.human, "\nFAIL seed {:#x} (run {}): {} at step {}, t={}\n  {}\n", f.outcome.seed, f.index, v.invariant, v.step,
             format_duration_short(v.true_ns), v.message);
  if (o.show_timeline) fmt::print(o.human, "\n{}", tail_of_timeline(trace, o.timeline_lines, o.human == stdout && is_terminal(1)));
  fmt::print(o.human, "\n  trace:  {} ({} events)\n  replay: corridor replay {}\n  rerun:  {}\n", path, trace.events.size(),
             shell_quote(path), rerun_command(entry, config, f.outcome.seed));
  return path;
}

}  // namespace

CampaignReport run_and_report(const ProtocolEntry& entry, const SimConfig& config, const CampaignConfig& campaign,
                              const ReportOptions& o) {
  const std::string variant_name = entry.info.variants.at(config.variant).name;
  // Printed before anything runs, so that a crash inside protocol code still leaves it on screen.
  fmt::print(o.human, "corridor run {} --variant {}: {} nodes, {}, {} simulated per run\n", entry.info.name, variant_name,
             config.nodes,
             campaign.only_seed ? fmt::format("seed {:#x}", *campaign.only_seed) : fmt::format("{} seeds", campaign.runs),
             format_duration(config.time_limit_ns));
  fmt::print(o.human, "  faults: {}   clock: {}\n", config.faults_text.empty() ? "none" : config.faults_text,
             config.clock_text.empty() ? "ideal" : config.clock_text);
  if (config.explorer == ExplorerKind::walk) fmt::print(o.human, "  explorer: walk (untimed: a uniformly random enabled event at every step)\n");
  if (config.explorer == ExplorerKind::pct) {
    auto probe = entry.make();
    probe->start(config, 0, nullptr, nullptr, false);
    const std::uint32_t actors = probe->actor_count();
    fmt::print(o.human, "  {}\n", describe_pct_bound(pct_bound(actors + 1, config.pct_steps, config.pct_depth), actors));
  }
  if (!campaign.only_seed) {
    fmt::print(o.human, "  master seed {:#x} (rerun this campaign with --master-seed {:#x})\n", campaign.master_seed,
               campaign.master_seed);
  }
  std::fflush(o.human);

  CampaignReport report;
  ProgressPrinter progress(o.progress);
  report.result = run_campaign(entry.make, config, campaign, std::ref(progress));
  progress.finish();
  const CampaignResult& result = report.result;

  nlohmann::json failures = nlohmann::json::array();
  for (const SeedFailure& f : result.failures) {
    std::string path;
    if (report.trace_paths.size() < o.traces_written_max) {
      path = write_and_show(entry, config, f, o);
      report.trace_paths.push_back(path);
    }
    failures.push_back(failure_json(f, path));
  }
  if (result.failures_total > result.failures.size()) {
    fmt::print(o.human, "\n({} more failures not kept)\n", result.failures_total - result.failures.size());
  }

  const double runs_per_s = result.seconds > 0 ? static_cast<double>(result.runs_done) / result.seconds : 0;
  const double events_per_s = result.seconds > 0 ? static_cast<double>(result.events) / result.seconds : 0;
  report.verdict = result.failures.empty() ? Verdict::pass : result.failures.front().outcome.verdict;
  fmt::print(o.human, "{} runs in {:.2f}s on {} threads ({} runs/s, {} events/s): {} failed -> {}\n", result.runs_done,
             result.seconds, result.jobs, human_rate(runs_per_s), human_rate(events_per_s), result.failures_total,
             report.verdict == Verdict::pass ? "all invariants held" : to_string(report.verdict));

  report.summary = {{"protocol", entry.info.name},
                    {"variant", variant_name},
                    {"planted_bug", entry.info.variants.at(config.variant).planted_bug},
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
                    {"verdict", to_string(report.verdict)},
                    {"failures", failures}};
  const std::string summary_path = fmt::format("{}/{}/{}/summary.json", o.out_dir, entry.info.name, variant_name);
  std::filesystem::create_directories(std::filesystem::path(summary_path).parent_path());
  std::ofstream(summary_path) << report.summary.dump(2) << "\n";
  return report;
}

}  // namespace corridor::cli

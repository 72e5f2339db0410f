#include "cli/campaign_report.hpp"
#include "cli/latency_report.hpp"

#include "explorers/pct.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/regression_corpus.hpp"
#include "cli/shrink_trace.hpp"
#include <mutex>
#include <new>
#include <optional>

#include "cli/badge_report.hpp"
#include "model/units.hpp"
#include "traces/render_html.hpp"
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

nlohmann::json failure_json(const SeedFailure& f, const std::string& path, const std::string& shrunk_path,
                            const std::optional<ShrinkResult>& shrunk) {
  nlohmann::json j{{"index", f.index},
                   {"seed", fmt::format("{:#x}", f.outcome.seed)},
                   {"verdict", to_string(f.outcome.verdict)},
                   {"steps", f.outcome.steps},
                   {"trace", path.empty() ? nlohmann::json(nullptr) : nlohmann::json(path)}};
  if (shrunk) {
    j["shrunk_trace"] = shrunk_path;
    j["shrunk"] = {{"events_before", shrunk->before.events}, {"events_after", shrunk->after.events},
                   {"faults_before", shrunk->before.faults}, {"faults_after", shrunk->after.faults},
                   {"operations_before", shrunk->before.operations}, {"operations_after", shrunk->after.operations},
                   {"messages_before", shrunk->before.messages}, {"messages_after", shrunk->after.messages},
                   {"replays", shrunk->replays}, {"seconds", shrunk->seconds}};
  }
  if (f.outcome.violation) {
    j["invariant"] = f.outcome.violation->invariant;
    j["step"] = f.outcome.violation->step;
    j["t_ns"] = f.outcome.violation->true_ns;
    j["message"] = f.outcome.violation->message;
  }
  return j;
}

// The HTML space-time diagram beside a written trace: seed-<hex>.trace.jsonl -> seed-<hex>.html.
std::string write_trace_picture(const std::string& trace_path, const Trace& trace) {
  constexpr std::string_view suffix = ".trace.jsonl";
  std::string html_path = trace_path;
  if (html_path.ends_with(suffix)) html_path.resize(html_path.size() - suffix.size());
  html_path += ".html";
  write_trace_html(html_path, trace);
  return html_path;
}

// The failing seed run again with recording, as a trace; none when recording it exhausts memory
// (a run that failed the memory budget holds more still when every event's text is kept).
std::optional<Trace> record_failure(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed) {
  try {
    auto sim = entry.make();
    const RunOutcome again = run_once(*sim, config, seed, {.record = true});
    return make_trace(entry, config, seed, *sim, again);
  } catch (const std::bad_alloc&) {
    return std::nullopt;
  }
}

struct WrittenFailure {
  std::string path;
  std::string shrunk_path;  // empty when not shrunk
  std::optional<ShrinkResult> shrunk;
};

// Reruns a failing seed with recording, writes its trace, shrinks it, draws the picture of the
// trace a person should read (the shrunk one when there is one), and shows it.
WrittenFailure write_and_show(const ProtocolEntry& entry, const SimConfig& config, const SeedFailure& f,
                              const ReportOptions& o) {
  WrittenFailure w;
  const Violation& v = *f.outcome.violation;
  std::optional<Trace> recorded = record_failure(entry, config, f.outcome.seed);
  fmt::print(o.human, "\nFAIL seed {:#x} (run {}): {} at step {}, t={}\n  {}\n", f.outcome.seed, f.index, v.invariant, v.step,
             format_duration_short(v.true_ns), v.message);
  if (!recorded) {
    // A run that outgrew memory unrecorded may outgrow it recorded (every event's text is kept):
    // the seed and the rerun line still say everything needed to reproduce it.
    fmt::print(o.human, "  trace:  not written: recording this run ran out of memory\n  rerun:  {}\n",
               rerun_command(entry, config, f.outcome.seed));
    return w;
  }
  const Trace& trace = *recorded;
  w.path = trace_path(o, entry, config, f.outcome.seed);
  write_trace(w.path, trace);
  if (o.show_timeline) fmt::print(o.human, "\n{}", tail_of_timeline(trace, o.timeline_lines, o.human == stdout && is_terminal(1)));
  if (!trace.badges.empty()) fmt::print(o.human, "\n{}", badges_text(trace.badges, trace.header.nodes));
  fmt::print(o.human, "\n  trace:  {} ({} events)\n", w.path, trace.events.size());
  std::string replay_path = w.path;
  const Trace* pictured = &trace;
  std::optional<ShrunkTrace> shrunk;
  if (o.shrink) {
    // A shrinking problem must not cost the campaign its summary: say it, keep the original trace.
    try {
      shrunk = shrink_and_write(trace, w.path, shrunk_path(w.path, std::nullopt), o.shrink_budget);
      fmt::print(o.human, "  shrunk: {} ({} events; {})\n", shrunk->path, shrunk->trace.events.size(),
                 describe(shrunk->result));
      w.shrunk_path = replay_path = shrunk->path;
      w.shrunk = shrunk->result;
      pictured = &shrunk->trace;
    } catch (const std::exception& e) {
      fmt::print(o.human, "  shrunk: not shrunk: {}\n", e.what());
    }
  }
  fmt::print(o.human, "  replay: {} replay {}\n  rerun:  {}\n", trace_tool_name(), shell_quote(replay_path),
             rerun_command(entry, config, f.outcome.seed));
  fmt::print(o.human, "  picture: {}\n", write_trace_picture(replay_path, *pictured));
  return w;
}

// The distinct sizes and clock specs of a campaign's configurations, in order of first use.
std::vector<std::uint32_t> campaign_sizes(const std::vector<SimConfig>& configs) {
  std::vector<std::uint32_t> sizes;
  for (const SimConfig& c : configs) {
    if (std::find(sizes.begin(), sizes.end(), c.nodes) == sizes.end()) sizes.push_back(c.nodes);
  }
  return sizes;
}

std::vector<std::string> campaign_clock_texts(const std::vector<SimConfig>& configs) {
  std::vector<std::string> clocks;
  for (const SimConfig& c : configs) {
    const std::string text = c.clock_text.empty() ? "ideal" : c.clock_text;
    if (std::find(clocks.begin(), clocks.end(), text) == clocks.end()) clocks.push_back(text);
  }
  return clocks;
}

}  // namespace

CampaignReport run_and_report(const ProtocolEntry& entry, const std::vector<SimConfig>& configs,
                              const CampaignConfig& campaign, const ReportOptions& o) {
  CORRIDOR_ASSERT(!configs.empty());
  const SimConfig& config = configs.front();
  for (const SimConfig& c : configs) CORRIDOR_ASSERT_MSG(c.variant == config.variant, "a campaign runs one variant");
  const std::vector<std::uint32_t> sizes = campaign_sizes(configs);
  const std::string variant_name = entry.info.variants.at(config.variant).name;
  Verdict corpus_verdict = Verdict::pass;
  // Printed before anything runs, so that a crash inside protocol code still leaves it on screen.
  fmt::print(o.human, "corridor run {} --variant {}: {} nodes, {}, {} simulated per run\n", entry.info.name, variant_name,
             fmt::join(sizes, ", "),
             campaign.only_seed ? fmt::format("seed {:#x}", *campaign.only_seed) : fmt::format("{} seeds", campaign.runs),
             format_duration(config.time_limit_ns));
  fmt::print(o.human, "  faults: {}   clock: {}\n", config.faults_text.empty() ? "none" : config.faults_text,
             fmt::join(campaign_clock_texts(configs), " | "));
  if (configs.size() > 1) {
    fmt::print(o.human, "  seeds spread round-robin over {} configurations (every size with every clock)\n", configs.size());
  }
  if (campaign.swarm) {
    fmt::print(o.human, "  explorer: swarm (each run draws which faults are on, and how many, from its seed within the "
                        "spec above; a failure shows the mix it drew)\n");
  }
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
  CampaignReport report;
  if (o.replay_corpus) {
    const std::string dir = fmt::format("{}/{}/{}", o.out_dir, entry.info.name, variant_name);
    const CorpusResult corpus = replay_corpus(entry, config.variant, dir, o.human);
    report.corpus_replayed = corpus.replayed;
    report.corpus_failing = corpus.failing;
    corpus_verdict = corpus.verdict;
  }
  std::fflush(o.human);

  ProgressPrinter progress(o.progress);
  // Coherence badges of every run at the first size, for the campaign's badge summary (a summary
  // is per node count: its per-node figures and evenness are of one size), and client operation
  // latencies of every run.
  std::mutex stats_mutex;
  invariants::BadgeStats badge_stats(config.nodes);
  LatencyStats latency;
  const RunHook collect_run_stats = [&](std::uint64_t, const Simulation& sim, const RunOutcome& outcome) {
    LatencyStats one_latency;
    one_latency.add_history(sim.history());
    std::lock_guard lock(stats_mutex);
    latency.merge(one_latency);
    if (sim.node_count() != config.nodes) return;  // other sizes; a client's badges go to per_client
    invariants::BadgeStats one(config.nodes);
    one.add_run(sim.badges(), outcome.steps, std::max<time_ns>(outcome.end_ns, 1));
    badge_stats.merge(one);
  };
  report.result = run_campaign(entry.make, configs, campaign, std::ref(progress), collect_run_stats);
  progress.finish();
  const CampaignResult& result = report.result;

  nlohmann::json failures = nlohmann::json::array();
  for (const SeedFailure& f : result.failures) {
    WrittenFailure w;
    if (report.trace_paths.size() < o.traces_written_max) {
      w = write_and_show(entry, run_config(configs, campaign, f.index), f, o);
      if (!w.path.empty()) report.trace_paths.push_back(w.path);
      if (w.shrunk) report.shrunk_paths.push_back(w.shrunk_path);
    }
    failures.push_back(failure_json(f, w.path, w.shrunk_path, w.shrunk));
  }
  if (result.failures_total > result.failures.size()) {
    fmt::print(o.human, "\n({} more failures not kept)\n", result.failures_total - result.failures.size());
  }

  const double runs_per_s = result.seconds > 0 ? static_cast<double>(result.runs_done) / result.seconds : 0;
  const double events_per_s = result.seconds > 0 ? static_cast<double>(result.events) / result.seconds : 0;
  report.verdict = result.failures.empty() ? corpus_verdict : result.failures.front().outcome.verdict;
  const std::string corpus_text =
      report.corpus_failing > 0 ? fmt::format(", {} corpus trace(s) still fail", report.corpus_failing) : std::string();
  fmt::print(o.human, "{} runs in {:.2f}s on {} threads ({} runs/s, {} events/s): {} failed{} -> {}\n", result.runs_done,
             result.seconds, result.jobs, human_rate(runs_per_s), human_rate(events_per_s), result.failures_total,
             corpus_text, report.verdict == Verdict::pass ? "all invariants held" : to_string(report.verdict));

  // Without --keep-going, runs after a failure may or may not have finished: their badges and
  // latencies are not a stable campaign figure, so they are shown only when every run counted.
  const bool badges_complete = campaign.keep_going || result.failures.empty();
  if (badges_complete) {
    report.latency = latency;
    fmt::print(o.human, "{}", latency_text(latency));
  }
  if (badges_complete && badge_stats.badges() > 0) {
    if (sizes.size() > 1) fmt::print(o.human, "badges of the runs at {} nodes:\n", config.nodes);
    fmt::print(o.human, "{}", badge_stats_text(badge_stats));
  }

  report.summary = {{"protocol", entry.info.name},
                    {"variant", variant_name},
                    {"planted_bug", entry.info.variants.at(config.variant).planted_bug},
                    {"nodes", config.nodes},
                    {"campaign_nodes", sizes},
                    {"faults", config.faults_text},
                    {"clock", config.clock_text},
                    {"campaign_clocks", campaign_clock_texts(configs)},
                    {"master_seed", fmt::format("{:#x}", campaign.master_seed)},
                    {"swarm", campaign.swarm},
                    {"runs", result.runs_done},
                    {"failed", result.failures_total},
                    {"events", result.events},
                    {"seconds", result.seconds},
                    {"runs_per_s", runs_per_s},
                    {"events_per_s", events_per_s},
                    {"jobs", result.jobs},
                    {"verdict", to_string(report.verdict)},
                    {"failures", failures},
                    {"corpus", {{"replayed", report.corpus_replayed}, {"still_failing", report.corpus_failing}}}};
  if (badges_complete) report.summary["latency"] = latency_json(latency);
  if (badges_complete && badge_stats.badges() > 0) {
    report.summary["badges"] = {{"count", badge_stats.badges()},
                                {"runs_drifted", badge_stats.runs_drifted()},
                                {"per_1000_events", badge_stats.per_1000_events()},
                                {"per_simulated_second", badge_stats.per_simulated_second()},
                                {"per_node", badge_stats.per_node()},
                                {"per_client", badge_stats.per_client()},
                                {"by_monitor", badge_stats.per_monitor()},
                                {"emitters", badge_stats.emitters()},
                                {"evenness", badge_stats.evenness()},
                                {"first_drift_median_ns", badge_stats.first_drift_median_ns().value_or(-1)},
                                {"trend", to_string(badge_stats.trend())}};
  }
  const std::string summary_path = fmt::format("{}/{}/{}/summary.json", o.out_dir, entry.info.name, variant_name);
  std::filesystem::create_directories(std::filesystem::path(summary_path).parent_path());
  std::ofstream(summary_path) << report.summary.dump(2) << "\n";
  return report;
}

}  // namespace corridor::cli

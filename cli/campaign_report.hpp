#pragma once
// Running a campaign for people: the header printed before any run, the progress bar, each
// failure written as a trace and shown as a timeline with its replay line, and the summary.
// Shared by `run` and `demo`.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/latency.hpp"

#include "cli/common.hpp"
#include "explorers/seed_runner.hpp"
#include "explorers/shrink.hpp"

namespace corridor::cli {

struct ReportOptions {
  std::string out_dir = "results";
  std::FILE* human = stdout;        // people's text
  bool progress = true;
  bool show_timeline = true;
  std::size_t traces_written_max = 10;
  std::size_t timeline_lines = 14;
  bool shrink = true;               // shrink every written failure (next to its trace)
  ShrinkBudget shrink_budget{.replays_max = 20'000, .seconds_max = 30.0};
  bool replay_corpus = true;        // replay the traces kept in the results folder first
};

struct CampaignReport {
  CampaignResult result;
  Verdict verdict = Verdict::pass;
  std::vector<std::string> trace_paths;  // one per written failure, in seed order
  std::vector<std::string> shrunk_paths; // one per written failure when shrinking, in seed order
  std::size_t corpus_replayed = 0;       // traces of the regression corpus replayed first
  std::size_t corpus_failing = 0;        // ... of which still fail
  nlohmann::json summary;                // also written to <out>/<protocol>/<variant>/summary.json
  LatencyStats latency;                  // client operations, when every run counted (model/latency.hpp)
};

// Run i of the campaign runs configs[i % configs.size()] (a protocol's default campaign spreads
// its seeds over sizes and clocks); every config is of one variant.
CampaignReport run_and_report(const ProtocolEntry& entry, const std::vector<SimConfig>& configs,
                              const CampaignConfig& campaign, const ReportOptions& options);

std::string human_rate(double per_second);

}  // namespace corridor::cli

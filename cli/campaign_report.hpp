#pragma once
// Running a campaign for people: the header printed before any run, the progress bar, each
// failure written as a trace and shown as a timeline with its replay line, and the summary.
// Shared by `run` and `demo`.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "cli/shard.hpp"
#include "explorers/seed_runner.hpp"
#include "explorers/shrink.hpp"
#include "invariants/badges/badge_stats.hpp"

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
  std::optional<ShardPlan> shard;   // this campaign is one shard of a larger one (run --shard)
};

struct CampaignReport {
  CampaignResult result;
  Verdict verdict = Verdict::pass;
  std::vector<std::string> trace_paths;  // one per written failure, in seed order
  std::vector<std::string> shrunk_paths; // one per written failure when shrinking, in seed order
  std::size_t corpus_replayed = 0;       // traces of the regression corpus replayed first
  std::size_t corpus_failing = 0;        // ... of which still fail
  nlohmann::json summary;                // also written to <out>/<protocol>/<variant>/summary.json
};

// What summary.json says, whoever worked it out: a campaign run here, or shards merged. Every
// field is a pure function of the campaign (protocol, configuration, master seed, seeds) except
// the measured ones: seconds, runs_per_s, events_per_s, jobs, and failures[].shrunk.seconds.
struct SummaryFacts {
  std::string protocol;
  std::string variant;
  bool planted_bug = false;
  std::uint32_t nodes = 0;
  std::string faults;
  std::string clock;
  std::uint64_t master_seed = 0;
  std::uint64_t runs = 0;
  std::uint64_t failed = 0;
  std::uint64_t events = 0;
  double seconds = 0;
  unsigned jobs = 1;
  Verdict verdict = Verdict::pass;
  nlohmann::json failures = nlohmann::json::array();
  std::size_t corpus_replayed = 0;
  std::size_t corpus_failing = 0;
  const invariants::BadgeStats* badges = nullptr;  // when every run counted; shown when it has badges
};
nlohmann::json campaign_summary(const SummaryFacts& facts);

CampaignReport run_and_report(const ProtocolEntry& entry, const SimConfig& config, const CampaignConfig& campaign,
                              const ReportOptions& options);

std::string human_rate(double per_second);

}  // namespace corridor::cli

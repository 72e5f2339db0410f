#pragma once
// One campaign cut into shards (`corridor run ... --shard I/N`), for a cluster's job array: shard I
// of N runs the contiguous block of run indexes [runs*I/N, runs*(I+1)/N) of the campaign its master
// seed defines, and writes beside its summary what `corridor merge` needs to check the shards
// belong together and to rebuild the whole campaign's summary from them.
//
// Contiguous blocks, not stripes, because of "stop at the first failure": a shard stops at its own
// lowest failure after finishing every index below it, so whatever lies below the campaign's
// lowest failure F lies in shards that ran to their end, or in F's own shard up to F.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "explorers/seed_runner.hpp"
#include "invariants/badges/badge_stats.hpp"
#include "protocols/registry.hpp"

namespace corridor::cli {

struct ReportOptions;

struct ShardSpec {
  std::uint64_t index = 0;  // 0 .. count - 1, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count
  std::uint64_t count = 1;
};

struct ShardPlan {
  ShardSpec spec;
  std::uint64_t runs_total = 0;  // the whole campaign's seeds
};

inline constexpr std::uint64_t shards_max = 1'000'000;

// "I/N" with 0 <= I < N <= shards_max; UsageError naming --shard otherwise.
ShardSpec parse_shard_spec(const std::string& text);

struct IndexRange {
  std::uint64_t first = 0;
  std::uint64_t end = 0;  // one past the last
};
// Shard `spec`'s run indexes; UsageError when it would hold none (more shards than seeds).
IndexRange shard_range(const ShardSpec& spec, std::uint64_t runs_total);

// "shard 1/4: runs 250..499 of 1000 seeds", for the header line.
std::string describe_shard(const ShardPlan& plan, const CampaignConfig& campaign);

// xxh3 over everything besides the master seed and the shard that decides a shard's results: the
// protocol, variant and configuration (as a trace header writes them), the campaign's seeds,
// keep-going, determinism checks, and how failures are written and shrunk.
std::string campaign_digest(const ProtocolEntry& entry, const SimConfig& config, const CampaignConfig& campaign,
                            const ReportOptions& options);

// The "shard" object of a shard's summary.json. `badges` is written only when every run of the
// shard counted (keep-going, or no failure), as only then can the merged campaign show badges.
nlohmann::json shard_json(const ShardPlan& plan, const CampaignConfig& campaign, const CampaignResult& result,
                          std::size_t traces_written_max, const std::string& digest, Verdict corpus_verdict,
                          const invariants::BadgeStats& badges);

nlohmann::json badge_parts_json(const invariants::BadgeStats& stats);
// InputError naming `where` when `j` is not what badge_parts_json writes.
invariants::BadgeStats badge_stats_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace corridor::cli

#include "cli/shard.hpp"

#include <charconv>

#include <fmt/format.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cli/campaign_report.hpp"
#include "model/assert.hpp"

namespace corridor::cli {

namespace {

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ShardSpec parse_shard_spec(const std::string& text) {
  const std::size_t slash = text.find('/');
  const auto index = slash == std::string::npos ? std::nullopt : parse_count(std::string_view(text).substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : parse_count(std::string_view(text).substr(slash + 1));
  if (!index || !count) {
    throw UsageError(fmt::format("--shard '{}' is not I/N (shard I of N, counted from 0: 0/4 .. 3/4)", text));
  }
  if (*count == 0 || *count > shards_max) {
    throw UsageError(fmt::format("--shard '{}': the shard count must be 1 to {}", text, shards_max));
  }
  if (*index >= *count) {
    throw UsageError(fmt::format("--shard '{}': shards are counted from 0, so I must be below N ({} here)", text, *count - 1));
  }
  return {*index, *count};
}

IndexRange shard_range(const ShardSpec& spec, std::uint64_t runs_total) {
  CORRIDOR_ASSERT(spec.index < spec.count);
  if (spec.count > runs_total) {
    throw UsageError(fmt::format("--shard {}/{}: {} shards of {} seeds leave some shards without runs; use at most {} shards",
                                 spec.index, spec.count, spec.count, runs_total, runs_total));
  }
  // floor(runs_total * i / count) without overflow: with runs_total = q * count + r, it is
  // q * i + floor(r * i / count), and r * i < count^2 <= 10^12.
  const std::uint64_t q = runs_total / spec.count;
  const std::uint64_t r = runs_total % spec.count;
  const auto bound = [&](std::uint64_t i) { return q * i + r * i / spec.count; };
  const IndexRange range{bound(spec.index), bound(spec.index + 1)};
  CORRIDOR_ASSERT(range.first < range.end && range.end <= runs_total);
  return range;
}

std::string describe_shard(const ShardPlan& plan, const CampaignConfig& campaign) {
  return fmt::format("shard {}/{}: runs {}..{} of {} seeds", plan.spec.index, plan.spec.count, campaign.index_first,
                     campaign.index_first + campaign.runs - 1, plan.runs_total);
}

std::string campaign_digest(const ProtocolEntry& entry, const SimConfig& config, const CampaignConfig& campaign,
                            const ReportOptions& options) {
  // The configuration as a trace header writes it: one serialisation of SimConfig, not two.
  Trace header_only;
  header_only.header.tool = "corridor";
  header_only.header.protocol = entry.info.name;
  header_only.header.variant = entry.info.variants.at(config.variant).name;
  header_only.header.config = config;
  const std::string text = trace_to_string(header_only);
  const nlohmann::json header = nlohmann::json::parse(text.substr(0, text.find('\n')));
  const nlohmann::json facts{{"protocol", entry.info.name},
                             {"variant", header_only.header.variant},
                             {"config", header.at("config")},
                             {"seeds", options.shard ? options.shard->runs_total : campaign.runs},
                             {"keep_going", campaign.keep_going},
                             {"check_determinism", campaign.check_determinism},
                             {"failures_kept_max", campaign.failures_kept_max},
                             {"traces_written_max", options.traces_written_max},
                             {"shrink", options.shrink},
                             {"shrink_replays_max", options.shrink_budget.replays_max},
                             {"shrink_seconds_max", options.shrink_budget.seconds_max}};
  const std::string canonical = facts.dump();
  return fmt::format("xxh3:{:016x}", XXH3_64bits(canonical.data(), canonical.size()));
}

nlohmann::json badge_parts_json(const invariants::BadgeStats& stats) {
  const invariants::BadgeStats::Parts p = stats.parts();
  return {{"nodes", p.nodes},           {"runs", p.runs},
          {"badges", p.badges},         {"events", p.events},
          {"duration_ns", p.duration_ns}, {"per_node", p.per_node},
          {"per_window", p.per_window}, {"per_monitor", p.per_monitor},
          {"first_ns", p.first_ns}};
}

invariants::BadgeStats badge_stats_from_json(const nlohmann::json& j, const std::string& where) {
  try {
    invariants::BadgeStats::Parts p;
    p.nodes = j.at("nodes").get<std::uint32_t>();
    p.runs = j.at("runs").get<std::uint64_t>();
    p.badges = j.at("badges").get<std::uint64_t>();
    p.events = j.at("events").get<std::uint64_t>();
    p.duration_ns = j.at("duration_ns").get<time_ns>();
    p.per_node = j.at("per_node").get<std::vector<std::uint64_t>>();
    p.per_window = j.at("per_window").get<std::vector<std::uint64_t>>();
    p.per_monitor = j.at("per_monitor").get<std::map<std::string, std::uint64_t>>();
    p.first_ns = j.at("first_ns").get<std::vector<time_ns>>();
    return invariants::BadgeStats::from_parts(std::move(p));
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: \"shard.badges\" is not the badge statistics a shard writes ({})", where, e.what()));
  }
}

nlohmann::json shard_json(const ShardPlan& plan, const CampaignConfig& campaign, const CampaignResult& result,
                          std::size_t traces_written_max, const std::string& digest, Verdict corpus_verdict,
                          const invariants::BadgeStats& badges) {
  const bool every_run_counted = campaign.keep_going || result.failures.empty();
  CORRIDOR_ASSERT(result.runs_done >= 1 && result.runs_done <= campaign.runs);
  return {{"index", plan.spec.index},
          {"count", plan.spec.count},
          {"seeds", plan.runs_total},
          {"index_first", campaign.index_first},
          {"index_end", campaign.index_first + campaign.runs},
          // The indexes whose runs the summary counts: index_first .. done_last.
          {"done_last", campaign.index_first + result.runs_done - 1},
          {"keep_going", campaign.keep_going},
          {"failures_kept_max", campaign.failures_kept_max},
          {"traces_written_max", traces_written_max},
          {"config_digest", digest},
          {"corpus_verdict", to_string(corpus_verdict)},
          {"badges", every_run_counted ? badge_parts_json(badges) : nlohmann::json()}};
}

}  // namespace corridor::cli

#include "cli/shard_merge.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/campaign_report.hpp"
#include "cli/shard.hpp"
#include "model/assert.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

namespace fs = std::filesystem;

namespace {

// One shard's summary.json, read and checked on its own.
struct ShardFile {
  std::string dir;   // as given to merge
  std::string path;  // its summary.json
  nlohmann::json summary;
  ShardSpec spec;
  std::uint64_t seeds = 0;
  IndexRange range;
  std::uint64_t done_last = 0;
  bool keep_going = false;
};

template <typename T>
T field(const nlohmann::json& j, const std::string& pointer, const std::string& path) {
  try {
    return j.at(nlohmann::json::json_pointer(pointer)).get<T>();
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: field \"{}\" is missing or of the wrong type", path, pointer.substr(1)));
  }
}

Verdict verdict_named(const std::string& name, const std::string& path) {
  for (Verdict v : {Verdict::pass, Verdict::safety, Verdict::liveness, Verdict::crashed, Verdict::hung}) {
    if (name == to_string(v)) return v;
  }
  throw InputError(fmt::format("{}: \"{}\" is not a verdict", path, name));
}

// DIR/<protocol>/<variant>/summary.json: exactly one per shard folder.
std::string find_summary(const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) throw InputError(fmt::format("{}: no such shard folder", dir));
  std::vector<std::string> found;
  for (const auto& protocol : fs::directory_iterator(dir, error)) {
    if (!protocol.is_directory()) continue;
    for (const auto& variant : fs::directory_iterator(protocol.path(), error)) {
      const fs::path summary = variant.path() / "summary.json";
      if (variant.is_directory() && fs::is_regular_file(summary, error)) found.push_back(summary.string());
    }
  }
  std::sort(found.begin(), found.end());
  if (found.empty()) {
    throw InputError(fmt::format("{}: no <protocol>/<variant>/summary.json in it: not a results folder of corridor run --shard", dir));
  }
  if (found.size() > 1) {
    throw InputError(fmt::format("{}: holds {} summaries ({} and {}); give each shard a results folder of its own", dir,
                                 found.size(), found[0], found[1]));
  }
  return found[0];
}

ShardFile read_shard(const std::string& dir) {
  ShardFile s;
  s.dir = dir;
  s.path = find_summary(dir);
  std::ifstream in(s.path);
  std::stringstream text;
  text << in.rdbuf();
  s.summary = nlohmann::json::parse(text.str(), nullptr, false);
  if (s.summary.is_discarded() || !s.summary.is_object()) throw InputError(fmt::format("{}:1: not a JSON object", s.path));
  if (!s.summary.contains("shard")) {
    throw InputError(fmt::format("{}: no \"shard\" object: a summary of a whole campaign, not of corridor run --shard", s.path));
  }
  s.spec.index = field<std::uint64_t>(s.summary, "/shard/index", s.path);
  s.spec.count = field<std::uint64_t>(s.summary, "/shard/count", s.path);
  s.seeds = field<std::uint64_t>(s.summary, "/shard/seeds", s.path);
  s.done_last = field<std::uint64_t>(s.summary, "/shard/done_last", s.path);
  s.keep_going = field<bool>(s.summary, "/shard/keep_going", s.path);
  if (s.spec.count == 0 || s.spec.count > shards_max || s.spec.index >= s.spec.count || s.spec.count > s.seeds) {
    throw InputError(fmt::format("{}: shard {}/{} of {} seeds is not a shard corridor run writes", s.path, s.spec.index,
                                 s.spec.count, s.seeds));
  }
  s.range = shard_range(s.spec, s.seeds);
  const auto first = field<std::uint64_t>(s.summary, "/shard/index_first", s.path);
  const auto end = field<std::uint64_t>(s.summary, "/shard/index_end", s.path);
  if (first != s.range.first || end != s.range.end) {
    throw InputError(fmt::format("{}: shard {}/{} of {} seeds holds runs {}..{}, but it says {}..{}", s.path, s.spec.index,
                                 s.spec.count, s.seeds, s.range.first, s.range.end - 1, first, end - 1));
  }
  return s;
}

// What a shard's runs and failures must look like for its summary to be a shard's.
void check_shard_counts(const ShardFile& s) {
  const auto runs = field<std::uint64_t>(s.summary, "/runs", s.path);
  const nlohmann::json& failures = s.summary.at("failures");
  if (!failures.is_array()) throw InputError(fmt::format("{}: field \"failures\" is not an array", s.path));
  const bool stopped = s.done_last + 1 < s.range.end;
  const bool consistent = s.done_last >= s.range.first && s.done_last < s.range.end &&
                          runs == s.done_last - s.range.first + 1 && (!stopped || !s.keep_going) &&
                          (!stopped || (!failures.empty() && field<std::uint64_t>(failures[0], "/index", s.path) == s.done_last));
  if (!consistent) {
    throw InputError(fmt::format("{}: its runs ({}, through index {}) and failures do not fit shard {}/{} (runs {}..{})",
                                 s.path, runs, s.done_last, s.spec.index, s.spec.count, s.range.first, s.range.end - 1));
  }
}

// Every shard against the first: the same campaign, or the reason it is not.
void check_same_campaign(const std::vector<ShardFile>& shards) {
  const ShardFile& a = shards.front();
  for (const ShardFile& b : shards) {
    for (const char* key : {"/protocol", "/variant", "/master_seed", "/shard/config_digest"}) {
      const auto va = field<std::string>(a.summary, key, a.path);
      const auto vb = field<std::string>(b.summary, key, b.path);
      if (va != vb) {
        throw InputError(fmt::format("{}: {} {} differs from {} in {}: these shards are not of one campaign", b.path,
                                     std::string(key + 1), vb, va, a.path));
      }
    }
    if (b.spec.count != a.spec.count || b.seeds != a.seeds) {
      throw InputError(fmt::format("{}: shard of {} shards of {} seeds, but {} is one of {} shards of {} seeds", b.path,
                                   b.spec.count, b.seeds, a.path, a.spec.count, a.seeds));
    }
  }
}

void check_each_shard_once(std::vector<ShardFile>& shards) {
  std::sort(shards.begin(), shards.end(), [](const ShardFile& a, const ShardFile& b) { return a.spec.index < b.spec.index; });
  for (std::size_t i = 1; i < shards.size(); ++i) {
    if (shards[i].spec.index == shards[i - 1].spec.index) {
      throw InputError(fmt::format("shard {}/{} is given twice: {} and {}", shards[i].spec.index, shards[i].spec.count,
                                   shards[i - 1].path, shards[i].path));
    }
  }
  const std::uint64_t count = shards.front().spec.count;
  if (shards.size() == count) return;
  std::vector<std::string> missing;
  std::size_t next = 0;
  for (std::uint64_t index = 0; index < count && missing.size() < 10; ++index) {
    if (next < shards.size() && shards[next].spec.index == index) {
      ++next;
      continue;
    }
    missing.push_back(fmt::format("{}", index));
  }
  throw InputError(fmt::format("shard(s) {}{} of {} missing: merge needs every shard of the campaign ({} given)",
                               fmt::join(missing, ", "), count - shards.size() > missing.size() ? " and more" : "", count,
                               shards.size()));
}

// A failure as the unsharded campaign writes it past its traces: no trace, no shrink.
nlohmann::json without_trace(nlohmann::json failure) {
  failure["trace"] = "";
  failure.erase("shrunk_trace");
  failure.erase("shrunk");
  return failure;
}

// Copies seed-<hex>.* (trace, shrunk trace, pictures) of one failure from a shard folder to `to`.
void copy_failure_files(const fs::path& from, const fs::path& to, const std::string& trace_name, const std::string& summary) {
  const std::string prefix = trace_name.substr(0, trace_name.find('.') + 1);
  std::error_code error;
  if (!fs::is_regular_file(from / trace_name, error)) {
    throw InputError(fmt::format("{}: names trace {}, which is not in {}", summary, trace_name, from.string()));
  }
  fs::create_directories(to);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.is_regular_file() && entry.path().filename().string().starts_with(prefix)) files.push_back(entry.path());
  }
  for (const fs::path& file : files) fs::copy_file(file, to / file.filename(), fs::copy_options::overwrite_existing);
}

std::string moved_path(const std::string& written, const std::string& out_dir, const std::string& protocol,
                       const std::string& variant) {
  return fmt::format("{}/{}/{}/{}", out_dir, protocol, variant, fs::path(written).filename().string());
}

struct Combined {
  SummaryFacts facts;
  std::vector<std::pair<const ShardFile*, nlohmann::json>> failures;  // by run index, as written by the shard
  std::optional<invariants::BadgeStats> badges;
  std::size_t traces_written_max = 0;
};

// The counts and failures of the whole campaign: without keep-going, those of the shards up to
// the one holding the lowest failure, which stopped there; with it, everyone's.
Combined combine(const std::vector<ShardFile>& shards) {
  const ShardFile& a = shards.front();
  Combined c;
  SummaryFacts& f = c.facts;
  f.protocol = field<std::string>(a.summary, "/protocol", a.path);
  f.variant = field<std::string>(a.summary, "/variant", a.path);
  f.planted_bug = field<bool>(a.summary, "/planted_bug", a.path);
  f.nodes = field<std::uint32_t>(a.summary, "/nodes", a.path);
  f.faults = field<std::string>(a.summary, "/faults", a.path);
  f.clock = field<std::string>(a.summary, "/clock", a.path);
  try {
    f.master_seed = parse_seed(field<std::string>(a.summary, "/master_seed", a.path), "master_seed");
  } catch (const UsageError&) {
    throw InputError(fmt::format("{}: field \"master_seed\" is not a seed", a.path));
  }
  const auto kept_max = field<std::size_t>(a.summary, "/shard/failures_kept_max", a.path);
  c.traces_written_max = field<std::size_t>(a.summary, "/shard/traces_written_max", a.path);
  f.jobs = 0;
  std::optional<Verdict> corpus_verdict;
  for (const ShardFile& s : shards) {
    f.runs += field<std::uint64_t>(s.summary, "/runs", s.path);
    f.failed += field<std::uint64_t>(s.summary, "/failed", s.path);
    f.events += field<std::uint64_t>(s.summary, "/events", s.path);
    f.seconds += field<double>(s.summary, "/seconds", s.path);
    f.jobs = std::max(f.jobs, field<unsigned>(s.summary, "/jobs", s.path));
    f.corpus_replayed += field<std::size_t>(s.summary, "/corpus/replayed", s.path);
    f.corpus_failing += field<std::size_t>(s.summary, "/corpus/still_failing", s.path);
    const Verdict corpus = verdict_named(field<std::string>(s.summary, "/shard/corpus_verdict", s.path), s.path);
    if (!corpus_verdict && corpus != Verdict::pass) corpus_verdict = corpus;
    for (const nlohmann::json& failure : s.summary.at("failures")) {
      if (c.failures.size() < kept_max) c.failures.emplace_back(&s, failure);
    }
    const bool stopped_here = !s.keep_going && !s.summary.at("failures").empty();
    if (stopped_here) {
      f.failed = 1;
      break;
    }
    const nlohmann::json& parts = s.summary.at(nlohmann::json::json_pointer("/shard/badges"));
    if (parts.is_null()) throw InputError(fmt::format("{}: field \"shard.badges\" is missing", s.path));
    invariants::BadgeStats stats = badge_stats_from_json(parts, s.path);
    if (!c.badges) c.badges = std::move(stats);
    else if (c.badges->nodes() != stats.nodes()) throw InputError(fmt::format("{}: badge statistics of another node count", s.path));
    else c.badges->merge(stats);
  }
  const bool stopped = !a.keep_going && !c.failures.empty();
  if (stopped) c.badges.reset();  // as unsharded: badges only when every run counted
  f.verdict = c.failures.empty()
                  ? corpus_verdict.value_or(Verdict::pass)
                  : verdict_named(field<std::string>(c.failures.front().second, "/verdict", c.failures.front().first->path),
                                  c.failures.front().first->path);
  return c;
}

void refuse_out_inside_a_shard(const std::vector<ShardFile>& shards, const std::string& out_dir) {
  std::error_code error;
  const fs::path out = fs::weakly_canonical(out_dir, error);
  for (const ShardFile& s : shards) {
    if (fs::weakly_canonical(s.dir, error) == out) {
      throw UsageError(fmt::format("--out {} is shard folder {}: merge into a folder of its own, so no shard is overwritten",
                                   out_dir, s.dir));
    }
  }
}

}  // namespace

MergedCampaign merge_shards(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) throw UsageError("merge needs the results folders of the shards, e.g. corridor merge shard-0 shard-1");
  if (dirs.size() > merge_dirs_max) throw UsageError(fmt::format("merge takes at most {} shard folders", merge_dirs_max));
  std::vector<ShardFile> shards;
  shards.reserve(dirs.size());
  for (const std::string& dir : dirs) shards.push_back(read_shard(dir));
  check_same_campaign(shards);
  check_each_shard_once(shards);
  for (const ShardFile& s : shards) check_shard_counts(s);
  refuse_out_inside_a_shard(shards, out_dir);

  Combined c = combine(shards);
  MergedCampaign merged;
  merged.shards = shards.size();
  nlohmann::json failures = nlohmann::json::array();
  for (auto& [shard, failure] : c.failures) {
    if (failures.size() >= c.traces_written_max) {
      failures.push_back(without_trace(failure));
      continue;
    }
    const auto trace = field<std::string>(failure, "/trace", shard->path);
    if (trace.empty()) throw InputError(fmt::format("{}: failure {} has no trace", shard->path, failure.value("index", 0)));
    const fs::path from = fs::path(shard->dir) / c.facts.protocol / c.facts.variant;
    copy_failure_files(from, fs::path(out_dir) / c.facts.protocol / c.facts.variant, fs::path(trace).filename().string(),
                       shard->path);
    failure["trace"] = moved_path(trace, out_dir, c.facts.protocol, c.facts.variant);
    if (failure.contains("shrunk_trace")) {
      failure["shrunk_trace"] = moved_path(failure["shrunk_trace"].get<std::string>(), out_dir, c.facts.protocol, c.facts.variant);
    }
    merged.trace_paths.push_back(failure["trace"].get<std::string>());
    failures.push_back(std::move(failure));
  }
  c.facts.failures = std::move(failures);
  c.facts.badges = c.badges ? &*c.badges : nullptr;
  merged.summary = campaign_summary(c.facts);
  merged.verdict = c.facts.verdict;
  merged.summary_path = fmt::format("{}/{}/{}/summary.json", out_dir, c.facts.protocol, c.facts.variant);
  write_file_whole(merged.summary_path, merged.summary.dump(2) + "\n");
  return merged;
}

}  // namespace corridor::cli

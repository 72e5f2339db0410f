#include "cli/regression_corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "explorers/random_explorer.hpp"
#include "model/units.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

namespace {

std::vector<std::filesystem::path> corpus_files(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().filename().string().ends_with(".trace.jsonl")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

CorpusResult replay_corpus(const ProtocolEntry& entry, std::uint32_t variant, const std::string& dir, std::FILE* human) {
  CorpusResult result;
  auto files = corpus_files(dir);
  if (files.empty()) return result;
  fmt::print(human, "  regression corpus: {} kept trace{} in {}, run first\n", files.size(), files.size() == 1 ? "" : "s", dir);
  if (files.size() > corpus_traces_max) {
    fmt::print(human, "    (only the first {} by name)\n", corpus_traces_max);
    files.resize(corpus_traces_max);
  }
  auto sim = entry.make();
  const std::string variant_name = entry.info.variants.at(variant).name;
  for (const auto& path : files) {
    const std::string name = path.filename().string();
    Trace trace;
    try {
      trace = read_trace(path.string());
    } catch (const InputError& e) {
      fmt::print(human, "    {}: skipped, {}\n", name, e.what());
      continue;
    }
    const TraceHeader& h = trace.header;
    if (h.protocol != entry.info.name || h.variant != variant_name || h.config.variant != variant) {
      fmt::print(human, "    {}: skipped, it is a trace of {} / {}\n", name, h.protocol, h.variant);
      continue;
    }
    // A schedule (an untimed shrunk run) only replays, whatever its file is called: it has no seed to rerun.
    const bool shrunk = name.ends_with(".shrunk.trace.jsonl") || h.config.explorer == ExplorerKind::schedule;
    const RunOutcome out = shrunk ? run_once(*sim, h.config, h.seed, {.plan = &h.fault_plan, .replay = &h.choices})
                                  : run_once(*sim, h.config, h.seed);
    ++result.replayed;
    if (out.violation) {
      if (result.failing++ == 0) result.verdict = out.verdict;
      fmt::print(human, "    {} ({}): still fails: {} at step {}, t={}\n", name, shrunk ? "replayed" : "seed rerun",
                 out.violation->invariant, out.violation->step, format_duration_short(out.violation->true_ns));
    } else {
      fmt::print(human, "    {} ({}): passes now\n", name, shrunk ? "replayed" : "seed rerun");
    }
  }
  return result;
}

}  // namespace corridor::cli

#pragma once
// The regression corpus: the failing traces a campaign kept in its results folder
// (<out>/<protocol>/<variant>/seed-<hex>.trace.jsonl and their .shrunk twins). The next campaign
// of the same protocol and variant runs them first: a failing seed is rerun from its header's
// configuration and seed (so a fixed protocol gets a fresh chance), a shrunk trace is replayed
// from its fault plan and choice log.
#include <cstdio>
#include <string>

#include "protocols/registry.hpp"

namespace corridor::cli {

struct CorpusResult {
  std::size_t replayed = 0;
  std::size_t failing = 0;             // still fail
  Verdict verdict = Verdict::pass;     // of the first that still fails
};

inline constexpr std::size_t corpus_traces_max = 200;

// Runs the corpus in `dir` (missing folder: empty corpus), in file name order, printing one line
// per trace to `human`. An unreadable trace is named and skipped; nothing is deleted.
CorpusResult replay_corpus(const ProtocolEntry& entry, std::uint32_t variant, const std::string& dir, std::FILE* human);

}  // namespace corridor::cli

#pragma once
// `corridor explore PROTOCOL --stateless`: explorers/stateless over a registered protocol, for
// protocols whose worlds cannot be copied (coroutine nodes) or any other.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "explorers/exhaustive_options.hpp"

namespace corridor::cli {

struct StatelessArgs {
  std::string protocol;
  std::string variant;
  std::optional<std::uint32_t> nodes;
  std::optional<std::uint32_t> depth;
  std::optional<std::uint64_t> max_executions;
  std::uint32_t jobs = 0;
  bool no_sleep_sets = false;
};

// Each declared witness, reached (with its depth, `shortest` after it, and the numbered path to
// it) or not; then `vacuous`, the sentence that fails a search that reached none. Both explore
// paths (stateful and --stateless) print them so.
void print_witnesses(std::FILE* out, const std::vector<WitnessReport>& witnesses, const char* shortest,
                     const std::optional<std::string>& vacuous);

// Prints the search's summary; on a violation writes the failing schedule as a trace that
// `corridor replay` reads. Returns the exit code (0 held to the bound, 1 violation, 4 budget).
int execute_stateless(const StatelessArgs& args);

}  // namespace corridor::cli

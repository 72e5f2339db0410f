#pragma once
// `corridor explore PROTOCOL --stateless`: explorers/stateless over a registered protocol, for
// protocols whose worlds cannot be copied (coroutine nodes) or any other.
#include <cstdint>
#include <optional>
#include <string>

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

// Prints the search's summary; on a violation writes the failing schedule as a trace that
// `corridor replay` reads. Returns the exit code (0 held to the bound, 1 violation, 4 budget).
int execute_stateless(const StatelessArgs& args);

}  // namespace corridor::cli

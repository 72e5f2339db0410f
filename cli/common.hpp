#pragma once
// Helpers shared by the commands: resolving names, building a run's configuration from the
// command line, turning a finished run into a trace, and printing for people.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explorers/random_explorer.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

// The options `run` (and later commands) share.
struct RunArgs {
  std::string protocol;
  std::string variant;
  std::optional<std::uint32_t> nodes;
  std::optional<std::string> faults;
  std::optional<std::string> clock;
  std::optional<std::string> fault_plan;  // text, or @FILE
  std::vector<std::string> links;         // per-link overrides
  std::optional<std::string> time_limit;  // "10s"
  std::optional<std::uint64_t> max_steps;
  std::optional<std::string> run_memory;  // "1GiB": SimConfig::run_bytes_max
  std::vector<std::uint32_t> operations;  // --ops: SimConfig::operations_max
  std::string explorer = "random";        // random or swarm (timed), pct or walk (untimed)
  std::optional<std::uint32_t> pct_depth;
  std::optional<std::uint64_t> pct_steps;
};

const ProtocolEntry& require_protocol(const std::string& name);
// The registered protocol a trace's header names; InputError (exit 65) otherwise, naming the
// program that wrote the trace (its header's "tool"), which is where that protocol is known.
const ProtocolEntry& require_trace_protocol(const Trace& trace, const std::string& name);
std::uint32_t require_variant(const ProtocolEntry& entry, const std::string& name);
// Decimal or 0x-prefixed hex; throws UsageError naming the option.
std::uint64_t parse_seed(const std::string& text, const char* option);
SimConfig build_config(const ProtocolEntry& entry, std::uint32_t variant, const RunArgs& args);
// The campaign `corridor run` runs: build_config over the protocol's default campaign (its sizes
// and clocks, ProtocolEntry::campaign_configs); --nodes fixes the size and --clock the clock.
std::vector<SimConfig> build_campaign(const ProtocolEntry& entry, std::uint32_t variant, const RunArgs& args);

// A trace of a finished, recorded run.
Trace make_trace(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed, const Simulation& sim,
                 const RunOutcome& outcome);

// Replays a trace from its header (config, fault plan, choice log) and checks that the events
// come out the same (the digest) and the same violation follows; InputError naming the first
// difference otherwise.
struct ReplayResult {
  RunOutcome outcome;
  Trace replayed;
  std::string digest;
};
ReplayResult replay_and_verify(const Trace& trace, const std::string& name);

std::string shell_quote(const std::string& text);
bool is_terminal(int fd);
// The command line that reruns exactly this seed.
std::string rerun_command(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed);

}  // namespace corridor::cli

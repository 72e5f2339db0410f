#include "cli/common.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/assert.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"

namespace corridor::cli {

const ProtocolEntry& require_protocol(const std::string& name) {
  if (const ProtocolEntry* entry = find_protocol(name)) {
    if (!entry->make) {
      throw UsageError(fmt::format("'{}' is an explore-only model: it has no simulated world to run (use '{} explore {}')",
                                   name, trace_tool_name(), name));
    }
    return *entry;
  }
  std::string known;
  for (const ProtocolEntry& e : protocol_registry()) {
    if (e.make) known += (known.empty() ? "" : ", ") + e.info.name;
  }
  throw UsageError(fmt::format("unknown protocol '{}' (known: {}; see '{} list')", name, known, trace_tool_name()));
}

const ProtocolEntry& require_trace_protocol(const Trace& trace, const std::string& name) {
  if (const ProtocolEntry* entry = find_protocol(trace.header.protocol); entry && entry->make) return *entry;
  const std::string writer = tool_program_of(trace.header.tool);
  if (!writer.empty() && writer != trace_tool_name()) {
    throw InputError(fmt::format("{}:1: protocol '{}' is not known to {}; the trace was written by '{}': replay, "
                                 "shrink and render it with that program ({} replay {})",
                                 name, trace.header.protocol, trace_tool_name(), trace.header.tool, writer,
                                 shell_quote(name)));
  }
  throw InputError(fmt::format("{}:1: unknown protocol '{}' in the header (see '{} list')", name,
                               trace.header.protocol, trace_tool_name()));
}

std::uint32_t require_variant(const ProtocolEntry& entry, const std::string& name) {
  if (name.empty()) return 0;
  const int index = entry.variant_index(name);
  if (index >= 0) return static_cast<std::uint32_t>(index);
  std::string known;
  for (const VariantInfo& v : entry.info.variants) known += (known.empty() ? "" : ", ") + v.name;
  throw UsageError(fmt::format("protocol {} has no variant '{}' (known: {})", entry.info.name, name, known));
}

std::uint64_t parse_seed(const std::string& text, const char* option) {
  std::uint64_t value = 0;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* begin = text.data() + (hex ? 2 : 0);
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value, hex ? 16 : 10);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    throw UsageError(fmt::format("{} '{}' is not a seed (a decimal or 0x-prefixed hex 64-bit number)", option, text));
  }
  return value;
}

static std::string read_plan_argument(const std::string& text) {
  if (text.empty() || text[0] != '@') return text;
  const std::string path = text.substr(1);
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--fault-plan: cannot open '{}'", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

SimConfig build_config(const ProtocolEntry& entry, std::uint32_t variant, const RunArgs& args) {
  SimConfig config = entry.default_config(variant);
  if (args.nodes) {
    if (*args.nodes < entry.info.min_nodes || *args.nodes > entry.info.max_nodes) {
      throw UsageError(fmt::format("--nodes {} is out of range for {}: it runs with {} to {} nodes", *args.nodes,
                                   entry.info.name, entry.info.min_nodes, entry.info.max_nodes));
    }
    config.nodes = *args.nodes;
  }
  if (args.faults) {
    // A given spec replaces the protocol's fault model, network included.
    const SimConfig defaults;
    config.faults = FaultSpec{};
    config.link = defaults.link;
    apply_fault_spec(*args.faults, config);
  }
  for (const std::string& text : args.links) config.links.push_back(parse_link_override(text, config.link));
  if (args.clock) {
    config.clock = ClockSpec{};
    apply_clock_spec(*args.clock, config);
  }
  if (args.time_limit) {
    const auto ns = parse_duration_ns(*args.time_limit);
    if (!ns || *ns <= 0) throw UsageError(fmt::format("--time-limit '{}' is not a positive duration (e.g. 10s)", *args.time_limit));
    config.time_limit_ns = *ns;
  }
  if (args.max_steps) {
    if (*args.max_steps == 0) throw UsageError("--max-steps must be at least 1");
    config.max_steps = *args.max_steps;
  }
  if (args.run_memory) {
    const std::optional<std::uint64_t> bytes = parse_bytes(*args.run_memory);
    if (!bytes || *bytes < (std::uint64_t{1} << 20)) {
      throw UsageError(fmt::format("--run-memory '{}' is not a size of at least 1MiB (e.g. 1GiB, 256MiB)", *args.run_memory));
    }
    config.run_bytes_max = *bytes;
  }
  if (!args.operations.empty()) config.operations_max = args.operations;
  if (args.explorer == "pct") config.explorer = ExplorerKind::pct;
  else if (args.explorer == "walk") config.explorer = ExplorerKind::walk;
  else if (args.explorer != "random" && args.explorer != "swarm") {
    throw UsageError(fmt::format("--explorer '{}' is not one of random, swarm, pct, walk", args.explorer));
  }
  if (args.explorer == "swarm" && args.fault_plan) {
    throw UsageError("--explorer swarm draws each run's faults, and --fault-plan fixes them: give one or the other");
  }
  if ((args.pct_depth || args.pct_steps) && config.explorer != ExplorerKind::pct) {
    throw UsageError("--pct-depth and --pct-steps go with --explorer pct");
  }
  if (args.pct_depth) {
    if (*args.pct_depth == 0 || *args.pct_depth > 64) throw UsageError(fmt::format("--pct-depth {} is not in 1..64", *args.pct_depth));
    config.pct_depth = *args.pct_depth;
  }
  if (args.pct_steps) {
    if (*args.pct_steps == 0) throw UsageError("--pct-steps must be at least 1");
    config.pct_steps = *args.pct_steps;
  }
  if (args.fault_plan) {
    config.plan_text = read_plan_argument(*args.fault_plan);
    // Parse once here so that a bad plan is a usage error before any run starts; node ids are
    // checked against the run's actors when it starts.
    try {
      parse_fault_plan(*config.plan_text, 4096, "--fault-plan");
    } catch (const InputError& e) {
      throw UsageError(e.what());
    }
  }
  return config;
}

std::vector<SimConfig> build_campaign(const ProtocolEntry& entry, std::uint32_t variant, const RunArgs& args) {
  const SimConfig given = build_config(entry, variant, args);
  std::vector<SimConfig> configs;
  for (const SimConfig& declared : entry.campaign_configs(variant)) {
    SimConfig config = given;
    if (!args.nodes) config.nodes = declared.nodes;
    if (!args.clock) {
      config.clock = declared.clock;
      config.clock_text = declared.clock_text;
    }
    if (std::find(configs.begin(), configs.end(), config) == configs.end()) configs.push_back(std::move(config));
  }
  CORRIDOR_ASSERT(!configs.empty());
  return configs;
}

Trace make_trace(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed, const Simulation& sim,
                 const RunOutcome& outcome) {
  return trace_of_run(entry.info.name, entry.info.variants.at(config.variant).name, config, seed, sim, outcome.violation,
                      outcome.steps, outcome.end_ns);
}

namespace {

std::string first_difference(const std::vector<std::string>& recorded, const std::vector<std::string>& replayed) {
  const std::size_t common = std::min(recorded.size(), replayed.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (recorded[i] != replayed[i]) {
      return fmt::format("event {} (file line {}) differs:\n  recorded: {}\n  replayed: {}", i + 1, i + 2, recorded[i],
                         replayed[i]);
    }
  }
  return fmt::format("the trace holds {} events, the replay {}", recorded.size(), replayed.size());
}

}  // namespace

ReplayResult replay_and_verify(const Trace& trace, const std::string& name) {
  const ProtocolEntry* entry = &require_trace_protocol(trace, name);
  const int variant = entry->variant_index(trace.header.variant);
  if (variant < 0 || static_cast<std::uint32_t>(variant) != trace.header.config.variant) {
    throw InputError(fmt::format("{}:1: protocol {} has no variant '{}' at index {}", name, trace.header.protocol,
                                 trace.header.variant, trace.header.config.variant));
  }
  const auto recorded_lines = event_lines(trace.events, trace.history);
  if (digest_of_lines(recorded_lines) != trace.footer.digest) {
    throw InputError(fmt::format("{}: the event lines do not match the footer's digest {} (the file was edited or cut)",
                                 name, trace.footer.digest));
  }
  auto sim = entry->make();
  ReplayResult r;
  r.outcome = run_once(*sim, trace.header.config, trace.header.seed,
                       {.record = true, .plan = &trace.header.fault_plan, .replay = &trace.header.choices});
  r.replayed = make_trace(*entry, trace.header.config, trace.header.seed, *sim, r.outcome);
  const auto replayed_lines = event_lines(r.replayed.events, r.replayed.history);
  r.digest = digest_of_lines(replayed_lines);
  if (r.digest != trace.footer.digest) {
    throw InputError(fmt::format("{}: the replay does not reproduce the trace: {}", name,
                                 first_difference(recorded_lines, replayed_lines)));
  }
  const auto& was = trace.violation;
  const auto& now = r.outcome.violation;
  if (was.has_value() != now.has_value() || (was && (was->invariant != now->invariant || was->step != now->step))) {
    throw InputError(fmt::format("{}: the replay reproduces the events but not the violation (recorded: {}, replayed: {})",
                                 name, was ? was->invariant : "none", now ? now->invariant : "none"));
  }
  return r;
}

std::string shell_quote(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/%+@") == std::string::npos;
  if (plain) return text;
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

std::string rerun_command(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed) {
  std::string cmd = fmt::format("{} run {} --variant {} --nodes {} --seed {:#x}", trace_tool_name(), entry.info.name,
                                entry.info.variants.at(config.variant).name, config.nodes, seed);
  cmd += fmt::format(" --faults {}", shell_quote(config.faults_text.empty() ? "none" : config.faults_text));
  if (!config.clock_text.empty()) cmd += fmt::format(" --clock {}", shell_quote(config.clock_text));
  // An ideal clock must be said where the protocol's default clock is not ideal (a swarm run that
  // drew no clock fault, a campaign clock of ""): without --clock the rerun would take the default.
  else if (!entry.info.default_clock.empty()) cmd += " --clock drift=0ppm";
  for (const LinkOverride& o : config.links) cmd += fmt::format(" --link {}", shell_quote(o.text));
  if (config.plan_text) cmd += fmt::format(" --fault-plan {}", shell_quote(*config.plan_text));
  if (!config.operations_max.empty()) cmd += fmt::format(" --ops {}", fmt::join(config.operations_max, ","));
  if (config.run_bytes_max != SimConfig{}.run_bytes_max) cmd += fmt::format(" --run-memory {}", config.run_bytes_max);
  if (config.time_limit_ns != entry.info.default_time_limit_ns) cmd += fmt::format(" --time-limit {}", format_duration(config.time_limit_ns));
  if (config.explorer == ExplorerKind::walk) cmd += " --explorer walk";
  if (config.explorer == ExplorerKind::pct) {
    cmd += fmt::format(" --explorer pct --pct-depth {} --pct-steps {}", config.pct_depth, config.pct_steps);
  }
  return cmd;
}

}  // namespace corridor::cli

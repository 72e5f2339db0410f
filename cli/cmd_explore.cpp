// corridor explore: exhaustive BFS/DFS over every reachable state of a protocol model, with
// symmetry and partial-order reduction, bounded by depth, states, memory and time.
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/explorable.hpp"
#include "cli/explore_stateless.hpp"
#include "explorers/exhaustive.hpp"
#include "explorers/memory_budget.hpp"
#include "model/world_model.hpp"
#include "model/units.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

namespace {

// A protocol `corridor explore` can search.
struct ExplorableProtocol {
  std::string name;
  std::string description;
  std::vector<VariantInfo> variants;  // variants[0] is the correct one
  std::uint32_t default_nodes = 3;
  std::uint32_t min_nodes = 1;
  std::uint32_t max_nodes = 16;
  bool symmetry = false;  // has a canonicalize hook
  bool world = false;     // the simulated world: --crashes, --losses, --dups apply
  std::function<ExploreReport(std::uint32_t nodes, std::uint32_t variant, const ExhaustiveOptions&)> explore;
  // World protocols: throws UsageError when the world cannot be searched statefully (coroutines)
  // or a fault budget leaves the protocol's fault model.
  std::function<void(std::uint32_t variant, const WorldLimits&)> check_limits;
};

// The faults an untimed search of the simulated world may choose (--crashes, --losses, --dups).
WorldLimits& world_limits() {
  static WorldLimits limits;
  return limits;
}

// An explore-only model of the registry (cli/explorable.hpp), searched as it was registered.
ExplorableProtocol model_explorable(const ProtocolEntry& entry) {
  ExplorableProtocol p;
  p.name = entry.info.name;
  p.description = entry.info.description;
  p.variants = entry.info.variants;
  p.default_nodes = entry.info.default_nodes;
  p.min_nodes = entry.info.min_nodes;
  p.max_nodes = entry.info.max_nodes;
  p.symmetry = entry.explore_only->symmetry;
  p.explore = entry.explore_only->explore;
  return p;
}

// A registry protocol, explored as the simulated world under untimed semantics (model/world_model.hpp).
ExplorableProtocol world_explorable(const ProtocolEntry& entry) {
  ExplorableProtocol p;
  p.name = entry.info.name;
  p.description = entry.info.description + " (the simulated world, untimed)";
  p.variants = entry.info.variants;
  p.default_nodes = entry.info.default_nodes;
  p.min_nodes = entry.info.min_nodes;
  p.max_nodes = entry.info.max_nodes;
  // A coroutine protocol has no copyable world: it is listed, and exploring it statefully is
  // refused with a sentence (world_model throws), `--stateless` being its search.
  const auto sim = entry.make();
  p.symmetry = sim->copyable_world() && sim->world_model(entry.default_config(0), {}).supports_symmetry();
  p.world = true;
  p.check_limits = [&entry](std::uint32_t variant, const WorldLimits& limits) {
    // Refused here, before the search's header line is printed: world_model throws the sentence
    // of model/simulation.hpp for a protocol whose world cannot be copied.
    if (!entry.make()->copyable_world()) (void)entry.make()->world_model(entry.default_config(variant), limits);
    if (const auto why = world_limits_refusal(entry.default_config(variant), limits)) {
      throw UsageError(fmt::format("{}: {}", entry.info.name, *why));
    }
  };
  p.explore = [&entry](std::uint32_t nodes, std::uint32_t variant, const ExhaustiveOptions& options) {
    SimConfig config = entry.default_config(variant);
    config.nodes = nodes;
    const AnyStateMachine model = entry.make()->world_model(config, world_limits());
    return explore_model<AnyStateMachine>(model, options, {});
  };
  return p;
}

const std::vector<ExplorableProtocol>& explorable_protocols() {
  static const std::vector<ExplorableProtocol> protocols = [] {
    // Explore-only models first: two-phase-commit was the first protocol `explore` knew.
    std::vector<ExplorableProtocol> all;
    for (const ProtocolEntry& entry : protocol_registry()) {
      if (entry.explore_only) all.push_back(model_explorable(entry));
    }
    for (const ProtocolEntry& entry : protocol_registry()) {
      if (entry.make) all.push_back(world_explorable(entry));
    }
    return all;
  }();
  return protocols;
}

const ExplorableProtocol& require_explorable(const std::string& name) {
  for (const ExplorableProtocol& p : explorable_protocols()) {
    if (p.name == name) return p;
  }
  std::string known;
  for (const ExplorableProtocol& p : explorable_protocols()) known += (known.empty() ? "" : ", ") + p.name;
  throw UsageError(fmt::format("'{}' cannot be explored exhaustively (explorable: {})", name, known));
}

struct ExploreCommand {
  std::string protocol;
  std::string variant;
  std::optional<std::uint32_t> nodes;
  bool bfs = false;
  bool dfs = false;
  bool symmetry = false;
  bool por = false;
  std::optional<std::uint32_t> depth;
  std::optional<std::uint64_t> max_states;
  std::string memory;  // empty: default_memory_budget_bytes()
  std::optional<std::string> time_limit;
  std::uint32_t jobs = 0;
  bool json = false;
  bool quiet = false;
  WorldLimits limits;  // simulated-world protocols only
  bool stateless = false;  // cli/cmd_explore_stateless.cpp
  bool no_sleep_sets = false;
  std::optional<std::uint64_t> max_executions;
};

std::uint32_t require_explorable_variant(const ExplorableProtocol& p, const std::string& name) {
  if (name.empty()) return 0;
  for (std::size_t i = 0; i < p.variants.size(); ++i) {
    if (p.variants[i].name == name) return static_cast<std::uint32_t>(i);
  }
  std::string known;
  for (const VariantInfo& v : p.variants) known += (known.empty() ? "" : ", ") + v.name;
  throw UsageError(fmt::format("protocol {} has no variant '{}' (known: {})", p.name, name, known));
}

ExhaustiveOptions build_options(const ExploreCommand& c, const ExplorableProtocol& p) {
  ExhaustiveOptions options;
  options.order = c.dfs ? SearchOrder::dfs : SearchOrder::bfs;
  if (c.symmetry && !p.symmetry) throw UsageError(fmt::format("--symmetry: {} declares no symmetry", p.name));
  options.symmetry = c.symmetry;
  options.por = c.por;
  if (c.depth) options.depth_max = *c.depth;
  if (c.max_states) {
    if (*c.max_states == 0) throw UsageError("--max-states must be at least 1");
    options.states_max = std::min<std::uint64_t>(*c.max_states, options.states_max);
  }
  const std::uint64_t physical = physical_memory_bytes();
  if (c.memory.empty()) {
    options.memory_bytes_max = default_memory_budget_bytes();
  } else {
    const std::optional<std::uint64_t> memory = parse_bytes(c.memory);
    if (!memory || *memory < (std::uint64_t{1} << 20)) {
      throw UsageError(fmt::format("--memory '{}' is not a size of at least 1MiB (e.g. 8GiB, 512MiB)", c.memory));
    }
    if (*memory > physical) {
      throw UsageError(fmt::format("--memory {} is more than this machine's {} of physical memory", c.memory,
                                   format_bytes(physical)));
    }
    options.memory_bytes_max = *memory;
  }
  if (c.time_limit) {
    const std::optional<time_ns> limit = parse_duration_ns(*c.time_limit);
    if (!limit || *limit <= 0) throw UsageError(fmt::format("--time-limit '{}' is not a positive duration (e.g. 60s, 5min)", *c.time_limit));
    options.time_limit_s = static_cast<double>(*limit) / 1e9;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (c.jobs > 1024) throw UsageError(fmt::format("--jobs {} is more threads than makes sense (at most 1024)", c.jobs));
  options.jobs = c.jobs == 0 ? cores : c.jobs;
  if (options.order == SearchOrder::dfs) options.jobs = 1;
  if (!c.quiet) {
    options.progress_out = stderr;
    options.progress_terminal = is_terminal(2);
  }
  if (const std::optional<std::string> why = validate_exhaustive_options(options)) throw UsageError(*why);
  return options;
}

std::uint64_t peak_rss_bytes() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
}

std::string with_commas(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

}  // namespace

void print_witnesses(std::FILE* out, const std::vector<WitnessReport>& witnesses, const char* shortest,
                     const std::optional<std::string>& vacuous) {
  if (witnesses.empty()) {
    fmt::print(out, "witnesses: none declared, so nothing shows this search was not vacuous\n");
    return;
  }
  const auto reached = std::count_if(witnesses.begin(), witnesses.end(), [](const WitnessReport& w) { return w.reached; });
  fmt::print(out, "witnesses: {} of {} reached (at least one must be)\n", reached, witnesses.size());
  for (const WitnessReport& w : witnesses) {
    if (!w.reached) {
      fmt::print(out, "  not reached  {}: {}\n", w.name, w.description);
      continue;
    }
    fmt::print(out, "  reached      {}: {}, at depth {}{}:\n", w.name, w.description, w.depth, shortest);
    for (std::size_t k = 0; k < w.path.size(); ++k) fmt::print(out, "    {:>3}  {}\n", k + 1, w.path[k]);
  }
  if (vacuous) fmt::print(out, "FAILED: {}\n", *vacuous);
}

namespace {

void print_report(std::FILE* out, const ExploreReport& report, const ExhaustiveOptions& options) {
  const ExhaustiveSummary& s = report.summary;
  if (s.violation) {
    fmt::print(out, "VIOLATION {}: {}\n", s.violation->invariant, s.violation->message);
    fmt::print(out, "counterexample, {} actions{}:\n", s.counterexample.size(),
               options.order == SearchOrder::bfs && !options.por ? " (BFS: none is shorter)" : "");
    if (!report.states.empty()) fmt::print(out, "  {:>3}  {:<26}  {}\n", 0, "(initial state)", report.states[0]);
    for (std::size_t k = 0; k < s.counterexample.size(); ++k) {
      const std::string state = k + 1 < report.states.size() ? report.states[k + 1] : "";
      fmt::print(out, "  {:>3}  {:<26}  {}\n", k + 1, s.counterexample[k], state);
    }
  }
  const double rate = s.seconds > 0 ? static_cast<double>(s.unique_states) / s.seconds : 0;
  std::string verdict = to_string(s.verdict);
  if (s.verdict == ExhaustiveVerdict::unknown) verdict += " (" + s.stop_reason + " reached; partial result)";
  fmt::print(out, "{}: {} unique states, {} generated, depth {}, {:.2f} s ({} unique states/s, {} job{})\n", verdict,
             with_commas(s.unique_states), with_commas(s.generated_states), s.depth, s.seconds,
             with_commas(static_cast<std::uint64_t>(rate)), s.jobs, s.jobs == 1 ? "" : "s");
  fmt::print(out, "memory: {} accounted at peak (budget {}), peak RSS {}\n", format_bytes(s.peak_accounted_bytes),
             format_bytes(options.memory_bytes_max), format_bytes(peak_rss_bytes()));
  fmt::print(out, "fingerprint collision probability: {:.2g} (birthday bound n^2/2^65 over n = {} unique states)\n",
             s.collision_probability, with_commas(s.unique_states));
  print_witnesses(out, s.witnesses, options.order == SearchOrder::bfs ? " (BFS: none shallower)" : "", vacuity(s));
}

nlohmann::json to_json(const ExploreCommand& c, const ExplorableProtocol& p, std::uint32_t nodes, std::uint32_t variant,
                       const ExploreReport& report, const ExhaustiveOptions& options) {
  const ExhaustiveSummary& s = report.summary;
  nlohmann::json j;
  j["protocol"] = p.name;
  j["variant"] = p.variants[variant].name;
  j["nodes"] = nodes;
  j["order"] = options.order == SearchOrder::bfs ? "bfs" : "dfs";
  j["symmetry"] = c.symmetry;
  j["por"] = c.por;
  j["jobs"] = s.jobs;
  j["verdict"] = to_string(s.verdict);
  j["stop_reason"] = s.stop_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.stop_reason);
  j["unique_states"] = s.unique_states;
  j["generated_states"] = s.generated_states;
  j["depth"] = s.depth;
  j["seconds"] = s.seconds;
  j["unique_states_per_s"] = s.seconds > 0 ? static_cast<double>(s.unique_states) / s.seconds : 0.0;
  j["peak_accounted_bytes"] = s.peak_accounted_bytes;
  j["peak_rss_bytes"] = peak_rss_bytes();
  j["memory_budget_bytes"] = options.memory_bytes_max;
  j["collision_probability"] = s.collision_probability;
  j["collision_estimate"] = "n^2/2^65";
  if (s.violation) {
    j["violation"] = {{"invariant", s.violation->invariant}, {"message", s.violation->message}};
    j["counterexample"] = s.counterexample;
    if (!report.states.empty()) j["counterexample_states"] = report.states;
  }
  j["witnesses"] = nlohmann::json::array();
  for (const WitnessReport& w : s.witnesses) {
    nlohmann::json wj = {{"name", w.name}, {"description", w.description}, {"reached", w.reached}};
    if (w.reached) {
      wj["depth"] = w.depth;
      wj["path"] = w.path;
    }
    j["witnesses"].push_back(std::move(wj));
  }
  j["witnesses_reached"] = witnesses_reached(s);
  const std::optional<std::string> vacuous = vacuity(s);
  j["vacuous"] = vacuous ? nlohmann::json(*vacuous) : nlohmann::json(nullptr);
  return j;
}

int execute(const ExploreCommand& c) {
  if (c.stateless) return execute_stateless({c.protocol, c.variant, c.nodes, c.depth, c.max_executions, c.jobs, c.no_sleep_sets});
  const ExplorableProtocol& p = require_explorable(c.protocol);
  const std::uint32_t variant = require_explorable_variant(p, c.variant);
  const std::uint32_t nodes = c.nodes.value_or(p.default_nodes);
  if (nodes < p.min_nodes || nodes > p.max_nodes) {
    throw UsageError(fmt::format("--nodes {}: {} explores {} to {} nodes", nodes, p.name, p.min_nodes, p.max_nodes));
  }
  const ExhaustiveOptions options = build_options(c, p);
  if (!p.world && (c.limits.crashes || c.limits.losses || c.limits.dups)) {
    throw UsageError(fmt::format("--crashes, --losses and --dups apply to protocols of the simulated world, not {}", p.name));
  }
  if (p.check_limits) p.check_limits(variant, c.limits);
  world_limits() = c.limits;
  std::FILE* human = c.json ? stderr : stdout;
  fmt::print(human, "{} explore {} --variant {} --nodes {}: {}{}{}, {} job{}, memory budget {}\n", trace_tool_name(), p.name,
             p.variants[variant].name, nodes, options.order == SearchOrder::bfs ? "BFS" : "DFS",
             options.symmetry ? ", symmetry" : "", options.por ? ", POR (sleep sets)" : "", options.jobs,
             options.jobs == 1 ? "" : "s", format_bytes(options.memory_bytes_max));
  std::fflush(human);
  const ExploreReport report = p.explore(nodes, variant, options);
  print_report(human, report, options);
  if (c.json) fmt::print("{}\n", to_json(c, p, nodes, variant, report, options).dump(2));
  return static_cast<int>(exit_verdict(report.summary));
}

}  // namespace

void add_explore_command(CLI::App& app, int& exit_code) {
  static ExploreCommand c;
  auto* cmd = app.add_subcommand("explore", "Search every reachable state of a protocol model (BFS or DFS) and check its invariants");
  cmd->footer(
      "\nExit codes: 0 every reachable state checked, every invariant held and at least one of the\n"
      "protocol's witnesses (states a search must reach) reached, 1 a violation (its counterexample is\n"
      "printed as numbered actions), 2 every reachable state checked but no witness reached (a vacuous\n"
      "search), 4 a bound (depth, states, memory, time) stopped the search first (verdict unknown,\n"
      "partial counts printed).\n\n"
      "Example: corridor explore two-phase-commit --nodes 7 --symmetry --jobs 2");
  cmd->add_option("protocol", c.protocol, "Protocol name (two-phase-commit)")->required();
  cmd->add_option("--variant", c.variant, "Variant: correct (default) or a planted bug");
  cmd->add_option("--nodes", c.nodes, "Number of nodes (two-phase-commit: resource managers)");
  auto* bfs = cmd->add_flag("--bfs", c.bfs, "Breadth-first (default): counterexamples are shortest");
  auto* dfs = cmd->add_flag("--dfs", c.dfs, "Depth-first (one thread)");
  bfs->excludes(dfs);
  cmd->add_flag("--symmetry", c.symmetry, "Fingerprint states up to a permutation of interchangeable nodes");
  cmd->add_flag("--por", c.por, "Partial-order reduction by sleep sets (same states, fewer transitions)");
  cmd->add_option("--depth", c.depth, "Expand no state at this depth or deeper");
  cmd->add_option("--max-states", c.max_states, "Stop after this many unique states");
  cmd->add_option("--memory", c.memory,
                  "Memory budget: bounds the peak resident set, states waiting in the queue included "
                  "(default: half of physical memory; at most all of it)");
  cmd->add_option("--time-limit", c.time_limit, "Stop after this long (e.g. 60s)");
  cmd->add_option("--jobs,-j", c.jobs, "Threads for BFS (default: every core)");
  cmd->add_option("--crashes", c.limits.crashes, "Simulated world: crash-restarts the search may choose (default 0)");
  cmd->add_option("--losses", c.limits.losses, "Simulated world: in-flight messages the search may lose (default 0)");
  cmd->add_option("--dups", c.limits.dups, "Simulated world: in-flight messages the search may duplicate (default 0)");
  cmd->add_flag("--stateless", c.stateless, "Depth-bounded DFS replaying each branch's choice-log prefix (any registered "
                "protocol, coroutine ones included; complete only up to --depth)");
  cmd->add_flag("--no-sleep-sets", c.no_sleep_sets, "--stateless: run every interleaving, without sleep-set pruning");
  cmd->add_option("--max-executions", c.max_executions, "--stateless: replays from the start in all (default 2,000,000)");
  cmd->add_flag("--json", c.json, "Print the summary as JSON on stdout (people's text goes to stderr)");
  cmd->add_flag("--quiet,-q", c.quiet, "No progress line");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

#include <cstdio>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "cli/explore_stateless.hpp"
#include "explorers/random_explorer.hpp"
#include "explorers/stateless.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

namespace {

// Runs the failing schedule once more, recorded, and writes it as a trace.
std::string write_counterexample(const ProtocolEntry& entry, SimConfig config, const StatelessOptions& options,
                                 const StatelessResult& result) {
  config.explorer = ExplorerKind::walk;
  auto sim = entry.make();
  sim->start(config, options.seed, nullptr, nullptr, true);
  std::vector<EnabledEvent> events;
  for (std::uint32_t index : result.path) {
    events.clear();
    sim->enabled_events(config.time_limit_ns, events);
    CORRIDOR_ASSERT_MSG(index < events.size(), "the failing schedule replays");
    sim->chooser().decided(ChoiceKind::pick, index, events.size());
    sim->fire(events[index].slot);
    if (sim->violation()) break;
  }
  if (!sim->violation()) sim->finish(sim->now_ns());
  RunOutcome outcome;
  outcome.seed = options.seed;
  outcome.violation = sim->violation();
  outcome.verdict = outcome.violation ? outcome.violation->verdict : Verdict::pass;
  outcome.steps = sim->steps();
  outcome.end_ns = sim->now_ns();
  const Trace trace = make_trace(entry, config, options.seed, *sim, outcome);
  const std::string path = fmt::format("results/{}/{}/stateless-depth-{}.trace.jsonl", entry.info.name,
                                       entry.info.variants[config.variant].name, options.depth_max);
  write_file_whole(path, trace_to_string(trace));
  return path;
}

}  // namespace

int execute_stateless(const StatelessArgs& args) {
  const ProtocolEntry& entry = require_protocol(args.protocol);
  const std::uint32_t variant = require_variant(entry, args.variant);
  SimConfig config = entry.default_config(variant);
  config.nodes = args.nodes.value_or(entry.info.default_nodes);
  if (config.nodes < entry.info.min_nodes || config.nodes > entry.info.max_nodes) {
    throw UsageError(fmt::format("--nodes {}: {} runs {} to {} nodes", config.nodes, entry.info.name,
                                 entry.info.min_nodes, entry.info.max_nodes));
  }
  StatelessOptions options;
  if (args.depth) options.depth_max = *args.depth;
  if (options.depth_max == 0) throw UsageError("--depth 0: a stateless search needs a depth bound of at least 1");
  if (args.max_executions) options.executions_max = *args.max_executions;
  if (options.executions_max == 0) throw UsageError("--max-executions 0: the search needs at least one execution");
  options.jobs = args.jobs;
  options.sleep_sets = !args.no_sleep_sets;
  fmt::print("corridor explore {} --variant {} --nodes {} --stateless: DFS to depth {}{}, replaying each branch's "
             "choice-log prefix (complete only up to the bound)\n",
             entry.info.name, entry.info.variants[variant].name, config.nodes, options.depth_max,
             options.sleep_sets ? ", sleep sets" : "");
  std::fflush(stdout);
  const StatelessResult r = explore_stateless(entry.make, config, options);
  const double rate = r.seconds > 0 ? static_cast<double>(r.schedules) / r.seconds : 0.0;
  fmt::print("{}: {} schedules, {} executions, {} events, {} pruned by sleep sets, depth {}, {:.2f} s ({:.0f} schedules/s)\n",
             r.stop_reason, r.schedules, r.executions, r.events_fired, r.pruned, r.depth_reached, r.seconds, rate);
  const std::optional<std::string> vacuous =
      vacuity(r.witnesses, r.violation.has_value(),
              r.complete ? fmt::format("ran every schedule to depth {}", options.depth_max)
                         : fmt::format("stopped ({}) at depth {}", r.stop_reason, r.depth_reached));
  print_witnesses(stdout, r.witnesses, " (the shallowest schedule found)", vacuous);
  if (r.violation) {
    fmt::print("violation of {} after {} events: {}\n", r.violation->invariant, r.path.size(), r.violation->message);
    const std::string path = write_counterexample(entry, config, options, r);
    fmt::print("  trace: {}\n  replay: corridor replay {}\n", path, path);
    return r.violation->verdict == Verdict::pass ? 1 : static_cast<int>(r.violation->verdict);
  }
  // As the stateful search: a vacuous search that ran to its bound is not a pass (exit 2).
  if (!r.complete) return static_cast<int>(Verdict::hung);
  return vacuous ? static_cast<int>(Verdict::liveness) : 0;
}

}  // namespace corridor::cli

// corridor-mpi-explore: `corridor explore`'s breadth-first search spread over MPI ranks
// (explorers/distributed_bfs.hpp), for state spaces past one machine's memory. Run it under
// mpirun; rank 0 prints. Built only where CMake finds MPI.
//   mpirun -np 4 corridor-mpi-explore two-phase-commit --nodes 9
#include <mpi.h>

#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/mpi/mpi_transport.hpp"
#include "explorers/distributed_bfs.hpp"
#include "model/world_model.hpp"
#include "protocols/registry.hpp"
#include "protocols/two_phase_commit/two_phase_commit.hpp"

namespace {

using namespace corridor;

struct Command {
  std::string protocol;
  std::string variant;
  std::optional<std::uint32_t> nodes;
  bool symmetry = false;
  std::optional<std::uint32_t> depth;
  std::uint64_t memory_mib = 4096;
  std::uint32_t round_states = 4096;
  WorldLimits limits;
  bool json = false;
};

std::string with_commas(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

nlohmann::json to_json(const Command& c, const std::string& variant, std::uint32_t nodes, const DistributedSummary& d) {
  const ExhaustiveSummary& s = d.search;
  std::uint64_t sent = 0;
  std::uint64_t bytes = 0;
  nlohmann::json ranks = nlohmann::json::array();
  for (const RankFigures& f : d.per_rank) {
    sent += f.records_sent;
    bytes += f.bytes_sent;
    ranks.push_back({{"unique_states", f.unique_states}, {"records_sent", f.records_sent}, {"bytes_sent", f.bytes_sent},
                     {"records_kept", f.records_kept}, {"replays", f.replays},
                     {"peak_accounted_bytes", f.peak_accounted_bytes}, {"peak_rss_bytes", f.peak_rss_bytes}});
  }
  const double unique = static_cast<double>(std::max<std::uint64_t>(1, s.unique_states));
  nlohmann::json j{{"protocol", c.protocol},
                   {"variant", variant},
                   {"nodes", nodes},
                   {"symmetry", c.symmetry},
                   {"ranks", d.per_rank.size()},
                   {"verdict", to_string(s.verdict)},
                   {"stop_reason", s.stop_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.stop_reason)},
                   {"unique_states", s.unique_states},
                   {"generated_states", s.generated_states},
                   {"depth", s.depth},
                   {"seconds", s.seconds},
                   {"unique_states_per_s", s.seconds > 0 ? static_cast<double>(s.unique_states) / s.seconds : 0.0},
                   {"rounds", d.rounds},
                   {"records_sent_per_state", static_cast<double>(sent) / unique},
                   {"bytes_sent_per_state", static_cast<double>(bytes) / unique},
                   {"peak_accounted_bytes_max", s.peak_accounted_bytes},
                   {"per_rank", ranks}};
  if (s.violation) {
    j["violation"] = {{"invariant", s.violation->invariant}, {"message", s.violation->message}};
    j["counterexample"] = s.counterexample;
  }
  return j;
}

void print_report(std::FILE* out, const DistributedSummary& d) {
  const ExhaustiveSummary& s = d.search;
  if (s.violation) {
    fmt::print(out, "VIOLATION {}: {}\ncounterexample, {} actions (BFS: none is shorter):\n", s.violation->invariant,
               s.violation->message, s.counterexample.size());
    for (std::size_t k = 0; k < s.counterexample.size(); ++k) fmt::print(out, "  {:>3}  {}\n", k + 1, s.counterexample[k]);
  }
  std::string verdict = to_string(s.verdict);
  if (s.verdict == ExhaustiveVerdict::unknown) verdict += " (" + s.stop_reason + " reached; partial result)";
  fmt::print(out, "{}: {} unique states, {} generated, depth {}, {:.2f} s on {} ranks, {} rounds\n", verdict,
             with_commas(s.unique_states), with_commas(s.generated_states), s.depth, s.seconds, d.per_rank.size(), d.rounds);
  std::uint64_t sent = 0;
  std::uint64_t bytes = 0;
  for (std::size_t r = 0; r < d.per_rank.size(); ++r) {
    const RankFigures& f = d.per_rank[r];
    sent += f.records_sent;
    bytes += f.bytes_sent;
    fmt::print(out, "  rank {}: {} states, {} accounted at peak, peak RSS {}, sent {} records ({}), {} replays\n", r,
               with_commas(f.unique_states), format_bytes(f.peak_accounted_bytes), format_bytes(f.peak_rss_bytes),
               with_commas(f.records_sent), format_bytes(f.bytes_sent), with_commas(f.replays));
  }
  const double unique = static_cast<double>(std::max<std::uint64_t>(1, s.unique_states));
  fmt::print(out, "messages: {:.2f} records and {:.1f} bytes sent between ranks per unique state\n",
             static_cast<double>(sent) / unique, static_cast<double>(bytes) / unique);
}

std::uint32_t variant_index(const std::vector<VariantInfo>& variants, const std::string& name, const std::string& protocol) {
  if (name.empty()) return 0;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].name == name) return static_cast<std::uint32_t>(i);
  }
  throw UsageError(fmt::format("protocol {} has no variant '{}'", protocol, name));
}

// The same models `corridor explore` searches: two-phase commit's TLA+-style machine, or a
// registry protocol's simulated world under untimed semantics.
int execute(const Command& c, std::uint32_t rank) {
  DistributedOptions options;
  options.symmetry = c.symmetry;
  if (c.depth) options.depth_max = *c.depth;
  if (c.memory_mib == 0) throw UsageError("--memory-mib must be at least 1");
  options.memory_bytes_max = c.memory_mib << 20;
  if (c.round_states == 0) throw UsageError("--round-states must be at least 1");
  options.expansions_per_round = c.round_states;
  mpi::MpiTransport transport;
  DistributedSummary summary;
  std::string variant_name;
  std::uint32_t nodes = 0;
  if (c.protocol == "two-phase-commit") {
    using protocols::TwoPhaseCommit;
    const std::vector<VariantInfo> variants = {{"correct", false, ""}, {"commit-without-all-prepared", true, ""}};
    const std::uint32_t variant = variant_index(variants, c.variant, c.protocol);
    nodes = c.nodes.value_or(3);
    if (nodes < 1 || nodes > TwoPhaseCommit::rms_max) {
      throw UsageError(fmt::format("--nodes {}: two-phase-commit explores 1 to {} RMs", nodes, TwoPhaseCommit::rms_max));
    }
    const TwoPhaseCommit model(nodes, variant == 0 ? TwoPhaseCommit::Variant::correct
                                                   : TwoPhaseCommit::Variant::commit_without_all_prepared);
    summary = explore_distributed(model, options, transport).summary;
    variant_name = variants[variant].name;
  } else {
    const ProtocolEntry* entry = find_protocol(c.protocol);
    if (!entry) throw UsageError(fmt::format("'{}' is neither two-phase-commit nor a protocol of 'corridor list'", c.protocol));
    const std::uint32_t variant = variant_index(entry->info.variants, c.variant, c.protocol);
    nodes = c.nodes.value_or(entry->info.default_nodes);
    if (nodes < entry->info.min_nodes || nodes > entry->info.max_nodes) {
      throw UsageError(fmt::format("--nodes {}: {} runs {} to {} nodes", nodes, c.protocol, entry->info.min_nodes, entry->info.max_nodes));
    }
    SimConfig config = entry->default_config(variant);
    config.nodes = nodes;
    const AnyStateMachine model = entry->make()->world_model(config, c.limits);
    if (c.symmetry && !model.supports_symmetry()) throw UsageError(fmt::format("--symmetry: {} declares no symmetry", c.protocol));
    summary = explore_distributed(model, options, transport).summary;
    variant_name = entry->info.variants[variant].name;
  }
  if (rank == 0) {
    print_report(c.json ? stderr : stdout, summary);
    if (c.json) fmt::print("{}\n", to_json(c, variant_name, nodes, summary).dump(2));
  }
  switch (summary.search.verdict) {
    case ExhaustiveVerdict::held: return 0;
    case ExhaustiveVerdict::violation: return static_cast<int>(Verdict::safety);
    case ExhaustiveVerdict::unknown: return static_cast<int>(Verdict::hung);
  }
  return static_cast<int>(Verdict::hung);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  CLI::App app{"corridor-mpi-explore: exhaustive BFS over MPI ranks, states partitioned by fingerprint (run under mpirun)"};
  Command c;
  app.add_option("protocol", c.protocol, "two-phase-commit, or a protocol of 'corridor list' (its simulated world)")->required();
  app.add_option("--variant", c.variant, "Variant: correct (default) or a planted bug");
  app.add_option("--nodes", c.nodes, "Number of nodes (two-phase-commit: resource managers)");
  app.add_flag("--symmetry", c.symmetry, "Fingerprint states up to a permutation of interchangeable nodes");
  app.add_option("--depth", c.depth, "Expand no state at this depth or deeper");
  app.add_option("--memory-mib", c.memory_mib, "Memory budget per rank in MiB: table, parent links, levels, batches (default 4096)");
  app.add_option("--round-states", c.round_states, "States a rank expands between two exchanges (default 4096)");
  app.add_option("--crashes", c.limits.crashes, "Simulated world: crash-restarts the search may choose (default 0)");
  app.add_option("--losses", c.limits.losses, "Simulated world: in-flight messages the search may lose (default 0)");
  app.add_option("--dups", c.limits.dups, "Simulated world: in-flight messages the search may duplicate (default 0)");
  app.add_flag("--json", c.json, "Print the summary as JSON on stdout (people's text goes to stderr)");
  int status = 0;
  try {
    app.parse(argc, argv);
    status = execute(c, static_cast<std::uint32_t>(rank));
  } catch (const CLI::ParseError& e) {
    status = rank == 0 ? app.exit(e) : e.get_exit_code();  // --help is a ParseError of exit code 0
    if (status != 0) status = corridor::exit_code::usage;
  } catch (const corridor::UsageError& e) {
    if (rank == 0) fmt::print(stderr, "corridor-mpi-explore: {}\n", e.what());
    status = corridor::exit_code::usage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "corridor-mpi-explore: rank {}: internal error: {}\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 70);
  }
  MPI_Finalize();
  return status;
}

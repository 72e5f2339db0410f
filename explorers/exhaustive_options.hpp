#pragma once
// What an exhaustive search is asked to do (its bounds) and what it reports, whatever the model.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "model/verdict.hpp"
#include "model/violation.hpp"

namespace corridor {

enum class SearchOrder : std::uint8_t { bfs, dfs };

struct ExhaustiveOptions {
  SearchOrder order = SearchOrder::bfs;
  bool symmetry = false;  // fingerprint canonical states (the model's canonicalize)
  bool por = false;       // sleep sets (partial-order reduction)
  std::uint32_t depth_max = UINT32_MAX;        // states at this depth are not expanded
  std::uint64_t states_max = 0xFFFFFFF0;       // unique states (indexes are 32-bit)
  // Bounds both the accounted bytes and the growth of the resident set (explorers/exhaustive.hpp);
  // the program's default is default_memory_budget_bytes() (explorers/memory_budget.hpp).
  std::uint64_t memory_bytes_max = std::uint64_t{8} << 30;
  double time_limit_s = 0;                     // 0: none
  std::uint32_t jobs = 1;                      // threads (BFS; DFS runs on one)
  // Progress on `progress_out`: a line redrawn in place every second on a terminal, a plain line
  // every 10 s otherwise; nothing when null.
  std::FILE* progress_out = nullptr;
  bool progress_terminal = false;
};

enum class ExhaustiveVerdict : std::uint8_t {
  held,       // every reachable state was checked and every invariant held
  violation,  // a reachable state violates an invariant; `counterexample` leads to it
  unknown,    // a bound stopped the search first (`stop_reason`)
};

const char* to_string(ExhaustiveVerdict verdict);

// One reachability witness the model declares (model/witness.hpp), as the search found it.
struct WitnessReport {
  std::string name;
  std::string description;
  bool reached = false;
  std::uint32_t depth = 0;        // of the first state found that reaches it (BFS: none is shallower)
  std::vector<std::string> path;  // the actions from an initial state to that state, described
};

struct ExhaustiveSummary {
  ExhaustiveVerdict verdict = ExhaustiveVerdict::held;
  std::string stop_reason;              // "depth bound", "state budget", "memory budget", "time limit"
  std::uint64_t unique_states = 0;      // distinct (canonical) states stored
  std::uint64_t generated_states = 0;   // successor computations, initial states included
  std::uint32_t depth = 0;              // the deepest level reached (BFS: the last level)
  double seconds = 0;
  std::uint32_t jobs = 1;
  std::uint64_t peak_accounted_bytes = 0;  // table + parents + sleep sets + queues and their states, as budgeted
  // The most the process's resident set grew over the search, where it was sampled (between
  // batches, every few milliseconds): what the budget bounds besides the accounted bytes.
  std::uint64_t peak_resident_added_bytes = 0;
  // Probability that two distinct states shared a fingerprint, so that one was never explored:
  // the birthday bound n^2 / 2^65 over the n unique states.
  double collision_probability = 0;
  std::optional<Violation> violation;
  std::vector<std::string> counterexample;  // the actions from an initial state, described
  std::vector<WitnessReport> witnesses;     // every witness the model declares, in its order
};

// Witnesses reached, of those declared.
std::size_t witnesses_reached(const ExhaustiveSummary& summary);

// The rule for witnesses: a search that declares some and reaches none of them is vacuous (its
// invariants held only where nothing happened), and fails. Reaching at least one is enough; the
// report lists each. Returns the one sentence that says so, or nullopt when the search is not
// vacuous (a witness reached, none declared, or a violation found, which fails on its own).
std::optional<std::string> vacuity(const ExhaustiveSummary& summary);
// The same rule for any search: `how` says how far it went ("explored every reachable state to
// depth 9"), `violation` whether one was found.
std::optional<std::string> vacuity(const std::vector<WitnessReport>& witnesses, bool violation, const std::string& how);

// The outcome a search's exit code reports (DESIGN.md's table): pass, safety (a violation), hung
// (a bound stopped it: verdict unknown), and liveness for a complete search that was vacuous.
// DESIGN.md has no code of its own for a vacuous search; 2 is the closest: a state the protocol
// must be able to reach was never reached, which is a "something good happens" property failing.
Verdict exit_verdict(const ExhaustiveSummary& summary);

// Why a search cannot run with `options`, in one sentence naming the options (as the program
// spells them), or nullopt when it can. explore_exhaustive asserts that it can: a caller that
// takes options from a person checks them here first and shows the sentence.
std::optional<std::string> validate_exhaustive_options(const ExhaustiveOptions& options);

// n^2 / 2^65: the chance that some pair among n uniformly random 64-bit fingerprints collides.
double fingerprint_collision_probability(std::uint64_t unique_states);

}  // namespace corridor

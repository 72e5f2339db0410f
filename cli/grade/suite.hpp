#pragma once
// A grading suite, read from TOML (toml++): the protocol it grades, a master seed, limits on every
// child process, and scenarios. Every scenario becomes one test per node count. A scenario's seeds
// derive from the master seed and the scenario's id only, so adding, removing or reordering
// scenarios changes no other scenario's seeds.
//
//   name = "pset3: a replicated kv store"
//   protocol = "paxos-kv"            # the name each submission registers (ProtocolRegistrar)
//   master_seed = 0x5eed
//   [limits]                          # every key optional; the defaults are below
//   wall_seconds_per_seed = 20        # one seed longer than this: hung, its child killed
//   cpu_seconds = 300                 # RLIMIT_CPU of a child
//   memory = "2GiB"                   # RLIMIT_DATA of a child
//   output = "4MiB"                   # a child printing more is killed: limit
//   file_size = "256MiB"              # RLIMIT_FSIZE
//   open_files = 64                   # RLIMIT_NOFILE
//   max_steps = 2000000               # steps per run before it counts as hung
//   build_seconds = 900
//   shrink_replays = 2000
//   staff = "staff"                   # failure-tests and claims: the staff protocol with its planted bugs
//   [failure_tests]                   # points_per_bug, max_points, seeds_max
//   [claims]                          # points_per_claim, max_points
//   [[scenario]]
//   id = "loss"                       # [a-z0-9-]+, unique
//   points = 10                       # split evenly between the node counts
//   nodes = [3, 5]
//   faults = "loss=0.05"              # a fault spec (`corridor run --faults`), or
//   fault_plan = "500ms crash n0 for 1s"   # an explicit fault plan (both may be given)
//   clock = "drift=200ppm"
//   explorer = "random"               # or "pct:3", "walk"
//   seeds = 20
//   invariants = ["log-agreement"]    # what this scenario is about; each must be the protocol's
//   time_limit = "3s"                 # simulated time per run
//   credit = "all"                    # or "fraction": points times the share of seeds that held
//   visibility = "visible"            # Gradescope: visible, hidden, after_due_date, after_published
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace corridor::grade {

struct Limits {
  double wall_seconds_per_seed = 20;
  std::uint64_t cpu_seconds = 300;
  std::uint64_t memory_bytes = std::uint64_t{2} << 30;
  std::uint64_t output_bytes = std::uint64_t{4} << 20;
  std::uint64_t file_bytes = std::uint64_t{256} << 20;
  std::uint64_t open_files = 64;
  std::optional<std::uint64_t> max_steps;
  double build_seconds = 900;
  std::uint64_t shrink_replays = 2000;
};

struct Scenario {
  std::string id;
  std::uint32_t line = 0;  // where [[scenario]] starts in the suite file
  double points = 0;
  std::vector<std::uint32_t> nodes;
  std::optional<std::string> faults;
  std::optional<std::string> fault_plan;
  std::optional<std::string> clock;
  std::string explorer = "random";
  std::optional<std::uint32_t> pct_depth;
  std::uint64_t seeds = 10;
  std::vector<std::string> invariants;
  std::optional<std::string> time_limit;
  bool fraction = false;  // credit = "fraction"
  std::string visibility = "visible";
  std::string variant;  // failure-tests files: the variant it runs against; empty: the submission's correct one
};

// Grading students' failure tests (`grade --failure-tests`): points for each planted bug of the
// staff protocol that one of a student's valid tests exposes, up to max_points.
struct FailureTestRules {
  bool present = false;
  double points_per_bug = 0;
  double max_points = 0;
  std::uint64_t seeds_max = 20;  // a student test's seeds are capped here
};

// Grading claimed failing seeds (`grade --claims`): points for each claim that reproduces.
struct ClaimRules {
  bool present = false;
  double points_per_claim = 0;
  double max_points = 0;
};

struct Suite {
  std::string path;  // as given
  std::string text;  // the file's bytes (its digest goes into grade.json)
  std::string name;
  std::string protocol;
  std::uint64_t master_seed = 0;
  Limits limits;
  std::vector<Scenario> scenarios;
  std::string staff;  // the staff protocol's sources (planted bugs as variants), relative to the suite's folder
  // The linearizability model ("kv", ...) the grader re-checks each history with, in its own
  // process, for scenarios that name "linearizable" (cli/grade/recheck.hpp); empty: no re-check.
  std::string history_model;
  FailureTestRules failure_tests;
  ClaimRules claims;
};

// Reads a suite. Unknown keys, wrong types, bad fault specs or plans and duplicate ids throw
// InputError "file:line: ..." (exit 65); a missing file throws UsageError (exit 64).
Suite read_suite(const std::string& path);

// Scenarios only (a student's failure-test file): the same [[scenario]] tables, no limits.
std::vector<Scenario> read_scenarios(const std::string& path, std::string* text);

// The seed of run `index` of a scenario: from the master seed and the scenario's id only.
std::uint64_t scenario_seed(std::uint64_t master_seed, const std::string& id, std::uint64_t index);

}  // namespace corridor::grade

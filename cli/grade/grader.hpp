#pragma once
// Grading one protocol submission against a suite: build it (cli/grade/build.hpp), then every
// scenario x node count as one test, its seeds run in shards by child processes of the built tool
// (`TOOL grade-child`, cli/cmd_grade_child.cpp) under the sandbox (cli/grade/sandbox.hpp). A
// seed's failure is classed safety, liveness, crash, hung, limit or nondeterministic (a build
// failure is class build for every test); a failing test keeps its first failing seed, the
// violation's sentence, the shrunk trace and the line that replays it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/grade/build.hpp"
#include "cli/grade/suite.hpp"

namespace corridor::grade {

struct GradeOptions {
  std::string out_dir;       // results go to out_dir/<submission>/, scratch builds to out_dir/build/<submission>/
  unsigned jobs = 2;         // child processes at once
  bool check_determinism = false;
  std::string prefix;        // the installed corridor package
};

struct SeedOutcome {
  std::uint64_t seed = 0;
  std::uint64_t index = 0;     // which of the scenario's seeds
  std::string klass = "pass";  // pass, safety, liveness, crash, hung, limit, nondeterministic, build
  std::string sentence;        // for people: what went wrong
  std::string invariant;
  std::string trace;           // relative to out_dir
  std::string shrunk;          // relative to out_dir
  std::uint64_t events = 0;
  std::uint64_t shrunk_events = 0;
};

struct TestResult {
  std::string id;
  std::uint32_t nodes = 0;
  std::string name;    // "loss, 3 nodes"
  std::string number;  // "2.1"
  double score = 0;
  double max_score = 0;
  std::string visibility;
  std::vector<std::string> tags;
  std::uint64_t seeds = 0;
  std::uint64_t seeds_passed = 0;
  bool fraction = false;
  std::optional<SeedOutcome> first_failure;
  std::string replay;   // the command that replays the shrunk trace, run in out_dir
  std::string picture;  // the shrunk trace's HTML picture, relative to out_dir
  std::string shrunk_text;  // the shrunk trace as a timeline, for report.md
  double seconds = 0;       // timings file only
  std::vector<std::string> arguments;  // what its children ran, but the seeds (timings file, for bench/grade.sh)
  std::vector<std::uint64_t> seed_list;
  std::string status_override;  // "passed"/"failed" where the score does not say (an invalid test: 0 of 0)
  std::string output_override;  // the test's output where it is not a run's (a claim, an exposed bug)
};

struct SubmissionGrade {
  std::string name;  // the folder's name
  Sources sources;
  BuildResult build;
  std::vector<TestResult> tests;
  double score = 0;
  double max_score = 0;
  std::string problem;  // a submission-wide reason for 0 (the build, an unregistered protocol)
};

// One scenario at one node count (s.nodes[node_index]) with `tool`, traces under
// out_dir/<submission>/traces/; `tool_relative` is how the replay line names the tool.
TestResult run_test(const Suite& suite, const Scenario& s, std::size_t scenario_index, std::size_t node_index,
                    const std::string& tool, const std::string& submission, const GradeOptions& options,
                    const std::string& tool_relative);

// One given seed of a scenario at `nodes` nodes (a claim's), its failure's traces in trace_dir
// (relative to out_dir).
SeedOutcome run_one_seed(const Suite& suite, const Scenario& s, std::uint32_t nodes, std::uint64_t seed,
                         const std::string& tool, const std::string& trace_dir, const GradeOptions& options);

SubmissionGrade grade_protocol(const Suite& suite, const std::string& submission_dir, const GradeOptions& options);

// A test's points: rounded to hundredths, so that the sum and the JSON are the same everywhere.
double round_points(double points);

}  // namespace corridor::grade

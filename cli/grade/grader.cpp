#include "cli/grade/grader.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/grade/recheck.hpp"
#include "model/assert.hpp"
#include "model/verdict.hpp"
#include "traces/render_html.hpp"
#include "traces/timeline.hpp"
#include "traces/trace.hpp"

namespace corridor::grade {

namespace fs = std::filesystem;

namespace {

constexpr unsigned jobs_max = 256;
constexpr double startup_seconds = 30;  // a child's start before its first seed (loading, registry)

// What a child is asked to run: everything but the seeds.
std::vector<std::string> child_arguments(const Suite& suite, const Scenario& s, std::uint32_t nodes,
                                         const std::string& variant) {
  std::vector<std::string> a = {"grade-child", suite.protocol, "--nodes", std::to_string(nodes)};
  if (!variant.empty()) a.insert(a.end(), {"--variant", variant});
  if (s.faults) a.insert(a.end(), {"--faults", *s.faults});
  if (s.clock) a.insert(a.end(), {"--clock", *s.clock});
  if (s.fault_plan) a.insert(a.end(), {"--fault-plan", *s.fault_plan});
  if (s.time_limit) a.insert(a.end(), {"--time-limit", *s.time_limit});
  if (suite.limits.max_steps) a.insert(a.end(), {"--max-steps", std::to_string(*suite.limits.max_steps)});
  a.insert(a.end(), {"--explorer", s.explorer});
  if (s.pct_depth) a.insert(a.end(), {"--pct-depth", std::to_string(*s.pct_depth)});
  a.insert(a.end(), {"--shrink-replays", std::to_string(suite.limits.shrink_replays)});
  return a;
}

ChildLimits child_limits(const Limits& l) {
  return {.wall_seconds_per_seed = l.wall_seconds_per_seed, .cpu_seconds = l.cpu_seconds, .memory_bytes = l.memory_bytes,
          .output_bytes = l.output_bytes, .file_bytes = l.file_bytes, .open_files = l.open_files};
}

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  const std::size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// Why a child that started a seed never reported it.
SeedOutcome charge(const ChildResult& c, const Limits& limits) {
  SeedOutcome o;
  if (c.timed_out) {
    o.klass = "hung";
    o.sentence = fmt::format("the seed ran longer than {} s of wall-clock time and was killed", limits.wall_seconds_per_seed);
  } else if (c.output_capped) {
    o.klass = "limit";
    o.sentence = fmt::format("the program printed more than {} bytes of output and was killed", limits.output_bytes);
  } else if (c.signal == SIGXCPU) {
    o.klass = "limit";
    o.sentence = fmt::format("the program used more than {} s of CPU time (RLIMIT_CPU)", limits.cpu_seconds);
  } else if (c.signal == SIGXFSZ) {
    o.klass = "limit";
    o.sentence = fmt::format("the program wrote a file larger than {} bytes (RLIMIT_FSIZE)", limits.file_bytes);
  } else if (c.signal == SIGSYS) {
    o.klass = "limit";
    o.sentence = "the program tried to open a socket: the network is off limits (killed by the seccomp filter)";
  } else if (c.signal != 0) {
    o.klass = "crash";
    o.sentence = fmt::format("the program was killed by signal {} ({})", c.signal, strsignal(c.signal));
  } else if (c.err.find("bad_alloc") != std::string::npos) {
    o.klass = "limit";
    o.sentence = fmt::format("the program ran out of memory (RLIMIT_DATA {} bytes)", limits.memory_bytes);
  } else {
    o.klass = "crash";
    const std::string said = last_line(c.err);
    o.sentence = fmt::format("the program exited {} before finishing the seed{}", c.exit_code,
                             said.empty() ? "" : ": " + said.substr(0, 300));
  }
  return o;
}

std::string class_of_verdict(const std::string& verdict) {
  if (verdict == "pass") return "pass";
  if (verdict == "safety-violation") return "safety";
  if (verdict == "liveness-violation") return "liveness";
  if (verdict == "protocol-crashed") return "crash";
  if (verdict == "hung") return "hung";
  if (verdict == "nondeterministic") return "nondeterministic";
  return "crash";
}

std::string seed_list(const std::vector<std::uint64_t>& seeds, std::size_t from, std::size_t to) {
  std::string list;
  for (std::size_t i = from; i < to; ++i) list += fmt::format("{}{:#x}", list.empty() ? "" : ",", seeds[i]);
  return list;
}

struct ShardJob {
  std::string tool;
  std::vector<std::string> arguments;
  std::string cwd;        // the results folder: trace paths the child prints are relative to it
  std::string trace_dir;  // relative to cwd
  const std::vector<std::uint64_t>* seeds = nullptr;
  std::size_t from = 0;
  std::size_t to = 0;
  bool keep_going = false;
  bool check_determinism = false;
  Limits limits;
  HistoryRecheck recheck;  // with a trace_dir: every seed's history is checked again here
};

// A seed the child said passed, checked again by the grader itself from the history the child
// wrote (`histories`: the child's history file, by seed).
void recheck_passed_seed(SeedOutcome& o, const std::map<std::uint64_t, std::string>& histories, const ShardJob& job) {
  if (o.klass != "pass" || !job.recheck.enabled() || job.trace_dir.empty()) return;
  const auto it = histories.find(o.seed);
  if (it == histories.end()) {
    o.klass = "crash";
    o.sentence = "the program said the seed passed but wrote no history for the grader to re-check";
    return;
  }
  const std::optional<RecheckFinding> f =
      recheck_history(it->second, fmt::format("the history of seed {:#x}", o.seed), job.recheck);
  if (!f) return;
  o.klass = f->unreadable ? "crash" : "safety";
  o.invariant = f->invariant;
  o.sentence = f->sentence + " (the program said the seed passed)";
}

// Runs seeds [from, to) of a test; restarts the child after one that died on a seed when every
// seed must run (fraction credit). Outcomes by seed index.
std::map<std::size_t, SeedOutcome> run_shard(const ShardJob& job) {
  std::map<std::size_t, SeedOutcome> outcomes;
  std::size_t next = job.from;
  for (std::size_t attempt = 0; next < job.to && attempt <= job.to - job.from; ++attempt) {
    std::vector<std::string> argv = {job.tool};
    argv.insert(argv.end(), job.arguments.begin(), job.arguments.end());
    argv.insert(argv.end(), {"--seeds", seed_list(*job.seeds, next, job.to)});
    if (!job.trace_dir.empty()) argv.insert(argv.end(), {"--out", job.trace_dir});
    if (job.keep_going) argv.push_back("--keep-going");
    if (job.check_determinism) argv.push_back("--check-determinism");
    // The child's history file is not an output: it is read once the child ends, then deleted.
    const bool recheck = job.recheck.enabled() && !job.trace_dir.empty();
    const std::string history_file = fmt::format("{}/histories-{}.jsonl", job.trace_dir, next);
    if (recheck) argv.insert(argv.end(), {"--history-file", history_file});
    const ChildResult c = run_child(argv, job.cwd, child_limits(job.limits), "{\"start\"", startup_seconds + job.limits.wall_seconds_per_seed);
    std::map<std::uint64_t, std::string> histories;
    if (recheck) {
      const fs::path path = fs::path(job.cwd) / history_file;
      histories = read_history_file(path.string());
      std::error_code ec;
      fs::remove(path, ec);
    }
    std::optional<std::size_t> running;
    bool failed = false;
    for (const std::string& line : c.lines) {
      const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object()) continue;  // the protocol's own printing
      if (j.contains("start") && running.has_value() == false && next < job.to) {
        running = next;
        continue;
      }
      if (!j.contains("seed") || !running) continue;
      SeedOutcome o;
      o.index = *running;
      o.seed = (*job.seeds)[*running];
      o.klass = class_of_verdict(j.value("verdict", ""));
      o.invariant = j.value("invariant", "");
      o.sentence = j.value("message", "");
      o.trace = j.value("trace", "");
      o.shrunk = j.value("shrunk", "");
      o.events = j.value("events", std::uint64_t{0});
      o.shrunk_events = j.value("shrunk_events", std::uint64_t{0});
      recheck_passed_seed(o, histories, job);
      failed = failed || o.klass != "pass";
      outcomes[*running] = o;
      running.reset();
      ++next;
    }
    if (running) {  // started and never reported: the child died on it
      SeedOutcome o = charge(c, job.limits);
      o.index = *running;
      o.seed = (*job.seeds)[*running];
      outcomes[*running] = o;
      next = *running + 1;
      if (!job.keep_going) break;
      continue;
    }
    if (failed && !job.keep_going) break;
    if (next < job.to) {  // exited without starting the next seed: it refused the scenario
      SeedOutcome o;
      o.index = next;
      o.seed = (*job.seeds)[next];
      o.klass = c.exit_code == 64 || c.exit_code == 65 ? "build" : "crash";
      const std::string said = last_line(c.err);
      o.sentence = fmt::format("the submission's program refused to run the scenario (exit {}){}", c.exit_code,
                               said.empty() ? "" : ": " + said.substr(0, 300));
      outcomes[next] = o;
      if (!job.keep_going || o.klass == "build") break;
      ++next;
    }
  }
  return outcomes;
}

std::string test_dir_name(const Scenario& s, std::uint32_t nodes) { return fmt::format("{}-n{}", s.id, nodes); }

// The shrunk trace of a failure: its picture beside it, its timeline for report.md. Our own code
// reads what the child wrote (parse_trace checks its digest); nothing of the student's runs here.
void describe_failure(TestResult& t, const std::string& out_dir, const std::string& tool_relative) {
  if (!t.first_failure) return;
  const SeedOutcome& f = *t.first_failure;
  const std::string trace = f.shrunk.empty() ? f.trace : f.shrunk;
  if (trace.empty()) return;
  try {
    const Trace parsed = read_trace((fs::path(out_dir) / trace).string());
    std::string picture = trace;
    if (picture.ends_with(".trace.jsonl")) picture.resize(picture.size() - 12);
    picture += ".html";
    write_trace_html((fs::path(out_dir) / picture).string(), parsed);
    t.picture = picture;
    t.shrunk_text = render_timeline(parsed, {.color = false});
    t.replay = fmt::format("{} replay {}", tool_relative, trace);
    if (parsed.violation && !f.invariant.empty() && parsed.violation->invariant != f.invariant) {
      t.first_failure->sentence += fmt::format(" (the written trace ends in {} instead)", parsed.violation->invariant);
    }
  } catch (const std::exception& e) {
    t.first_failure->sentence += fmt::format(" (its trace could not be read: {})", e.what());
  }
}

TestResult zero_test(const Scenario& s, std::size_t scenario_index, std::size_t node_index, const std::string& why) {
  TestResult t;
  t.id = s.id;
  t.nodes = s.nodes[node_index];
  t.name = fmt::format("{}, {} node{}", s.id, t.nodes, t.nodes == 1 ? "" : "s");
  t.number = fmt::format("{}.{}", scenario_index + 1, node_index + 1);
  t.max_score = round_points(s.points / static_cast<double>(s.nodes.size()));
  t.visibility = s.visibility;
  t.tags = {s.id, "build"};
  t.seeds = s.seeds;
  t.fraction = s.fraction;
  SeedOutcome o;
  o.klass = "build";
  o.sentence = why;
  t.first_failure = o;
  return t;
}

}  // namespace

TestResult run_test(const Suite& suite, const Scenario& s, std::size_t scenario_index, std::size_t node_index,
                    const std::string& tool, const std::string& submission, const GradeOptions& options,
                    const std::string& tool_relative) {
  const std::uint32_t nodes = s.nodes[node_index];
  TestResult t;
  t.id = s.id;
  t.nodes = nodes;
  t.name = fmt::format("{}, {} node{}", s.id, nodes, nodes == 1 ? "" : "s");
  t.number = fmt::format("{}.{}", scenario_index + 1, node_index + 1);
  t.max_score = round_points(s.points / static_cast<double>(s.nodes.size()));
  t.visibility = s.visibility;
  t.tags = {s.id};
  t.tags.insert(t.tags.end(), s.invariants.begin(), s.invariants.end());
  t.fraction = s.fraction;
  t.seeds = s.seeds;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t i = 0; i < s.seeds; ++i) seeds.push_back(scenario_seed(suite.master_seed, s.id, i));
  const std::string trace_dir = fmt::format("{}/traces/{}", submission, test_dir_name(s, nodes));
  fs::remove_all(fs::path(options.out_dir) / trace_dir);
  const std::vector<std::string> arguments = child_arguments(suite, s, nodes, s.variant);
  t.arguments = arguments;
  t.seed_list = seeds;
  const HistoryRecheck recheck = history_recheck_for(s.invariants, suite.history_model);
  std::map<std::size_t, SeedOutcome> outcomes;
  if (options.check_determinism) {
    const ShardJob job{tool, arguments, options.out_dir, "", &seeds, 0, 1, false, true, suite.limits, {}};
    for (auto& [i, o] : run_shard(job)) {
      if (o.klass == "nondeterministic") outcomes[i] = o;
    }
  }
  if (outcomes.empty()) {
    const unsigned shards = static_cast<unsigned>(std::min<std::uint64_t>(std::max(1u, options.jobs), seeds.size()));
    std::vector<std::map<std::size_t, SeedOutcome>> results(shards);
    std::vector<std::thread> threads;
    for (unsigned k = 0; k < shards; ++k) {
      const std::size_t from = seeds.size() * k / shards;
      const std::size_t to = seeds.size() * (k + 1) / shards;
      threads.emplace_back([&, k, from, to] {
        results[k] = run_shard({tool, arguments, options.out_dir, trace_dir, &seeds, from, to, s.fraction, false, suite.limits,
                                recheck});
      });
    }
    for (std::thread& th : threads) th.join();
    for (auto& r : results) outcomes.merge(r);
  }
  for (const auto& [i, o] : outcomes) {
    if (o.klass == "pass") ++t.seeds_passed;
    else if (!t.first_failure) t.first_failure = o;  // the map is in seed order: the first failing seed
  }
  if (!t.first_failure) t.seeds_passed = s.seeds;
  if (t.first_failure && t.first_failure->klass == "nondeterministic") t.seeds_passed = 0;
  if (!t.first_failure) t.score = t.max_score;
  else if (s.fraction) t.score = round_points(t.max_score * static_cast<double>(t.seeds_passed) / static_cast<double>(s.seeds));
  if (t.first_failure) t.tags.push_back(t.first_failure->klass);
  describe_failure(t, options.out_dir, tool_relative);
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

SeedOutcome run_one_seed(const Suite& suite, const Scenario& s, std::uint32_t nodes, std::uint64_t seed,
                         const std::string& tool, const std::string& trace_dir, const GradeOptions& options) {
  const std::vector<std::uint64_t> seeds = {seed};
  fs::remove_all(fs::path(options.out_dir) / trace_dir);
  const ShardJob job{tool, child_arguments(suite, s, nodes, s.variant), options.out_dir, trace_dir, &seeds, 0, 1, false, false,
                     suite.limits, history_recheck_for(s.invariants, suite.history_model)};
  const auto outcomes = run_shard(job);
  if (outcomes.empty()) return SeedOutcome{seed, 0, "crash", "the program ran nothing", "", "", "", 0, 0};
  return outcomes.begin()->second;
}

double round_points(double points) { return std::round(points * 100.0) / 100.0; }

SubmissionGrade grade_protocol(const Suite& suite, const std::string& submission_dir, const GradeOptions& options) {
  CORRIDOR_ASSERT(options.jobs >= 1 && options.jobs <= jobs_max);
  SubmissionGrade g;
  g.name = tool_name_for(fs::path(submission_dir).lexically_normal().filename().string());
  g.sources = find_sources(submission_dir);
  const std::string scratch = (fs::path(options.out_dir) / "build" / g.name).string();
  g.build = build_submission(g.sources, scratch, g.name, options.prefix, child_limits(suite.limits), suite.limits.build_seconds);
  if (!g.build.ok) g.problem = "the submission did not build";
  const std::string tool_relative = fmt::format("build/{}/build/{}", g.name, g.name);
  for (std::size_t i = 0; i < suite.scenarios.size(); ++i) {
    const Scenario& s = suite.scenarios[i];
    for (std::size_t k = 0; k < s.nodes.size(); ++k) {
      g.tests.push_back(g.build.ok ? run_test(suite, s, i, k, g.build.tool, g.name, options, tool_relative)
                                   : zero_test(s, i, k, "the submission did not build (see the compiler's errors above)"));
      if (g.build.ok && g.tests.back().first_failure && g.tests.back().first_failure->klass == "build" && g.problem.empty()) {
        g.problem = g.tests.back().first_failure->sentence;
      }
    }
  }
  for (const TestResult& t : g.tests) {
    g.score += t.score;
    g.max_score += t.max_score;
  }
  g.score = round_points(g.score);
  g.max_score = round_points(g.max_score);
  return g;
}

}  // namespace corridor::grade

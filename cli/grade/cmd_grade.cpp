// corridor grade SUITE.toml SUBMISSION... : grade protocol submissions against a suite, each in
// child processes of its own built tool (cli/grade/). Only the stock corridor has this command:
// it never runs a student's code in its own process, so it never needs to link one.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/grade/cmd_grade.hpp"
#include "cli/grade/grader.hpp"
#include "cli/grade/modes.hpp"
#include "cli/grade/report.hpp"
#include "cli/grade/sandbox.hpp"
#include "cli/grade/suite.hpp"
#include "model/verdict.hpp"

namespace corridor::cli {

namespace {

namespace fs = std::filesystem;

struct GradeCommand {
  std::vector<std::string> paths;  // SUITE.toml SUBMISSION...
  std::string out_dir = "grade-results";
  unsigned jobs = 0;
  bool check_determinism = false;
  std::string prefix;
  std::string verify;
  std::vector<std::string> failure_tests;
  std::vector<std::string> claims;
  bool self_check = false;
};

std::string relative_to_here(const std::string& path) {
  std::error_code ec;
  const fs::path rel = fs::relative(path, fs::current_path(), ec);
  if (ec || rel.empty()) return path;
  return rel.generic_string();
}

unsigned jobs_of(unsigned asked) {
  if (asked > 256) throw UsageError(fmt::format("--jobs {} is more child processes than makes sense (at most 256)", asked));
  return asked == 0 ? std::max(1u, std::thread::hardware_concurrency()) : asked;
}

struct Graded {
  grade::SubmissionGrade grade;
  std::string grade_json;
};

// One line of at most 160 characters for the terminal: a violation's sentence can carry a whole
// explanation (lincheck's prefix and candidates); report.md and results.json keep all of it.
std::string headline(const std::string& sentence) {
  constexpr std::size_t width_max = 160;
  std::string line = sentence.substr(0, sentence.find('\n'));
  if (line.size() > width_max) line = line.substr(0, width_max) + " ...";
  else if (line.size() < sentence.size()) line += " ...";
  return line;
}

void print_grade(const grade::SubmissionGrade& g, const std::string& out_dir) {
  double run_seconds = 0;
  for (const auto& t : g.tests) run_seconds += t.seconds;
  fmt::print("{}: {} of {} points{} (build {:.1f} s, runs {:.1f} s) -> {}\n", g.name, g.score, g.max_score,
             g.problem.empty() ? "" : "; " + g.problem, g.build.seconds, run_seconds,
             relative_to_here((fs::path(out_dir) / g.name / "report.md").string()));
  for (const auto& t : g.tests) {
    const bool passed = t.status_override.empty() ? t.score >= t.max_score : t.status_override == "passed";
    if (passed) continue;
    const std::string why = !t.output_override.empty() ? headline(t.output_override)
                            : t.first_failure ? fmt::format("{} ({})", t.first_failure->klass, headline(t.first_failure->sentence))
                                              : "failed";
    fmt::print("  {} {}: {}\n", t.number, t.name, why);
  }
  std::fflush(stdout);
}

// Grades every submission of one mode ("protocol", "failure-tests", "claims") and writes its files.
std::vector<Graded> grade_all(const grade::Suite& suite, const std::string& mode, const std::vector<std::string>& submissions,
                              const grade::GradeOptions& options, bool print) {
  // Every submission is checked before any is graded: a wrong path is the grader's usage error,
  // not a zero for whoever comes after it.
  if (mode == "protocol") {
    for (const std::string& s : submissions) grade::find_sources(s);
  } else {
    for (const std::string& s : submissions) {
      if (!fs::is_regular_file(s)) throw UsageError(fmt::format("'{}' is not a file", s));
    }
  }
  std::optional<grade::StaffTool> staff;
  if (mode != "protocol") staff = grade::build_staff(suite, options);
  std::vector<Graded> all;
  for (const std::string& s : submissions) {
    grade::SubmissionGrade g = mode == "protocol"        ? grade::grade_protocol(suite, s, options)
                               : mode == "failure-tests" ? grade::grade_failure_tests(suite, *staff, s, options)
                                                         : grade::grade_claims(suite, *staff, s, options);
    const grade::ReportContext context{.mode = mode, .suite_path = relative_to_here(suite.path),
                                       .submission_path = relative_to_here(s), .check_determinism = options.check_determinism};
    const std::string grade_json = grade::write_reports(g, suite, options.out_dir, context);
    if (print) print_grade(g, options.out_dir);
    all.push_back({std::move(g), grade_json});
  }
  return all;
}

int verify(const GradeCommand& c) {
  std::ifstream in(c.verify);
  if (!in) throw UsageError(fmt::format("--verify: cannot read '{}'", c.verify));
  const nlohmann::json recorded = nlohmann::json::parse(in, nullptr, false);
  if (!recorded.is_object() || !recorded.contains("suite") || !recorded.contains("submission") || !recorded.contains("results")) {
    throw InputError(fmt::format("{}:1: not a grade.json written by corridor grade", c.verify));
  }
  const std::string suite_path = recorded["suite"].value("path", "");
  const std::string submission = recorded["submission"].value("path", "");
  const grade::Suite suite = grade::read_suite(suite_path);
  char scratch[] = "/tmp/corridor-verify-XXXXXX";
  if (!::mkdtemp(scratch)) throw UsageError("--verify: cannot make a scratch folder in /tmp");
  grade::GradeOptions options{.out_dir = scratch, .jobs = jobs_of(c.jobs),
                              .check_determinism = recorded.value("check_determinism", false),
                              .prefix = grade::find_corridor_prefix(c.prefix)};
  const std::vector<Graded> again = grade_all(suite, recorded.value("mode", "protocol"), {submission}, options, false);
  std::ifstream fresh_in(again.front().grade_json);
  const nlohmann::json fresh = nlohmann::json::parse(fresh_in, nullptr, false);
  int differences = 0;
  for (const char* key : {"suite", "submission"}) {
    if (recorded[key]["digest"] != fresh[key]["digest"]) {
      fmt::print("{} digest differs: recorded {}, now {}\n", key, recorded[key]["digest"].dump(), fresh[key]["digest"].dump());
      ++differences;
    }
  }
  for (const auto& [name, digest] : recorded["results"].items()) {
    const auto now = fresh["results"].value(name, std::string());
    if (digest != now) {
      fmt::print("{} differs: recorded {}, regraded {} (the regrade is in {})\n", name, digest.dump(), now, scratch);
      ++differences;
    }
  }
  if (differences == 0) {
    fmt::print("verified {}: suite, submission and results digests match on a regrade\n", c.verify);
    std::error_code ec;
    fs::remove_all(scratch, ec);
    return 0;
  }
  return 1;
}

int execute(const GradeCommand& c) {
  if (!c.verify.empty()) {
    if (!c.paths.empty()) throw UsageError("--verify takes a grade.json and nothing else");
    return verify(c);
  }
  const int modes = (c.failure_tests.empty() ? 0 : 1) + (c.claims.empty() ? 0 : 1) + (c.self_check ? 1 : 0);
  if (modes > 1) throw UsageError("give one of --failure-tests, --claims and --self-check");
  if (c.paths.empty()) throw UsageError("grade needs a suite: corridor grade SUITE.toml SUBMISSION...");
  if (modes == 0 && c.paths.size() < 2) throw UsageError("grade needs a suite and at least one submission: corridor grade SUITE.toml SUBMISSION...");
  if (modes == 1 && c.paths.size() != 1) throw UsageError("with --failure-tests, --claims or --self-check, give the suite alone before them");
  const grade::Suite suite = grade::read_suite(c.paths.front());
  const std::string mode = !c.failure_tests.empty() ? "failure-tests" : !c.claims.empty() ? "claims" : "protocol";
  const std::vector<std::string> submissions = !c.failure_tests.empty() ? c.failure_tests
                                               : !c.claims.empty()      ? c.claims
                                                                        : std::vector<std::string>(c.paths.begin() + 1, c.paths.end());
  if (mode == "failure-tests" && !suite.failure_tests.present) throw InputError(fmt::format("{}:1: the suite has no [failure_tests] table (points_per_bug, max_points)", suite.path));
  if (mode == "claims" && !suite.claims.present) throw InputError(fmt::format("{}:1: the suite has no [claims] table (points_per_claim, max_points)", suite.path));
  // A wrong submission path is the first thing to say, before where the package is.
  if (mode == "protocol") {
    for (const std::string& s : submissions) grade::find_sources(s);
  }
  grade::GradeOptions options{.out_dir = c.out_dir, .jobs = jobs_of(c.jobs), .check_determinism = c.check_determinism,
                              .prefix = grade::find_corridor_prefix(c.prefix)};
  fs::create_directories(c.out_dir);
  if (c.self_check) {
    const grade::StaffTool staff = grade::build_staff(suite, options);
    fmt::print("self-check of {}: the suite's scenarios against the staff protocol's {} variants\n", relative_to_here(suite.path),
               staff.variants.size());
    const bool ok = grade::self_check(suite, staff, options);
    fmt::print("{}\n", ok ? "every planted bug is exposed and the correct variant holds" : "the self-check FAILED");
    return ok ? 0 : 1;
  }
  fmt::print("grading {} submission{} against {} ({} scenario{}); isolation: {}\n", submissions.size(),
             submissions.size() == 1 ? "" : "s", relative_to_here(suite.path), suite.scenarios.size(),
             suite.scenarios.size() == 1 ? "" : "s", grade::describe(grade::isolation_layers()));
  std::fflush(stdout);
  grade_all(suite, mode, submissions, options, true);
  return 0;
}

}  // namespace

void add_grade_command(CLI::App& app, int& exit_code) {
  static GradeCommand c;
  auto* cmd = app.add_subcommand("grade", "Grade submissions against a TOML suite, each in child processes of its own build");
  cmd->footer(
      "\nEach submission is a folder of C++ sources that register the suite's protocol; grade builds it\n"
      "against the installed corridor package and runs it only in child processes (rlimits, no network,\n"
      "a wall-clock kill). Writes OUT/<submission>/{results.json, junit.xml, report.md, grade.json,\n"
      "timings.json} and the failing traces; all but timings.json are byte-identical on a regrade.\n\n"
      "Exit codes: 0 graded (whatever the scores), 1 --verify found a difference or --self-check failed,\n"
      "64 usage, 65 a bad suite, test file, claims file or submission.\n\nExample: corridor grade examples/grading/suite.toml examples/grading/submissions/*");
  cmd->add_option("paths", c.paths, "SUITE.toml SUBMISSION...");
  cmd->add_option("--out", c.out_dir, "Results folder (default grade-results)");
  cmd->add_option("--jobs,-j", c.jobs, "Child processes at once (default: every core)");
  cmd->add_flag("--check-determinism", c.check_determinism, "Run each test's first seed twice; a divergence scores 0");
  cmd->add_option("--corridor-prefix", c.prefix, "The installed corridor package to build submissions against");
  cmd->add_option("--verify", c.verify, "Regrade what a grade.json records and compare the digests");
  cmd->add_option("--failure-tests", c.failure_tests, "Grade students' failure-test files (TOML scenarios) by the planted bugs they expose");
  cmd->add_option("--claims", c.claims, "Grade students' claims files: lines 'VARIANT SEED INVARIANT [run options]'");
  cmd->add_flag("--self-check", c.self_check, "Show that the suite's own scenarios expose every planted bug of the staff protocol");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli

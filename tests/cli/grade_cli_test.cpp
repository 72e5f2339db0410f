// `corridor grade` given bad input, as an instructor would meet it: a suite with an unknown key, a
// wrong type, a bad fault plan or fault spec gets one sentence with file:line and exit 65; a
// missing submission folder exit 64, one without C++ sources exit 65; the worked example's suite
// parses. None of these needs a submission built, so none needs an installed package (the full
// grading runs are tests/install/grade.sh).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli_process.hpp"

namespace {

namespace fs = std::filesystem;
using corridor_test::run_cli;

fs::path scratch() {
  const fs::path dir = fs::path(CORRIDOR_BINARY_DIR) / "grade-cli-test";
  fs::create_directories(dir);
  return dir;
}

// A one-scenario suite with `extra` added to the scenario (or, with `top`, before it).
fs::path write_suite(const std::string& name, const std::string& extra, const std::string& top = "") {
  const fs::path path = scratch() / name;
  std::ofstream(path) << "name = \"t\"\nprotocol = \"pset-kv\"\nmaster_seed = 7\n" << top
                      << "\n[[scenario]]\nid = \"a\"\npoints = 10\nnodes = [3]\n" << extra;
  return path;
}

fs::path submission_with_source() {
  const fs::path dir = scratch() / "with-source";
  fs::create_directories(dir);
  std::ofstream(dir / "kv.cpp") << "// nothing\n";
  return dir;
}

corridor_test::CliResult grade(const fs::path& suite, const std::string& rest) {
  return run_cli(CORRIDOR_CLI, "grade " + suite.string() + " " + rest + " --out " + (scratch() / "out").string());
}

TEST(GradeCli, UnknownKeyNamesFileAndLine) {
  const fs::path suite = write_suite("unknown.toml", "seedz = 3\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(suite.string() + ":9: unknown key 'seedz'"), std::string::npos) << r.out;
}

TEST(GradeCli, WrongTypeNamesFileAndLine) {
  const fs::path suite = write_suite("type.toml", "seeds = \"ten\"\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(suite.string() + ":9: seeds must be an integer, not a string"), std::string::npos) << r.out;
}

TEST(GradeCli, BadFaultPlanNamesFileAndLine) {
  const fs::path suite = write_suite("plan.toml", "faults = \"loss=0.1\"\nfault_plan = \"300ms explode n0\"\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(suite.string() + ":10: fault_plan:"), std::string::npos) << r.out;
}

TEST(GradeCli, BadFaultSpecNamesFileAndLine) {
  const fs::path suite = write_suite("spec.toml", "faults = \"lightning=3\"\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(suite.string() + ":9: faults:"), std::string::npos) << r.out;
}

TEST(GradeCli, UnknownLimitAndBadCreditAreReported) {
  const fs::path limits = write_suite("limits.toml", "", "[limits]\ncpu = 3\n");
  auto r = grade(limits, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(limits.string() + ":5: unknown key 'limits.cpu'"), std::string::npos) << r.out;
  const fs::path credit = write_suite("credit.toml", "credit = \"most\"\n");
  r = grade(credit, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(credit.string() + ":9: credit 'most' is not"), std::string::npos) << r.out;
}

TEST(GradeCli, UnknownHistoryModelNamesFileAndLine) {
  const fs::path suite = write_suite("model.toml", "", "history_model = \"bank\"\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(suite.string() + ":4: history_model 'bank' is not a linearizability model (known: "), std::string::npos)
      << r.out;
}

TEST(GradeCli, TomlSyntaxErrorNamesFileAndLine) {
  const fs::path suite = write_suite("syntax.toml", "points = = 3\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find(suite.string() + ":9:"), std::string::npos) << r.out;
}

TEST(GradeCli, DuplicateScenarioIdIsReported) {
  const fs::path suite = write_suite("dup.toml", "\n[[scenario]]\nid = \"a\"\nnodes = [3]\n");
  const auto r = grade(suite, submission_with_source().string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("scenario id 'a' is used twice"), std::string::npos) << r.out;
}

TEST(GradeCli, MissingSubmissionIsUsageError) {
  const fs::path suite = write_suite("ok.toml", "");
  const auto r = grade(suite, (scratch() / "no-such-folder").string());
  EXPECT_EQ(r.exit_code, 64) << r.out;
  EXPECT_NE(r.out.find("is not a folder"), std::string::npos) << r.out;
}

TEST(GradeCli, EmptySubmissionIsBadInput) {
  const fs::path suite = write_suite("ok2.toml", "");
  const fs::path empty = scratch() / "empty-submission";
  fs::create_directories(empty);
  std::ofstream(empty / "README.txt") << "no code here\n";
  const auto r = grade(suite, empty.string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("holds no C++ source"), std::string::npos) << r.out;
}

TEST(GradeCli, NoSubmissionIsUsageError) {
  const fs::path suite = write_suite("ok3.toml", "");
  const auto r = run_cli(CORRIDOR_CLI, "grade " + suite.string());
  EXPECT_EQ(r.exit_code, 64) << r.out;
}

TEST(GradeCli, GradeChildIsHiddenFromHelp) {
  const auto r = run_cli(CORRIDOR_CLI, "--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("grade"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("grade-child"), std::string::npos) << r.out;
}

// The grader's far side, run directly: a line before each seed and one after.
TEST(GradeCli, GradeChildPrintsEachSeedBeforeAndAfter) {
  const auto r = run_cli(CORRIDOR_CLI, "grade-child leader-lease --seeds 0x1,0x2", false);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("{\"start\":\"0x1\"}\n{\"seed\":\"0x1\",\"steps\":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{\"start\":\"0x2\"}"), std::string::npos) << r.out;
}

// With --history-file the passing seeds' client histories go to one file, each after its seed's line.
TEST(GradeCli, GradeChildWritesPassingSeedsHistoriesForTheRecheck) {
  const fs::path out = scratch() / "child-histories";
  fs::remove_all(out);
  const std::string file = (out / "h.jsonl").string();
  const auto r = run_cli(CORRIDOR_CLI, "grade-child multi-paxos-kv --seeds 0x1,0x2 --history-file " + file, false);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_GE(lines.size(), 4u) << file;
  EXPECT_EQ(lines.front(), "{\"seed\":\"0x1\"}");
  EXPECT_NE(lines[1].find("\"kind\":\"history\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"type\":\"invoke\""), std::string::npos) << lines[1];
  EXPECT_NE(std::find(lines.begin(), lines.end(), "{\"seed\":\"0x2\"}"), lines.end());
}

// An explore-only model is registered like every protocol: `list` shows it, `run` refuses it.
TEST(GradeCli, ExploreOnlyModelIsListedAndNotRun) {
  const auto list = run_cli(CORRIDOR_CLI, "list");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("Explore-only models (corridor explore NAME"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("  two-phase-commit: Lamport's TwoPhase"), std::string::npos) << list.out;
  const auto run = run_cli(CORRIDOR_CLI, "run two-phase-commit --seeds 1");
  EXPECT_EQ(run.exit_code, 64) << run.out;
  EXPECT_NE(run.out.find("'two-phase-commit' is an explore-only model"), std::string::npos) << run.out;
}

}  // namespace

// `corridor explore` as a user meets it: exit codes 0/1/4/64, the counterexample as numbered
// actions, the JSON summary.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli_process.hpp"
#include <nlohmann/json.hpp>

namespace {

using Result = corridor_test::CliResult;

Result corridor(const std::string& args, bool with_stderr = true) {
  return corridor_test::run_cli(CORRIDOR_CLI, args, with_stderr);
}

TEST(ExhaustiveCli, HeldViolationAndBudgetExitCodes) {
  const Result held = corridor("explore two-phase-commit --nodes 3 -q");
  EXPECT_EQ(held.exit_code, 0) << held.out;
  EXPECT_NE(held.out.find("held: 288 unique states"), std::string::npos) << held.out;
  EXPECT_NE(held.out.find("fingerprint collision probability"), std::string::npos) << held.out;

  const Result bug = corridor("explore two-phase-commit --nodes 3 --variant commit-without-all-prepared -q");
  EXPECT_EQ(bug.exit_code, 1) << bug.out;
  EXPECT_NE(bug.out.find("VIOLATION tc-consistent"), std::string::npos) << bug.out;
  EXPECT_NE(bug.out.find("counterexample, 7 actions"), std::string::npos) << bug.out;
  EXPECT_NE(bug.out.find("  5  TMCommit"), std::string::npos) << bug.out;

  const Result budget = corridor("explore two-phase-commit --nodes 9 --memory 16MiB -q");
  EXPECT_EQ(budget.exit_code, 4) << budget.out;
  EXPECT_NE(budget.out.find("memory budget reached; partial result"), std::string::npos) << budget.out;

  const Result dfs = corridor("explore two-phase-commit --nodes 4 --dfs --por -q");
  EXPECT_EQ(dfs.exit_code, 0) << dfs.out;
}

TEST(ExhaustiveCli, JsonSummary) {
  const Result r = corridor("explore two-phase-commit --nodes 5 --symmetry --jobs 2 --json -q", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "held");
  EXPECT_EQ(j["unique_states"], 314);
  EXPECT_TRUE(j["symmetry"].get<bool>());
  EXPECT_GT(j["generated_states"].get<std::uint64_t>(), 314u);
  EXPECT_EQ(j["depth"], 16);
  EXPECT_TRUE(j.contains("seconds"));
  EXPECT_TRUE(j.contains("collision_probability"));

  const Result bug = corridor("explore two-phase-commit --nodes 4 --variant commit-without-all-prepared --json -q", false);
  ASSERT_EQ(bug.exit_code, 1) << bug.out;
  const auto b = nlohmann::json::parse(bug.out);
  EXPECT_EQ(b["verdict"], "violation");
  EXPECT_EQ(b["counterexample"].size(), 9u);
  EXPECT_EQ(b["violation"]["invariant"], "tc-consistent");
}

TEST(ExhaustiveCli, BadArgumentsGetOneSentenceAndExit64) {
  for (const std::string args :
       {"explore two-phase-commit --nodes 0", "explore two-phase-commit --nodes 99", "explore no-such-protocol",
        "explore two-phase-commit --variant nope", "explore two-phase-commit --memory lots",
        "explore two-phase-commit --symmetry --por", "explore two-phase-commit --bfs --dfs",
        "explore two-phase-commit --time-limit soon", "explore two-phase-commit --max-states 0"}) {
    const Result r = corridor(args);
    EXPECT_EQ(r.exit_code, 64) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("corridor: "), std::string::npos) << args << "\n" << r.out;
  }
}

}  // namespace

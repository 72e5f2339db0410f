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

// The witnesses in the report: each reached one with its depth and the numbered path to it, and
// the same in JSON; a search that reaches none says so in one sentence and fails.
TEST(ExhaustiveCli, WitnessesAreReportedAndASearchThatReachesNoneFails) {
  const Result held = corridor("explore two-phase-commit --nodes 3 -q");
  EXPECT_EQ(held.exit_code, 0) << held.out;
  EXPECT_NE(held.out.find("witnesses: 2 of 2 reached (at least one must be)"), std::string::npos) << held.out;
  EXPECT_NE(held.out.find("  reached      transaction-aborted: every resource manager aborted the transaction, at "
                          "depth 3 (BFS: none shallower):\n      1  RMChooseToAbort(rm0)\n"),
            std::string::npos)
      << held.out;
  EXPECT_EQ(held.out.find("FAILED"), std::string::npos) << held.out;

  const Result json = corridor("explore two-phase-commit --nodes 3 --dfs --por --json -q", false);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j["witnesses"].size(), 2u);
  EXPECT_EQ(j["witnesses_reached"], 2);
  EXPECT_TRUE(j["vacuous"].is_null());
  for (const auto& w : j["witnesses"]) {
    EXPECT_TRUE(w["reached"].get<bool>()) << w["name"];
    EXPECT_EQ(w["path"].size(), w["depth"].get<std::size_t>()) << w["name"];
  }

  // Stopped by the depth bound before any witness (an abort needs 3 steps, a commit 10): a bound's
  // exit code, and the sentence saying the search was vacuous.
  const Result shallow = corridor("explore two-phase-commit --nodes 3 --depth 2 -q");
  EXPECT_EQ(shallow.exit_code, 4) << shallow.out;
  EXPECT_NE(shallow.out.find("  not reached  transaction-committed"), std::string::npos) << shallow.out;
  EXPECT_NE(shallow.out.find("FAILED: no witness reached: the search stopped (depth bound) at depth 2"),
            std::string::npos)
      << shallow.out;
  const Result world = corridor("explore token-ring --nodes 3 --depth 3 --json -q", false);
  EXPECT_EQ(world.exit_code, 4) << world.out;
  const auto w = nlohmann::json::parse(world.out);
  EXPECT_EQ(w["witnesses_reached"], 0);
  EXPECT_TRUE(w["vacuous"].is_string());
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

// A coroutine protocol cannot be searched statefully: the refusal is the only thing printed (no
// search header first, which read as if a search had started), and it names the search that works.
TEST(ExhaustiveCli, CoroutineProtocolIsRefusedBeforeAnySearchStarts) {
  const Result stdout_only = corridor("explore co-ping-pong", false);
  EXPECT_EQ(stdout_only.exit_code, 64) << stdout_only.out;
  EXPECT_EQ(stdout_only.out, "") << stdout_only.out;
  const Result r = corridor("explore co-ping-pong");
  EXPECT_EQ(r.exit_code, 64) << r.out;
  EXPECT_NE(r.out.find("corridor explore --stateless"), std::string::npos) << r.out;
}

}  // namespace

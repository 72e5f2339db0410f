// corridor shrink, shrinking by default in corridor run (and --no-shrink), and the regression
// corpus the next run replays first.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli_process.hpp"

namespace {

using Result = corridor_test::CliResult;

Result corridor(const std::string& args) { return corridor_test::run_cli(CORRIDOR_CLI, args); }

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("corridor-shrink-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::vector<std::filesystem::path> traces_in(const std::filesystem::path& dir, bool shrunk) {
  std::vector<std::filesystem::path> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string p = e.path().string();
    if (p.ends_with(".trace.jsonl") && p.ends_with(".shrunk.trace.jsonl") == shrunk) found.push_back(e.path());
  }
  return found;
}

const std::string causal_bug = "causal-broadcast --variant fifo-only --master-seed 0xC0441D04 --seeds 200 --quiet";

TEST(ShrinkCli, RunShrinksTheFailureAndPrintsTheShrunkReplayLine) {
  const auto dir = scratch("run");
  const Result r = corridor("run " + causal_bug + " --out " + dir.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto shrunk = traces_in(dir, true);
  ASSERT_EQ(shrunk.size(), 1u) << r.out;
  EXPECT_NE(r.out.find("shrunk: " + shrunk[0].string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replay: corridor replay " + shrunk[0].string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("client operations"), std::string::npos) << r.out;
  const Result replay = corridor("replay " + shrunk[0].string());
  EXPECT_EQ(replay.exit_code, 1) << replay.out;
  EXPECT_NE(replay.out.find("same violation: causal-delivery"), std::string::npos) << replay.out;
}

TEST(ShrinkCli, NoShrinkWritesOnlyTheTrace) {
  const auto dir = scratch("noshrink");
  const Result r = corridor("run " + causal_bug + " --no-shrink --out " + dir.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(traces_in(dir, false).size(), 1u);
  EXPECT_TRUE(traces_in(dir, true).empty());
  EXPECT_EQ(r.out.find("shrunk:"), std::string::npos) << r.out;
}

TEST(ShrinkCli, ShrinkCommandWritesNextToTheInputOrIntoOut) {
  const auto dir = scratch("cmd");
  ASSERT_EQ(corridor("run " + causal_bug + " --no-shrink --out " + dir.string()).exit_code, 1);
  const auto input = traces_in(dir, false).at(0);
  const Result r = corridor("shrink " + input.string() + " --budget 20s");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("same violation: causal-delivery"), std::string::npos) << r.out;
  std::string expected = input.string();
  expected.replace(expected.size() - std::string(".trace.jsonl").size(), std::string::npos, ".shrunk.trace.jsonl");
  EXPECT_TRUE(std::filesystem::exists(expected)) << r.out;
  const auto out_dir = dir / "elsewhere";
  const Result into = corridor("shrink " + input.string() + " --out " + out_dir.string());
  EXPECT_EQ(into.exit_code, 1) << into.out;
  EXPECT_TRUE(std::filesystem::exists(out_dir / std::filesystem::path(expected).filename())) << into.out;
  EXPECT_EQ(corridor("replay " + (out_dir / std::filesystem::path(expected).filename()).string()).exit_code, 1);
}

TEST(ShrinkCli, ShrinkNamesEveryPassInHelpAndWhatEachDidInItsReport) {
  const auto dir = scratch("passes");
  ASSERT_EQ(corridor("run " + causal_bug + " --no-shrink --out " + dir.string()).exit_code, 1);
  const Result r = corridor("shrink " + traces_in(dir, false).at(0).string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const Result help = corridor("shrink --help");
  EXPECT_EQ(help.exit_code, 0) << help.out;
  EXPECT_NE(r.out.find("passes, in order, over"), std::string::npos) << r.out;
  for (const char* pass : {"fault-chunks", "fault-times", "operation-budgets", "choice-chunks", "postpone-deliveries",
                           "default-chunks", "choice-values", "untimed-events"}) {
    EXPECT_NE(help.out.find(pass), std::string::npos) << pass << " in\n" << help.out;
    EXPECT_NE(r.out.find(std::string("  ") + pass), std::string::npos) << pass << " in\n" << r.out;
  }
  // fifo-only's failure has one fault, which the first pass removes.
  EXPECT_NE(r.out.find("kept: faults -1"), std::string::npos) << r.out;
}

// multi-paxos-kv's accept-below-promise: hundreds of timed steps of heartbeats, retries and other
// clients' operations; the shrunk trace is an untimed schedule of what the violation needs, says so
// in its header, and replays and renders like any trace. --timed keeps it timed.
TEST(ShrinkCli, TheShrunkTraceIsAnUntimedScheduleThatReplaysAndRenders) {
  const auto dir = scratch("untimed");
  const Result run = corridor("run multi-paxos-kv --variant accept-below-promise --master-seed 0xC0441D04 --seeds 200 "
                              "--quiet --no-shrink --out " + dir.string());
  ASSERT_EQ(run.exit_code, 1) << run.out;
  const auto input = traces_in(dir, false).at(0);
  const Result r = corridor("shrink " + input.string() + " --budget 30s");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("an untimed schedule"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  untimed-events"), std::string::npos) << r.out;
  const auto shrunk = traces_in(dir, true).at(0);
  std::FILE* f = std::fopen(shrunk.string().c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::array<char, 4096> header{};
  ASSERT_NE(std::fgets(header.data(), header.size(), f), nullptr);
  std::fclose(f);
  EXPECT_NE(std::string(header.data()).find("\"explorer\":\"schedule\""), std::string::npos) << header.data();
  const Result replay = corridor("replay " + shrunk.string());
  EXPECT_EQ(replay.exit_code, 1) << replay.out;
  EXPECT_NE(replay.out.find("same violation: accept-keeps-promise"), std::string::npos) << replay.out;
  const Result render = corridor("render " + shrunk.string() + " --format mermaid --out " + (dir / "pic").string());
  EXPECT_EQ(render.exit_code, 0) << render.out;

  const auto timed_dir = dir / "timed";
  const Result timed = corridor("shrink " + input.string() + " --timed --budget 10s --out " + timed_dir.string());
  EXPECT_EQ(timed.exit_code, 1) << timed.out;
  EXPECT_EQ(timed.out.find("an untimed schedule"), std::string::npos) << timed.out;
  EXPECT_EQ(timed.out.find("  untimed-events"), std::string::npos) << timed.out;
}

TEST(ShrinkCli, BadArgumentsAndPassingTracesAreRefusedInOneSentence) {
  const auto dir = scratch("bad");
  EXPECT_EQ(corridor("shrink " + (dir / "missing.trace.jsonl").string()).exit_code, 65);
  ASSERT_EQ(corridor("run causal-broadcast --seeds 3 --quiet --out " + dir.string()).exit_code, 0);
  ASSERT_EQ(corridor("run causal-broadcast --seed 5 --quiet --out " + dir.string()).exit_code, 0);
  const Result budget = corridor("shrink x.trace.jsonl --budget soon");
  EXPECT_EQ(budget.exit_code, 64) << budget.out;
  EXPECT_NE(budget.out.find("--budget 'soon'"), std::string::npos) << budget.out;
  const Result run_budget = corridor("run causal-broadcast --shrink-budget 0s");
  EXPECT_EQ(run_budget.exit_code, 64) << run_budget.out;
}

TEST(ShrinkCli, TheNextRunReplaysTheKeptTracesFirst) {
  const auto dir = scratch("corpus");
  ASSERT_EQ(corridor("run " + causal_bug + " --out " + dir.string()).exit_code, 1);
  // One seed of the campaign that passes: the corpus alone makes the run fail.
  const Result again = corridor("run causal-broadcast --variant fifo-only --seed 0x1 --faults none --quiet --out " + dir.string());
  EXPECT_NE(again.out.find("regression corpus: 2 kept traces"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find(".shrunk.trace.jsonl (replayed): still fails: causal-delivery"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("(seed rerun): still fails: causal-delivery"), std::string::npos) << again.out;
  EXPECT_EQ(again.exit_code, 1) << again.out;
  // The correct variant has its own folder: no corpus there.
  const Result correct = corridor("run causal-broadcast --seeds 5 --quiet --out " + dir.string());
  EXPECT_EQ(correct.exit_code, 0) << correct.out;
  EXPECT_EQ(correct.out.find("regression corpus"), std::string::npos) << correct.out;
}

// An untimed schedule has no seed to rerun: renamed, it is still replayed, not rerun (which would
// run its configuration afresh, and a schedule only replays).
TEST(ShrinkCli, AScheduleInTheCorpusIsReplayedWhateverItsName) {
  const auto dir = scratch("corpus-renamed");
  ASSERT_EQ(corridor("run " + causal_bug + " --out " + dir.string()).exit_code, 1);
  const auto shrunk = traces_in(dir, true).at(0);
  for (const auto& plain : traces_in(dir, false)) std::filesystem::remove(plain);
  const auto renamed = shrunk.parent_path() / "kept.trace.jsonl";
  std::filesystem::rename(shrunk, renamed);
  const Result again = corridor("run causal-broadcast --variant fifo-only --seed 0x1 --faults none --quiet --out " + dir.string());
  EXPECT_NE(again.out.find("kept.trace.jsonl (replayed): still fails: causal-delivery"), std::string::npos) << again.out;
  EXPECT_EQ(again.exit_code, 1) << again.out;
}

}  // namespace

// `corridor render` and the picture `corridor run` writes, as a user meets them: every format on
// stdout or in --out, one sentence and exit 64 or 65 for bad input.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli_process.hpp"

namespace {

using Result = corridor_test::CliResult;

Result corridor(const std::string& args, bool with_stderr = true) {
  return corridor_test::run_cli(CORRIDOR_CLI, args, with_stderr);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One failing leader-lease campaign, run once for every test here.
class RenderCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: CTest runs this suite's tests as parallel processes.
    dir_ = std::filesystem::temp_directory_path() / ("corridor-render-cli-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    run_ = corridor("run leader-lease --variant no-drift-margin --master-seed 0xC0441D04 --seeds 2000 --quiet "
                    "--faults crash=1,partition=2,pause=2,delay=uniform:1ms:10ms --clock drift=50000ppm --out " +
                    dir_.string());
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      const std::string name = e.path().string();
      if (name.ends_with(".shrunk.trace.jsonl")) shrunk_ = e.path();
      else if (name.ends_with(".trace.jsonl")) trace_ = e.path();
    }
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string trace() { return trace_.string(); }

  static inline std::filesystem::path dir_;
  static inline std::filesystem::path trace_;   // the failing run as found
  static inline std::filesystem::path shrunk_;  // the same failure shrunk: the one a person reads
  static inline Result run_;
};

TEST_F(RenderCli, RunWritesThePictureOfTheShrunkTraceBesideIt) {
  ASSERT_EQ(run_.exit_code, 1) << run_.out;
  ASSERT_FALSE(trace_.empty()) << run_.out;
  ASSERT_FALSE(shrunk_.empty()) << run_.out;
  std::string html = shrunk_.string();
  html.replace(html.size() - std::string(".trace.jsonl").size(), std::string::npos, ".html");
  ASSERT_TRUE(std::filesystem::exists(html)) << run_.out;
  EXPECT_NE(run_.out.find("picture: " + html), std::string::npos) << run_.out;
  EXPECT_NE(read_file(html).find("id=\"trace-data\""), std::string::npos);
}

TEST_F(RenderCli, EveryFormatOnStdout) {
  const std::array<std::pair<const char*, const char*>, 6> expected{{{"html", "<!DOCTYPE html>"},
                                                                     {"svg", "<svg xmlns="},
                                                                     {"dot", "digraph happens_before {"},
                                                                     {"shiviz", "(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)"},
                                                                     {"text", "leader-lease / no-drift-margin"},
                                                                     {"mermaid", "sequenceDiagram"}}};
  for (const auto& [format, start] : expected) {
    const std::string window = std::string(format) == "mermaid" ? " --from 200 --to 230" : "";
    const Result r = corridor("render " + trace() + " --format " + format + window, false);
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.out.substr(0, 300);
    EXPECT_TRUE(r.out.starts_with(start)) << format << ": " << r.out.substr(0, 300);
  }
}

TEST_F(RenderCli, OutWritesTheFileAndNothingOnStdout) {
  const auto out = dir_ / "pictures" / "hb.dot";
  const Result r = corridor("render " + trace() + " --format dot --reduce --nodes n0,n1 --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "");
  const std::string dot = read_file(out);
  EXPECT_TRUE(dot.starts_with("digraph")) << dot.substr(0, 200);
  EXPECT_NE(dot.find("transitive reduction"), std::string::npos);
  EXPECT_EQ(dot.find("cluster_n2"), std::string::npos);
}

TEST_F(RenderCli, BadArgumentsAndFilesGetOneSentence) {
  const auto expect = [&](const std::string& args, int code, const std::string& needle) {
    const Result r = corridor(args);
    EXPECT_EQ(r.exit_code, code) << args << "\n" << r.out;
    EXPECT_NE(r.out.find(needle), std::string::npos) << args << "\n" << r.out;
    EXPECT_LE(std::count(r.out.begin(), r.out.end(), '\n'), 2) << args << "\n" << r.out;
  };
  expect("render " + trace() + " --format png", 64, "--format png: not a format");
  expect("render " + trace() + " --format html --from 50 --to 10", 64, "--from 50 is after --to 10");
  expect("render " + trace() + " --format svg --nodes n0,n9", 64, "'n9' is not a node");
  expect("render " + trace() + " --format html --reduce", 64, "--reduce applies to --format dot only");
  expect("render " + trace() + " --format mermaid", 64, "--from");
  expect("render " + trace() + " --format html --out /proc/no/such/place.html", 64, "cannot write");
  expect("render " + (dir_ / "absent.jsonl").string() + " --format html", 65, "absent.jsonl");
  std::ofstream(dir_ / "bad.jsonl") << "{\"corridor_trace\":1,\n";
  expect("render " + (dir_ / "bad.jsonl").string() + " --format dot", 65, "bad.jsonl:1");
}

}  // namespace

// corridor lincheck as a user meets it: verdicts as exit codes, the explanation, --json, --html,
// and one sentence with file:line:column for a malformed file.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli_process.hpp"
#include <nlohmann/json.hpp>

namespace {

using CliRun = corridor_test::CliResult;

#ifdef CORRIDOR_CLI
CliRun corridor(const std::string& args) { return corridor_test::run_cli(CORRIDOR_CLI, args); }
#endif

const std::string porcupine = std::string(CORRIDOR_SHARED_DATA) + "/histories/porcupine";

#ifdef CORRIDOR_CLI
#define SKIP_WITHOUT_CLI_OR_DATA()                                                                       \
  if (!std::filesystem::exists(porcupine)) GTEST_SKIP() << porcupine << " is absent: no histories to check"
#else
#define SKIP_WITHOUT_CLI_OR_DATA() GTEST_SKIP() << "the corridor program is not built"
#endif

std::filesystem::path scratch_file(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("corridor-lincheck-test-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(LincheckCli, VerdictsAreExitCodes) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const CliRun ok = corridor("lincheck " + porcupine + "/etcd/etcd_002.log --model cas-register");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("etcd_002.log: linearizable"), std::string::npos) << ok.out;
  const CliRun bad = corridor("lincheck " + porcupine + "/etcd/etcd_000.log");
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("NOT linearizable"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("cannot be linearized"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("longest linearizable prefix"), std::string::npos) << bad.out;
  std::string hard;  // 24 concurrent adds, then a read that sees none: 2^24 configurations
  for (int p = 0; p < 24; ++p) hard += "{\"process\":" + std::to_string(p) + ",\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\n";
  for (int p = 0; p < 24; ++p) hard += "{\"process\":" + std::to_string(p) + ",\"type\":\"ok\",\"f\":\"add\",\"value\":1}\n";
  hard += "{\"process\":99,\"type\":\"invoke\",\"f\":\"read\"}\n{\"process\":99,\"type\":\"ok\",\"f\":\"read\",\"value\":[]}\n";
  const CliRun unknown = corridor("lincheck " + scratch_file("hard.jsonl", hard).string() + " --model set --time-budget 0.05");
  EXPECT_EQ(unknown.exit_code, 4) << unknown.out;
  // several files: one after another, the worst verdict decides
  const CliRun both = corridor("lincheck " + porcupine + "/etcd/etcd_002.log " + porcupine + "/kv/c01-bad.txt");
  EXPECT_EQ(both.exit_code, 1) << both.out;
  EXPECT_LT(both.out.find("etcd_002.log"), both.out.find("c01-bad.txt")) << both.out;
#endif
}

TEST(LincheckCli, JsonHasVerdictAndTimesPerFile) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const CliRun run = corridor("lincheck --json " + porcupine + "/kv/c10-ok.txt " + porcupine + "/kv/c10-bad.txt");
  EXPECT_EQ(run.exit_code, 1) << run.out;
  std::istringstream lines(run.out);
  std::string line;
  std::vector<nlohmann::json> files;
  while (std::getline(lines, line)) files.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(files.size(), 2u) << run.out;
  EXPECT_EQ(files[0]["verdict"], "linearizable");
  EXPECT_EQ(files[1]["verdict"], "not linearizable");
  EXPECT_EQ(files[0]["model"], "kv");
  EXPECT_GE(files[0]["parse_seconds"].get<double>(), 0.0);
  EXPECT_GT(files[1]["check_seconds"].get<double>(), 0.0);
  EXPECT_TRUE(files[1].contains("explanation"));
#endif
}

TEST(LincheckCli, HtmlPageShowsTheHistoryAndWhereItFails) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const auto page = std::filesystem::temp_directory_path() / "corridor-lincheck-test.html";
  std::filesystem::remove(page);
  const CliRun run = corridor("lincheck " + porcupine + "/etcd/etcd_000.log --html " + page.string());
  EXPECT_EQ(run.exit_code, 1) << run.out;
  std::ifstream in(page);
  std::stringstream html;
  html << in.rdbuf();
  EXPECT_NE(html.str().find("<svg"), std::string::npos);
  EXPECT_NE(html.str().find("class=\"op failing"), std::string::npos);
  EXPECT_NE(html.str().find("Longest linearizable prefix"), std::string::npos);
  EXPECT_EQ(html.str().find("<script src"), std::string::npos) << "the page must be self-contained";
#endif
}

TEST(LincheckCli, MalformedFilesAndBadArgumentsGetOneSentence) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const auto bad = scratch_file("bad.jsonl", "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n{\"process\":0,\"type\":\"ok\",\n");
  const CliRun malformed = corridor("lincheck " + bad.string());
  EXPECT_EQ(malformed.exit_code, 65) << malformed.out;
  EXPECT_NE(malformed.out.find(bad.string() + ":2:26: expected a string as the member name, found the end of the line"), std::string::npos)
      << malformed.out;
  const auto jsonl = scratch_file("ok.jsonl",
                                  "{\"corridor_trace\":1}\n"
                                  "{\"kind\":\"history\",\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":3}\n"
                                  "{\"kind\":\"history\",\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":3}\n"
                                  "{\"kind\":\"history\",\"process\":1,\"type\":\"invoke\",\"f\":\"read\"}\n"
                                  "{\"kind\":\"history\",\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":3}\n");
  EXPECT_EQ(corridor("lincheck " + jsonl.string()).exit_code, 0);
  EXPECT_EQ(corridor("lincheck " + jsonl.string() + " --model queue").exit_code, 65);
  EXPECT_EQ(corridor("lincheck " + jsonl.string() + " --model no-such").exit_code, 64);
  EXPECT_EQ(corridor("lincheck " + jsonl.string() + " --format xml").exit_code, 64);
  EXPECT_EQ(corridor("lincheck /no/such/file").exit_code, 65);
  EXPECT_EQ(corridor("lincheck").exit_code, 64);
#endif
}

// A Knossos-shaped history: the register starts at 0 and a failed cas did not happen. Read as EDN
// it is linearizable; with Porcupine's reading forced (--fail-means observed) it is not.
const char* const knossos_history =
    "[{:process 0, :type :invoke, :f :read, :value nil}\n"
    " {:process 0, :type :ok, :f :read, :value 0}\n"
    " {:process 1, :type :invoke, :f :cas, :value [0 3]}\n"
    " {:process 1, :type :fail, :f :cas, :value [0 3]}\n"
    " {:process 0, :type :invoke, :f :read, :value nil}\n"
    " {:process 0, :type :ok, :f :read, :value nil}]\n";

TEST(LincheckCli, TheReadingOptionsOverrideTheFormats) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const std::string file = scratch_file("knossos.edn", knossos_history).string();
  EXPECT_EQ(corridor("lincheck " + file + " --initial 0").exit_code, 0);
  EXPECT_EQ(corridor("lincheck " + file).exit_code, 1) << "from nil, the read of 0 is wrong";
  EXPECT_EQ(corridor("lincheck " + file + " --initial 0 --fail-means observed").exit_code, 1);
  EXPECT_EQ(corridor("lincheck " + file + " --initial 0 --nil-read value").exit_code, 1);
  EXPECT_EQ(corridor("lincheck " + file + " --initial 0 --fail-means not-happened --nil-read unknown").exit_code, 0);
  const CliRun bad_fail = corridor("lincheck " + file + " --fail-means maybe");
  EXPECT_EQ(bad_fail.exit_code, 64);
  EXPECT_NE(bad_fail.out.find("unknown --fail-means 'maybe'"), std::string::npos) << bad_fail.out;
  EXPECT_EQ(corridor("lincheck " + file + " --nil-read sometimes").exit_code, 64);
  EXPECT_EQ(corridor("lincheck " + file + " --initial [1]").exit_code, 64);
  EXPECT_EQ(corridor("lincheck " + porcupine + "/kv/c01-ok.txt --initial 0").exit_code, 64)
      << "an initial value is for register models";
#endif
}

TEST(LincheckCli, JepsenPrintsKnossossResultMap) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const std::string file = scratch_file("knossos-jepsen.edn", knossos_history).string();
  const CliRun bad = corridor("lincheck --jepsen " + file + " --initial 0 --nil-read value");
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_EQ(bad.out.rfind("{:valid? false", 0), 0u) << bad.out;
  EXPECT_NE(bad.out.find(":op {:process 0, :type :ok, :f :read, :value nil, :index 5, :line 6}"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(":configs [{:model {:value 0}"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(":last-op {:process 0, :type :ok, :f :read, :value 0, :index 1, :line 2}"), std::string::npos) << bad.out;
  const CliRun good = corridor("lincheck --jepsen " + file + " --initial 0");
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_EQ(good.out.rfind("{:valid? true", 0), 0u) << good.out;
  EXPECT_EQ(corridor("lincheck --jepsen --json " + file).exit_code, 64);
#endif
}

TEST(LincheckCli, EventsOutOfTimeOrderGetAWarning) {
  SKIP_WITHOUT_CLI_OR_DATA();
#ifdef CORRIDOR_CLI
  const std::string file = scratch_file("time.edn",
                                        "{:process 1, :type :invoke, :f :read, :value nil, :time 30}\n"
                                        "{:process 1, :type :ok, :f :read, :value 1, :time 40}\n"
                                        "{:process 0, :type :invoke, :f :write, :value 1, :time 10}\n"
                                        "{:process 0, :type :ok, :f :write, :value 1, :time 20}\n")
                               .string();
  const CliRun run = corridor("lincheck " + file);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("warning: " + file + ":3: events are out of time order"), std::string::npos) << run.out;
#endif
}

}  // namespace

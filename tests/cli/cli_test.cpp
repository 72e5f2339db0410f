// The corridor program as a user meets it: exit codes, one-sentence errors, traces that replay,
// and the same trace whatever --jobs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

using Result = corridor_test::CliResult;

Result corridor(const std::string& args) { return corridor_test::run_cli(CORRIDOR_CLI, args); }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("corridor-cli-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path only_trace_in(const std::filesystem::path& dir) {
  std::filesystem::path found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string path = e.path().string();
    if (path.ends_with(".trace.jsonl") && !path.ends_with(".shrunk.trace.jsonl")) found = e.path();
  }
  return found;
}

const std::string lease_bug =
    "leader-lease --variant no-drift-margin --master-seed 0xC0441D04 --seeds 2000 --quiet "
    "--faults crash=1,partition=2,pause=2,delay=uniform:1ms:10ms --clock drift=50000ppm";

}  // namespace

TEST(Cli, HelpAndVersionExitZero) {
  EXPECT_EQ(corridor("--help").exit_code, 0);
  EXPECT_EQ(corridor("run --help").exit_code, 0);
  const Result r = corridor("run --help");
  EXPECT_NE(r.out.find("crash=2,partition,loss=0.02"), std::string::npos) << "the fault grammar is in --help";
  EXPECT_EQ(corridor("--version").exit_code, 0);
}

TEST(Cli, BadArgumentsExit64WithOneSentence) {
  for (const char* args : {"", "run", "run no-such-protocol", "run leader-lease --variant nope",
                           "run leader-lease --faults crash=x", "run leader-lease --clock drift=fast",
                           "run leader-lease --seeds 0", "run leader-lease --seed 12z",
                           "run leader-lease --fault-plan '1s explode n0'", "run leader-lease --nodes 0",
                           "run leader-lease --run-memory 12", "run leader-lease --run-memory lots",
                           "render x.jsonl --format pdf", "frobnicate"}) {
    const Result r = corridor(args);
    EXPECT_EQ(r.exit_code, 64) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("corridor: "), std::string::npos) << args;
    EXPECT_EQ(r.out.find("terminate called"), std::string::npos) << args;
  }
}

TEST(Cli, MalformedFilesExit65NamingFileAndLine) {
  const auto dir = scratch("malformed");
  std::ofstream(dir / "bad.jsonl") << "{\"corridor_trace\":1}\n";
  Result r = corridor("replay " + (dir / "bad.jsonl").string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("bad.jsonl:1:"), std::string::npos) << r.out;
  std::ofstream(dir / "v2.jsonl") << "{\"corridor_trace\":2}\n";
  r = corridor("replay " + (dir / "v2.jsonl").string());
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_NE(r.out.find("version 2 is not supported"), std::string::npos) << r.out;
  r = corridor("replay " + (dir / "missing.jsonl").string());
  EXPECT_EQ(r.exit_code, 65);
}

TEST(Cli, ListJsonMarksEveryVariant) {
  const Result r = corridor("list --json");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  bool saw_bug = false;
  for (const auto& p : j["protocols"]) {
    ASSERT_FALSE(p["variants"].empty());
    EXPECT_TRUE(p["variants"][0]["correct"].get<bool>()) << p["name"];
    for (const auto& v : p["variants"]) saw_bug = saw_bug || v["planted_bug"].get<bool>();
  }
  EXPECT_TRUE(saw_bug);
}

// Every protocol corridor ships, the explore-only models included, declares at least one witness
// (a state a search must reach), and `list` shows them.
TEST(Cli, ListShowsWitnessesOfEveryBuiltInProtocol) {
  const Result r = corridor("list --json");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  std::size_t listed = 0;
  for (const char* kind : {"protocols", "explore_only_models"}) {
    for (const auto& p : j[kind]) {
      if (!p["built_in"].get<bool>()) continue;
      ++listed;
      EXPECT_FALSE(p["witnesses"].empty()) << p["name"] << " declares no witness";
    }
  }
  EXPECT_GE(listed, 13u);  // 12 protocols of the simulated world and two-phase-commit
  const Result text = corridor("list");
  EXPECT_NE(text.out.find("    witnesses: transaction-committed, transaction-aborted\n"), std::string::npos) << text.out;
}

TEST(Cli, PlantedBugIsFoundWrittenAndReplaysExactly) {
  const auto dir = scratch("bug");
  const Result r = corridor("run " + lease_bug + " --out " + dir.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("replay: corridor replay"), std::string::npos) << r.out;
  const auto trace = only_trace_in(dir);
  ASSERT_FALSE(trace.empty()) << r.out;
  const Result replay = corridor("replay " + trace.string());
  EXPECT_EQ(replay.exit_code, 1) << replay.out;
  EXPECT_NE(replay.out.find("matches"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("same violation: unique-lease-holder"), std::string::npos) << replay.out;
  const Result render = corridor("render " + trace.string() + " --nodes n0,n1 --from 1 --to 50");
  EXPECT_EQ(render.exit_code, 0) << render.out;
  EXPECT_NE(render.out.find("n0 "), std::string::npos);
}

TEST(Cli, SameSeedGivesAByteIdenticalTraceWhateverJobs) {
  const auto one = scratch("jobs1");
  const auto two = scratch("jobs2");
  EXPECT_EQ(corridor("run " + lease_bug + " --jobs 1 --out " + one.string()).exit_code, 1);
  EXPECT_EQ(corridor("run " + lease_bug + " --jobs 2 --out " + two.string()).exit_code, 1);
  const auto a = only_trace_in(one);
  const auto b = only_trace_in(two);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a.filename(), b.filename());
  EXPECT_EQ(read_file(a), read_file(b));
}

TEST(Cli, EditedTraceIsRejected) {
  const auto dir = scratch("edited");
  ASSERT_EQ(corridor("run " + lease_bug + " --out " + dir.string()).exit_code, 1);
  const auto trace = only_trace_in(dir);
  std::string text = read_file(trace);
  const auto pos = text.find("\"kind\":\"deliver\"");
  ASSERT_NE(pos, std::string::npos);
  text.replace(text.find("\"t\":", pos - 60) + 4, 1, "9");
  std::ofstream(trace, std::ios::binary | std::ios::trunc) << text;
  const Result r = corridor("replay " + trace.string());
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("digest"), std::string::npos) << r.out;
}

TEST(Cli, CorrectVariantPassesWithDeterminismCheck) {
  const auto dir = scratch("correct");
  const Result r = corridor("run leader-lease --seeds 50 --master-seed 5 --check-determinism --quiet --out " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("all invariants held"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "leader-lease" / "correct" / "summary.json"));
}

// Client operation latency in the summary (model/latency.hpp): printed per operation kind, in
// summary.json with its percentiles, and the same for one thread as for two (the histogram does
// not depend on the order runs finish in).
TEST(Cli, RunSummaryGivesLatencyPercentilesPerOperationForAnyJobs) {
  nlohmann::json latency[2];
  for (int jobs = 1; jobs <= 2; ++jobs) {
    const auto dir = scratch("latency" + std::to_string(jobs));
    const Result r = corridor("run multi-paxos-kv --seeds 40 --master-seed 3 --quiet --jobs " + std::to_string(jobs) +
                              " --out " + dir.string());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("latency, invoke to completion in true time"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" p99 "), std::string::npos) << r.out;
    std::ifstream in(dir / "multi-paxos-kv" / "correct" / "summary.json");
    latency[jobs - 1] = nlohmann::json::parse(in).at("latency");
  }
  EXPECT_EQ(latency[0], latency[1]);
  for (const char* op : {"get", "put", "cas", "delete"}) {
    const nlohmann::json& one = latency[0].at(op);
    ASSERT_GT(one.at("count").get<std::uint64_t>(), 0u) << op;
    EXPECT_LE(one.at("p50_ns").get<std::int64_t>(), one.at("p99_ns").get<std::int64_t>()) << op;
    EXPECT_LE(one.at("p99_ns").get<std::int64_t>(), one.at("max_ns").get<std::int64_t>()) << op;
  }
}

// Swarm testing: each run draws its fault mix from its seed; a failure's trace replays and its
// rerun line (which names the drawn mix, not the spec) runs the same failure again without the swarm.
TEST(Cli, SwarmFailureReplaysAndItsRerunLineReproducesIt) {
  const auto dir = scratch("swarm");
  const Result r = corridor("run multi-paxos-kv --variant skip-recovery --explorer swarm --master-seed 11 --no-shrink "
                            "--quiet --out " + dir.string());
  ASSERT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("explorer: swarm"), std::string::npos) << r.out;
  const std::size_t fail = r.out.find("FAIL seed ");
  ASSERT_NE(fail, std::string::npos) << r.out;
  const std::string violation = r.out.substr(r.out.find(": ", fail), r.out.find('\n', fail) - r.out.find(": ", fail));
  const std::size_t rerun = r.out.find("rerun:  corridor ");
  ASSERT_NE(rerun, std::string::npos) << r.out;
  const std::size_t args_at = rerun + std::string("rerun:  corridor ").size();
  const std::string args = r.out.substr(args_at, r.out.find('\n', args_at) - args_at);
  EXPECT_EQ(args.find("--faults crash=1,partition=1,loss=0.02,dup=0.02,"), std::string::npos)
      << "the rerun line gives the protocol's spec, not the drawn mix: " << args;
  const Result again = corridor(args + " --no-shrink --quiet --out " + scratch("swarm-rerun").string());
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find(violation), std::string::npos) << violation << "\n" << again.out;
  EXPECT_EQ(corridor("replay " + only_trace_in(dir / "multi-paxos-kv" / "skip-recovery").string()).exit_code, 1);
  EXPECT_EQ(corridor("run ping-pong --explorer swarm --fault-plan '1s pause n1 for 1ms'").exit_code, 64);
}

// A crash inside protocol code kills the process; the program still names the seeds it was
// running and exits 3. The crash is simulated with SIGSEGV sent to a running campaign.
TEST(Cli, ACrashingProcessNamesItsSeedsAndExits3) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "under AddressSanitizer its own handler reports crashes";
#else
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::execl(CORRIDOR_CLI, CORRIDOR_CLI, "run", "leader-lease", "--seeds", "100000000", "--quiet", "--jobs", "1", "--out",
            "/tmp/corridor-cli-test-crash", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  std::array<char, 4096> buffer{};
  while (text.find("master seed") == std::string::npos) {
    const ssize_t n = ::read(out[0], buffer.data(), buffer.size());
    ASSERT_GT(n, 0) << text;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::usleep(300'000);  // let it get into a run
  ::kill(pid, SIGSEGV);
  for (ssize_t n; (n = ::read(out[0], buffer.data(), buffer.size())) > 0;) text.append(buffer.data(), static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << text;
  EXPECT_EQ(WEXITSTATUS(status), 3) << text;
  EXPECT_NE(text.find("crashed the process while running seed(s) 0x"), std::string::npos) << text;
#endif
}

TEST(Cli, RunJsonSummaryIsParseableAndComplete) {
  const auto dir = scratch("json");
  const Result r = corridor("run " + lease_bug + " --json --out " + dir.string() + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(j["protocol"], "leader-lease");
  EXPECT_EQ(j["variant"], "no-drift-margin");
  EXPECT_EQ(j["verdict"], "safety-violation");
  EXPECT_EQ(j["master_seed"], "0xc0441d04");
  ASSERT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["failures"][0]["invariant"], "unique-lease-holder");
  EXPECT_TRUE(std::filesystem::exists(j["failures"][0]["trace"].get<std::string>()));
  EXPECT_GT(j["events_per_s"].get<double>(), 0.0);
}

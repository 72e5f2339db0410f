// Badges as a user meets them: `corridor scale`, badges in `run` and `replay` output, and the
// worked example in docs/badges.md, which must still be what its one command produces.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

struct Result {
  int exit_code;
  std::string out;
};

Result run_command(const std::string& command, bool with_stderr = true) {
  std::FILE* pipe = ::popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

Result corridor(const std::string& args, bool with_stderr = true) {
  return run_command(std::string(CORRIDOR_CLI) + " " + args, with_stderr);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("corridor-badges-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

const std::string rough = "--faults delay=exp:1ms:3ms,loss=0.02 --clock skew=2ms,drift=2000ppm";

}  // namespace

TEST(ScaleCommand, ComparesSizesAsTextJsonAndSvg) {
  const auto dir = scratch("scale");
  const Result r = corridor("scale heartbeat-register --nodes 2,4 --seeds 4 --time-limit 2s -q --json --out " +
                            dir.string() + " " + rough, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["sizes"].size(), 2u);
  EXPECT_EQ(j["sizes"][0]["nodes"], 2);
  EXPECT_EQ(j["sizes"][1]["nodes"], 4);
  EXPECT_EQ(j["sizes"][1]["runs"], 4);
  EXPECT_GT(j["sizes"][1]["badges"].get<int>(), 0);
  EXPECT_EQ(j["sizes"][1]["per_node"].size(), 4u);
  EXPECT_NE(j["verdict"].get<std::string>().find("at 4 nodes drift is"), std::string::npos);
  const std::string svg = read_file(dir / "heartbeat-register-scale.svg");
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(svg.find("4 nodes"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "heartbeat-register-scale.json"));

  const Result text = corridor("scale heartbeat-register --nodes 2,4 --seeds 4 --time-limit 2s -q --out " + dir.string() +
                               " " + rough);
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("time sensitivity"), std::string::npos);
  EXPECT_NE(text.out.find("verdict: at 2 nodes drift is"), std::string::npos);
}

TEST(ScaleCommand, BadArgumentsAreOneSentenceAndExit64) {
  for (const std::string args : {"scale heartbeat-register --nodes 1", "scale heartbeat-register --seeds 0",
                                 "scale heartbeat-register --stretch 0.5", "scale no-such-protocol",
                                 "scale heartbeat-register --nodes 2,x"}) {
    const Result r = corridor(args + " --out " + scratch("bad").string());
    EXPECT_EQ(r.exit_code, 64) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("corridor: "), std::string::npos) << args;
  }
}

TEST(BadgesOutput, RunAndReplayPrintBadgesInBlockForm) {
  const auto dir = scratch("run");
  const Result run = corridor("run heartbeat-register --variant apply-any-order --seeds 50 --master-seed 7 -q --out " +
                              dir.string() + " --faults delay=uniform:1ms:40ms");
  ASSERT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("[BADGE] type: COHERENCE_DRIFT module: "), std::string::npos) << run.out;
  std::filesystem::path trace;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().string().ends_with(".trace.jsonl")) trace = e.path();
  }
  ASSERT_FALSE(trace.empty());
  EXPECT_NE(read_file(trace).find("\"kind\":\"badge\""), std::string::npos);
  const Result replay = corridor("replay " + trace.string());
  ASSERT_EQ(replay.exit_code, 1) << replay.out;
  EXPECT_NE(replay.out.find("[BADGE] type: COHERENCE_DRIFT"), std::string::npos);
  EXPECT_NE(replay.out.find("per simulated second"), std::string::npos);

  const Result campaign = corridor("run heartbeat-register --seeds 20 --master-seed 7 -q --out " + dir.string() + " " + rough);
  ASSERT_EQ(campaign.exit_code, 0) << campaign.out;
  EXPECT_NE(campaign.out.find("badges: "), std::string::npos);
  EXPECT_NE(campaign.out.find("evenness"), std::string::npos);
  EXPECT_NE(campaign.out.find("trend: "), std::string::npos);
}

// operation-latency, observed by clients (actors after the nodes): the campaign summary counts
// its badges per client, summary.json too, and a failure's [BADGE] block names the client.
TEST(BadgesOutput, OperationLatencyBadgesAreCountedPerClient) {
  const auto dir = scratch("latency");
  const Result slow = corridor("run multi-paxos-kv --nodes 3 --seeds 20 --master-seed 7 -q --faults delay=uniform:40ms:80ms --out " +
                               dir.string());
  ASSERT_EQ(slow.exit_code, 0) << slow.out;
  EXPECT_NE(slow.out.find("by monitor: operation-latency="), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("by client: c0="), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("(emitters 0/3, evenness 0.00)"), std::string::npos) << slow.out;
  std::ifstream in(dir / "multi-paxos-kv" / "correct" / "summary.json");
  const auto badges = nlohmann::json::parse(in).at("badges");
  EXPECT_GT(badges.at("by_monitor").at("operation-latency").get<int>(), 0);
  EXPECT_EQ(badges.at("per_client").size(), 3u);

  const Result scale = corridor("scale multi-paxos-kv --nodes 3,5 --seeds 4 -q --json --faults delay=uniform:40ms:80ms --out " +
                                scratch("latency-scale").string(), false);
  ASSERT_EQ(scale.exit_code, 0) << scale.out;
  const auto sizes = nlohmann::json::parse(scale.out).at("sizes");
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[1].at("per_node"), nlohmann::json::array({0, 0, 0, 0, 0}));
  EXPECT_EQ(sizes[1].at("per_client").size(), 3u);

  const Result quiet = corridor("run vc-kv --seeds 100 --master-seed 7 -q --out " + scratch("latency-default").string());
  ASSERT_EQ(quiet.exit_code, 0) << quiet.out;
  EXPECT_EQ(quiet.out.find("badges: "), std::string::npos) << quiet.out;

  const Result failing = corridor("run multi-paxos-kv --variant no-dedup --nodes 3 --seeds 200 --master-seed 0x2026 "
                                  "--no-shrink -q --faults delay=uniform:40ms:80ms,dup=0.05 --out " + dir.string());
  ASSERT_EQ(failing.exit_code, 1) << failing.out;
  EXPECT_NE(failing.out.find("module: client node: c"), std::string::npos) << failing.out;
}

// docs/badges.md names the one command that produced it; rerun it and compare, plot included.
TEST(BadgesDoc, IsCurrent) {
  const std::filesystem::path docs = std::filesystem::path(CORRIDOR_SOURCE_DIR) / "docs";
  const std::string doc = read_file(docs / "badges.md");
  const std::size_t begin = doc.find("```sh\n");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = doc.find('\n', begin + 6);
  std::string command = doc.substr(begin + 6, end - begin - 6);
  const std::string outputs = " --out docs --markdown docs/badges.md";
  ASSERT_TRUE(command.starts_with("corridor scale ")) << command;
  ASSERT_TRUE(command.ends_with(outputs)) << command;
  const auto dir = scratch("doc");
  command = std::string(CORRIDOR_CLI) + command.substr(std::string("corridor").size(), command.size() - outputs.size() - 8) +
            " --quiet --out " + (dir / "docs").string() + " --markdown " + (dir / "docs" / "badges.md").string();
  const Result r = run_command(command);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(read_file(dir / "docs" / "badges.md"), doc) << "docs/badges.md is stale: run scripts/badges_doc.sh";
  EXPECT_EQ(read_file(dir / "docs" / "heartbeat-register-scale.svg"), read_file(docs / "heartbeat-register-scale.svg"));
}

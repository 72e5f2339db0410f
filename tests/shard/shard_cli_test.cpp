// Sharded campaigns: `corridor run --shard I/N` N times, then `corridor merge`, gives the summary
// and the traces of the campaign run unsharded, byte for byte, passing or failing; shards that do
// not make one campaign are refused with the reason (exit 65).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_process.hpp"

namespace {

namespace fs = std::filesystem;
using Result = corridor_test::CliResult;

// Runs corridor with `dir` as the working folder, so that both campaigns write "results/...".
Result corridor_in(const fs::path& dir, const std::string& args) {
  return corridor_test::run_cli("cd '" + dir.string() + "' && " + CORRIDOR_CLI, args);
}

fs::path scratch(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("corridor-shard-test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file under `root` by its path relative to it.
std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = read_file(e.path());
  }
  return files;
}

// summary.json less the fields that are measured, not computed (cli/campaign_report.hpp says
// which): the rest must be the same bytes.
std::string without_measured(std::string text) {
  nlohmann::json j = nlohmann::json::parse(text);
  for (const char* key : {"seconds", "runs_per_s", "events_per_s", "jobs"}) {
    EXPECT_TRUE(j.contains(key)) << key;
    j.erase(key);
  }
  for (nlohmann::json& f : j["failures"]) {
    if (f.contains("shrunk")) f["shrunk"].erase("seconds");
  }
  return j.dump(2);
}

struct Campaign {
  std::string args;  // protocol and options, without --shard and --out
  unsigned shards = 3;
};

// Runs the campaign whole in <root>/whole and as shards merged in <root>/sharded; both end up in
// a folder named results, so the paths inside summary.json are the same text.
void expect_merged_equals_whole(const std::string& name, const Campaign& c, int exit_expected) {
  const fs::path root = scratch(name);
  fs::create_directories(root / "whole");
  fs::create_directories(root / "sharded");
  const Result whole = corridor_in(root / "whole", c.args + " --out results");
  ASSERT_EQ(whole.exit_code, exit_expected) << whole.out;
  std::string dirs;
  for (unsigned i = 0; i < c.shards; ++i) {
    const std::string dir = "shard-" + std::to_string(i);
    const Result shard = corridor_in(root / "sharded", c.args + " --shard " + std::to_string(i) + "/" +
                                                           std::to_string(c.shards) + " --out " + dir);
    ASSERT_TRUE(shard.exit_code == 0 || shard.exit_code == exit_expected) << shard.out;
    dirs += " " + dir;
  }
  const Result merged = corridor_in(root / "sharded", "merge" + dirs + " --out results");
  ASSERT_EQ(merged.exit_code, exit_expected) << merged.out;

  const auto expected = files_under(root / "whole" / "results");
  const auto got = files_under(root / "sharded" / "results");
  ASSERT_EQ(got.size(), expected.size()) << merged.out;
  for (const auto& [path, text] : expected) {
    ASSERT_TRUE(got.contains(path)) << path << " missing from the merged results\n" << merged.out;
    if (path.ends_with("summary.json")) {
      EXPECT_EQ(without_measured(got.at(path)), without_measured(text)) << path;
    } else {
      EXPECT_TRUE(got.at(path) == text) << path << " differs";
    }
  }
}

nlohmann::json summary_in(const fs::path& results) {
  for (const auto& e : fs::recursive_directory_iterator(results)) {
    if (e.path().filename() == "summary.json") return nlohmann::json::parse(read_file(e.path()));
  }
  ADD_FAILURE() << "no summary.json under " << results;
  return {};
}

}  // namespace

// A passing campaign with coherence badges (leader-lease's clock corridor), so that the badge
// statistics are merged too.
TEST(Shard, PassingCampaignMergedEqualsUnsharded) {
  expect_merged_equals_whole("pass", {"run leader-lease --seeds 40 --master-seed 11 --jobs 2 --quiet", 3}, 0);
  const nlohmann::json s = summary_in(fs::temp_directory_path() / "corridor-shard-test-pass" / "sharded" / "results");
  EXPECT_EQ(s["runs"], 40);
  EXPECT_TRUE(s.contains("badges")) << s.dump(2);
  EXPECT_FALSE(s.contains("shard"));
}

// Stopping at the first failure: the lowest failing index is in a shard past the first, shards
// above it (which may have failed too) are dropped, and the counts are those up to it.
TEST(Shard, FailingCampaignMergedEqualsUnsharded) {
  const std::string args = "run leader-lease --variant no-drift-margin --clock drift=50000ppm --seeds 40 --master-seed 3 --jobs 2 --quiet";
  expect_merged_equals_whole("fail", {args, 4}, 1);
  const nlohmann::json s = summary_in(fs::temp_directory_path() / "corridor-shard-test-fail" / "sharded" / "results");
  ASSERT_EQ(s["failures"].size(), 1u);
  const auto index = s["failures"][0]["index"].get<std::uint64_t>();
  EXPECT_GE(index, 10u) << "the test wants the first failure outside shard 0 of 4";
  EXPECT_EQ(s["runs"], index + 1);
  EXPECT_EQ(s["failed"], 1);
}

// --keep-going: every shard's failures, in index order, the first ten with traces.
TEST(Shard, KeepGoingCampaignMergedEqualsUnsharded) {
  const std::string args = "run leader-lease --variant no-drift-margin --clock drift=50000ppm --seeds 40 --master-seed 3 --jobs 2 --quiet --keep-going --no-shrink";
  expect_merged_equals_whole("keep-going", {args, 3}, 1);
  const nlohmann::json s = summary_in(fs::temp_directory_path() / "corridor-shard-test-keep-going" / "sharded" / "results");
  EXPECT_EQ(s["runs"], 40);
  EXPECT_GT(s["failures"].size(), 1u) << "the test wants failures in more than one shard";
}

namespace {

// Three shards of a small passing campaign, for the refusals.
fs::path three_shards(const std::string& name) {
  const fs::path root = scratch(name);
  for (int i = 0; i < 3; ++i) {
    const Result r = corridor_in(root, "run ping-pong --seeds 9 --master-seed 5 --quiet --shard " + std::to_string(i) +
                                           "/3 --out shard-" + std::to_string(i));
    EXPECT_EQ(r.exit_code, 0) << r.out;
  }
  return root;
}

}  // namespace

TEST(Shard, MergeRefusesAMissingShard) {
  const fs::path root = three_shards("missing");
  const Result r = corridor_in(root, "merge shard-0 shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("shard(s) 1 of 3 missing"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(root / "merged")) << "nothing is written when merge refuses";
}

TEST(Shard, MergeRefusesADuplicateShard) {
  const fs::path root = three_shards("duplicate");
  fs::copy(root / "shard-1", root / "copy-of-1", fs::copy_options::recursive);
  const Result r = corridor_in(root, "merge shard-0 shard-1 copy-of-1 shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("shard 1/3 is given twice"), std::string::npos) << r.out;
}

TEST(Shard, MergeRefusesAShardOfAnotherMasterSeed) {
  const fs::path root = three_shards("master-seed");
  fs::remove_all(root / "shard-2");
  ASSERT_EQ(corridor_in(root, "run ping-pong --seeds 9 --master-seed 6 --quiet --shard 2/3 --out shard-2").exit_code, 0);
  const Result r = corridor_in(root, "merge shard-0 shard-1 shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("master_seed 0x6 differs from 0x5"), std::string::npos) << r.out;
}

TEST(Shard, MergeRefusesAShardOfAnotherConfiguration) {
  const fs::path root = three_shards("config");
  fs::remove_all(root / "shard-1");
  ASSERT_EQ(corridor_in(root, "run ping-pong --seeds 9 --master-seed 5 --quiet --time-limit 3s --shard 1/3 --out shard-1").exit_code, 0);
  const Result r = corridor_in(root, "merge shard-0 shard-1 shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("shard/config_digest"), std::string::npos) << r.out;
}

TEST(Shard, MergeRefusesAShardOfAnotherProtocolOrShardCount) {
  const fs::path root = three_shards("protocol");
  ASSERT_EQ(corridor_in(root, "run leader-lease --seeds 9 --master-seed 5 --quiet --shard 1/3 --out other").exit_code, 0);
  Result r = corridor_in(root, "merge shard-0 other shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("protocol leader-lease differs from ping-pong"), std::string::npos) << r.out;
  ASSERT_EQ(corridor_in(root, "run ping-pong --seeds 9 --master-seed 5 --quiet --shard 1/2 --out half").exit_code, 0);
  r = corridor_in(root, "merge shard-0 half shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("shards of 9 seeds"), std::string::npos) << r.out;
}

TEST(Shard, MergeRefusesAFolderThatIsNotAShard) {
  const fs::path root = three_shards("not-a-shard");
  ASSERT_EQ(corridor_in(root, "run ping-pong --seeds 3 --master-seed 5 --quiet --out whole").exit_code, 0);
  Result r = corridor_in(root, "merge shard-0 whole shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("not of corridor run --shard"), std::string::npos) << r.out;
  r = corridor_in(root, "merge shard-0 no-such-folder shard-2 --out merged");
  EXPECT_EQ(r.exit_code, 65) << r.out;
  EXPECT_NE(r.out.find("no-such-folder: no such shard folder"), std::string::npos) << r.out;
  r = corridor_in(root, "merge shard-0 shard-1 shard-2 --out shard-1");
  EXPECT_EQ(r.exit_code, 64) << r.out;
  EXPECT_NE(r.out.find("is shard folder shard-1"), std::string::npos) << r.out;
}

TEST(Shard, BadShardArgumentsAreUsageErrors) {
  const fs::path root = scratch("usage");
  struct Case {
    std::string args;
    std::string says;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"--seeds 10 --shard 0/2", "--shard needs --master-seed"},
           {"--seeds 10 --master-seed 1 --shard 2/2", "counted from 0"},
           {"--seeds 10 --master-seed 1 --shard 1-2", "is not I/N"},
           {"--seeds 10 --master-seed 1 --shard 0/0", "the shard count must be"},
           {"--seeds 3 --master-seed 1 --shard 0/4", "use at most 3 shards"},
           {"--seed 5 --master-seed 1 --shard 0/2", "does not go with --seed"}}) {
    const Result r = corridor_in(root, "run ping-pong --quiet " + c.args);
    EXPECT_EQ(r.exit_code, 64) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
  }
}

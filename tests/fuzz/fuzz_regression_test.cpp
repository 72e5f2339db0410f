// The fuzz harnesses' bodies (fuzz/fuzz_targets.hpp) under GoogleTest, in every build: each seed
// corpus file and each input a fuzzer once found (fuzz/regressions/TARGET/) must be read or
// rejected with the reader's own error, never crash, throw anything else or fail an assertion.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz/fuzz_targets.hpp"

namespace corridor {
namespace {

namespace fs = std::filesystem;

const fs::path fuzz_dir = fs::path(CORRIDOR_SOURCE_DIR) / "fuzz";

std::string contents(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::set<std::string> folder_names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) names.insert(entry.path().filename().string());
  }
  return names;
}

std::set<std::string> target_names() {
  std::set<std::string> names;
  for (const fuzz::Target& target : fuzz::targets) names.insert(target.name);
  return names;
}

// The three lists of targets (fuzz_targets.hpp, fuzz/targets.cmake, the corpus folders) agree.
TEST(FuzzRegressions, EveryTargetHasASeedCorpusAndEveryCorpusATarget) {
  EXPECT_EQ(folder_names(fuzz_dir / "corpus"), target_names());
  const std::string cmake = contents(fuzz_dir / "targets.cmake");
  for (const std::string& name : target_names()) {
    EXPECT_NE(cmake.find("\n  " + name + "\n"), std::string::npos) << name << " is not in fuzz/targets.cmake";
  }
  for (const std::string& name : folder_names(fuzz_dir / "regressions")) {
    EXPECT_TRUE(target_names().count(name)) << "fuzz/regressions/" << name << " names no target";
  }
}

// A seed corpus of inputs the reader rejects would leave the fuzzer to find the grammar alone.
TEST(FuzzRegressions, EverySeedCorpusHoldsAnInputTheReaderAccepts) {
  for (const fuzz::Target& target : fuzz::targets) {
    const auto files = files_in(fuzz_dir / "corpus" / target.name);
    ASSERT_FALSE(files.empty()) << target.name;
    std::size_t accepted = 0;
    for (const fs::path& file : files) accepted += target.read(contents(file)) ? 1 : 0;
    EXPECT_GT(accepted, 0u) << "no seed of " << target.name << " is accepted";
  }
}

TEST(FuzzRegressions, InputsTheFuzzersFoundAreReadOrRejectedCleanly) {
  std::size_t inputs = 0;
  for (const fuzz::Target& target : fuzz::targets) {
    for (const fs::path& file : files_in(fuzz_dir / "regressions" / target.name)) {
      SCOPED_TRACE(file.string());
      EXPECT_NO_THROW((void)target.read(contents(file)));
      ++inputs;
    }
  }
  RecordProperty("inputs", static_cast<int>(inputs));
}

}  // namespace
}  // namespace corridor

#include "cli/grade/build.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#define XXH_INLINE_ALL  // header-only, as traces/trace.cpp uses it
#include <xxhash.h>

#include "model/assert.hpp"
#include "model/verdict.hpp"

namespace corridor::grade {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t files_max = 256;
constexpr std::size_t log_bytes_max = 16 * 1024;

bool is_source(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".cpp" || ext == ".cc" || ext == ".hpp" || ext == ".h";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The compiler's own lines, with the scratch folder and the package's prefix taken out of paths,
// so that the report holds no absolute path and is the same on a regrade.
std::string compiler_errors(const std::string& out, const std::string& src_dir, const std::string& prefix) {
  std::stringstream in(out);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[") || line.starts_with("FAILED: ") || line.starts_with("ninja: ") ||
        line.find(" -o ") != std::string::npos || line.starts_with("gmake")) {
      continue;
    }
    replace_all(line, src_dir + "/", "");
    if (line.starts_with("../src/")) line.erase(0, 7);  // ccache's CCACHE_BASEDIR makes paths relative to the build folder
    replace_all(line, prefix + "/include/corridor/", "<corridor>/");
    replace_all(line, prefix, "<corridor>");
    kept += line + "\n";
    if (kept.size() > log_bytes_max) {
      kept += "... (cut)\n";
      break;
    }
  }
  return kept;
}

}  // namespace

Sources find_sources(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("submission '{}' is not a folder", dir));
  Sources s;
  s.dir = dir;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file() && is_source(it->path())) s.files.push_back(fs::relative(it->path(), dir).generic_string());
    if (s.files.size() > files_max) throw InputError(fmt::format("submission '{}' holds more than {} source files", dir, files_max));
  }
  std::sort(s.files.begin(), s.files.end());
  const bool any_cpp = std::any_of(s.files.begin(), s.files.end(), [](const std::string& f) {
    return f.ends_with(".cpp") || f.ends_with(".cc");
  });
  if (!any_cpp) throw InputError(fmt::format("submission '{}' holds no C++ source (.cpp or .cc) to build", dir));
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const std::string& f : s.files) {
    const std::string bytes = read_file(fs::path(dir) / f);
    XXH3_64bits_update(state, f.data(), f.size() + 1);  // with its '\0'
    XXH3_64bits_update(state, bytes.data(), bytes.size());
  }
  s.digest = fmt::format("xxh3:{:016x}", XXH3_64bits_digest(state));
  XXH3_freeState(state);
  return s;
}

std::string find_corridor_prefix(const std::string& given) {
  const auto has_package = [](const fs::path& p) {
    std::error_code ec;
    return fs::exists(p / "lib" / "cmake" / "corridor" / "corridorConfig.cmake", ec) ||
           fs::exists(p / "lib64" / "cmake" / "corridor" / "corridorConfig.cmake", ec);
  };
  if (!given.empty()) {
    if (!has_package(given)) throw UsageError(fmt::format("--corridor-prefix '{}' holds no installed corridor package (lib/cmake/corridor)", given));
    return fs::absolute(given).lexically_normal().string();
  }
  if (const char* env = std::getenv("CORRIDOR_PREFIX"); env && *env) {
    if (!has_package(env)) throw UsageError(fmt::format("CORRIDOR_PREFIX='{}' holds no installed corridor package (lib/cmake/corridor)", env));
    return fs::absolute(env).lexically_normal().string();
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && has_package(self.parent_path().parent_path())) return self.parent_path().parent_path().string();
  throw UsageError("grade builds submissions against the installed corridor package, and none was found: install "
                   "corridor (cmake --install), or give --corridor-prefix DIR or CORRIDOR_PREFIX");
}

std::string tool_name_for(const std::string& submission_name) {
  std::string name;
  for (char c : submission_name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    name += plain ? c : '-';
  }
  if (name.empty() || name == "." || name == "..") name = "submission";
  return name.substr(0, 64);
}

BuildResult build_submission(const Sources& sources, const std::string& scratch_dir, const std::string& tool_name,
                             const std::string& prefix, const ChildLimits& limits, double build_seconds) {
  const auto start_files = sources.files.size();
  CORRIDOR_ASSERT(start_files > 0);
  const fs::path scratch = fs::absolute(scratch_dir);
  const fs::path src = scratch / "src";
  fs::remove_all(src);
  fs::create_directories(src);
  std::string list;
  for (const std::string& f : sources.files) {
    fs::create_directories((src / f).parent_path());
    fs::copy_file(fs::path(sources.dir) / f, src / f, fs::copy_options::overwrite_existing);
    if (f.ends_with(".cpp") || f.ends_with(".cc")) list += " \"" + f + "\"";
  }
  std::ofstream(src / "CMakeLists.txt") << fmt::format(
      "# Written by corridor grade; nothing of the submission's own build runs.\n"
      "cmake_minimum_required(VERSION 3.25)\nproject(corridor_submission LANGUAGES CXX)\n"
      "set(CMAKE_CXX_STANDARD 20)\nset(CMAKE_CXX_STANDARD_REQUIRED ON)\n"
      "find_package(corridor REQUIRED)\ncorridor_add_tool({} SOURCES{})\n",
      tool_name, list);
  const std::string cmake = find_program("cmake");
  if (cmake.empty()) throw UsageError("grade needs cmake on PATH to build submissions");
  const std::string ccache = find_program("ccache");
  const std::string env = find_program("env");
  std::vector<std::string> configure = {env, "CCACHE_BASEDIR=" + scratch.string(), "CCACHE_NOHASHDIR=true", cmake, "-S",
                                        src.string(), "-B", (scratch / "build").string(), "-G", "Ninja",
                                        // -O1 without debug information: a submission runs a few hundred seeds,
                                        // and its compile is most of a grading's time.
                                        "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O1",
                                        "-DCMAKE_PREFIX_PATH=" + prefix};
  if (!ccache.empty()) configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" + ccache);
  ChildLimits build_limits = limits;
  build_limits.isolate_network = false;
  build_limits.output_bytes = std::uint64_t{64} << 20;
  build_limits.open_files = 1024;
  build_limits.wall_seconds_per_seed = build_seconds;
  build_limits.cpu_seconds = static_cast<std::uint64_t>(build_seconds) * 2 + 1;
  BuildResult r;
  const ChildResult c = run_child(configure, scratch.string(), build_limits, "\x01", build_seconds);
  r.seconds += c.seconds;
  std::string out;
  for (const std::string& line : c.lines) out += line + "\n";
  if (c.exit_code != 0) {
    r.log = "cmake could not configure the submission:\n" + compiler_errors(out + c.err, src.string(), prefix);
    return r;
  }
  const std::vector<std::string> build = {env, "CCACHE_BASEDIR=" + scratch.string(), "CCACHE_NOHASHDIR=true", cmake,
                                          "--build", (scratch / "build").string()};
  const ChildResult b = run_child(build, scratch.string(), build_limits, "\x01", build_seconds);
  r.seconds += b.seconds;
  out.clear();
  for (const std::string& line : b.lines) out += line + "\n";
  if (b.timed_out) {
    r.log = fmt::format("the build ran past {} s and was stopped\n", build_seconds);
    return r;
  }
  if (b.exit_code != 0) {
    r.log = compiler_errors(out + b.err, src.string(), prefix);
    return r;
  }
  r.ok = true;
  r.tool = (scratch / "build" / tool_name).string();
  return r;
}

}  // namespace corridor::grade

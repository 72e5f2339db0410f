#pragma once
// Building a protocol submission: its C++ sources (nothing else of it: no build file of the
// student's runs) are copied into a scratch folder beside a CMakeLists.txt of ours that makes the
// whole corridor program over them with corridor_add_tool, against the installed package, under
// the same rlimits as every child. A failed build is the submission's, never the grader's.
#include <cstdint>
#include <string>
#include <vector>

#include "cli/grade/sandbox.hpp"

namespace corridor::grade {

// A submission's sources: regular files under `dir` ending .cpp, .cc, .hpp, .h, in sorted
// relative-path order (their digest goes into grade.json). UsageError when `dir` is missing,
// InputError when it holds no .cpp/.cc file.
struct Sources {
  std::string dir;
  std::vector<std::string> files;  // relative to dir
  std::string digest;              // "xxh3:..." over (path, bytes) of each
};
Sources find_sources(const std::string& dir);

struct BuildResult {
  bool ok = false;
  std::string tool;   // the built program, absolute
  std::string log;    // the compiler's errors when !ok, paths relative to the submission
  double seconds = 0;
};

// Where the installed corridor package is: --corridor-prefix, else $CORRIDOR_PREFIX, else the
// prefix this program was installed into (its folder's parent, when lib/cmake/corridor is there).
// UsageError naming the three when none holds the package.
std::string find_corridor_prefix(const std::string& given);

BuildResult build_submission(const Sources& sources, const std::string& scratch_dir, const std::string& tool_name,
                             const std::string& prefix, const ChildLimits& limits, double build_seconds);

// `name` of letters, digits, '-', '_', '.'; other characters become '-'.
std::string tool_name_for(const std::string& submission_name);

}  // namespace corridor::grade

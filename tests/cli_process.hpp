#pragma once
// Runs the corridor program as a user would (through the shell), for the tests that check what it
// prints and how it exits. A top-level namespace of its own: the tests call their helper
// corridor(), which a namespace corridor would make ambiguous.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace corridor_test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout, and stderr unless kept apart
};

inline CliResult run_cli(const std::string& program, const std::string& args, bool with_stderr = true) {
  const std::string command = program + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  CliResult result;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace corridor_test

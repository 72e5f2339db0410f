#pragma once
// Running a student's tool as a child process the grader can always outlive: its own process
// group (killed whole at the wall-clock limit), rlimits (CPU, memory by RLIMIT_DATA, file size,
// open files, no core), no network (a new network namespace where the kernel lets us, and a
// seccomp filter that kills the process on socket(2)), and capped output. The grader itself
// never loads student code.
#include <cstdint>
#include <string>
#include <vector>

namespace corridor::grade {

struct ChildLimits {
  double wall_seconds_per_seed = 20;  // the deadline restarts at every line that starts a seed
  std::uint64_t cpu_seconds = 300;
  std::uint64_t memory_bytes = std::uint64_t{2} << 30;
  std::uint64_t output_bytes = std::uint64_t{4} << 20;
  std::uint64_t file_bytes = std::uint64_t{256} << 20;
  std::uint64_t open_files = 64;
  bool isolate_network = true;  // false for builds (the compiler needs no network either, but
                                // cmake may probe; builds still get every other limit)
};

// Which isolation layers the machine allowed; the report says so.
struct IsolationLayers {
  bool rlimits = true;
  bool process_group = true;
  bool network_namespace = false;
  bool seccomp_socket = false;
  std::string network_namespace_how;  // "unshare(CLONE_NEWNET)", "unshare(CLONE_NEWUSER|CLONE_NEWNET)" or why not
};

// Probed once (a forked child tries each layer) and cached.
const IsolationLayers& isolation_layers();
std::string describe(const IsolationLayers& layers);

struct ChildResult {
  std::vector<std::string> lines;  // complete stdout lines, in order
  std::string err;                 // stderr, capped at 64 KiB
  int exit_code = -1;              // when it exited
  int signal = 0;                  // when a signal ended it
  bool timed_out = false;          // killed at the wall-clock limit
  bool output_capped = false;      // killed for printing more than output_bytes
  double seconds = 0;
};

// Runs argv[0] with argv in `cwd` under `limits`. A line beginning with `seed_prefix` on stdout
// restarts the wall-clock deadline (each seed gets wall_seconds_per_seed).
ChildResult run_child(const std::vector<std::string>& argv, const std::string& cwd, const ChildLimits& limits,
                      const std::string& seed_prefix, double first_deadline_seconds);

}  // namespace corridor::grade

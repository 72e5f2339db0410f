#include "cli/grade/sandbox.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "model/assert.hpp"

namespace corridor::grade {

namespace {

constexpr std::size_t err_bytes_max = 64 * 1024;

#if defined(__x86_64__)
constexpr std::uint32_t audit_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t audit_arch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t audit_arch = 0;  // unknown: no seccomp layer
#endif

// Kills the process on socket(2); everything else is allowed. A foreign architecture's system
// call numbers mean something else, so those are killed too.
bool install_socket_filter() {
  if (audit_arch == 0) return false;
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit_arch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

// 1: a plain new network namespace (root), 2: inside a new user namespace, 0: neither.
int enter_network_namespace() {
  if (::unshare(CLONE_NEWNET) == 0) return 1;
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) return 2;
  return 0;
}

void set_limit(int resource, std::uint64_t value) {
  struct rlimit limit {};
  limit.rlim_cur = static_cast<rlim_t>(value);
  limit.rlim_max = static_cast<rlim_t>(value);
  ::setrlimit(resource, &limit);
}

// In the forked child, before exec: only async-signal-safe calls from here on.
void apply_limits(const ChildLimits& limits) {
  set_limit(RLIMIT_CORE, 0);
  set_limit(RLIMIT_CPU, limits.cpu_seconds);
  set_limit(RLIMIT_DATA, limits.memory_bytes);
  set_limit(RLIMIT_FSIZE, limits.file_bytes);
  set_limit(RLIMIT_NOFILE, limits.open_files);
}

IsolationLayers probe_layers() {
  IsolationLayers layers;
  int fds[2];
  if (::pipe(fds) != 0) return layers;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    char report[2] = {static_cast<char>('0' + enter_network_namespace()), install_socket_filter() ? '1' : '0'};
    [[maybe_unused]] const auto n = ::write(fds[1], report, 2);
    ::_exit(0);
  }
  ::close(fds[1]);
  char report[2] = {'0', '0'};
  if (pid > 0) {
    [[maybe_unused]] const auto n = ::read(fds[0], report, 2);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  ::close(fds[0]);
  layers.network_namespace = report[0] != '0';
  layers.network_namespace_how = report[0] == '1'   ? "unshare(CLONE_NEWNET)"
                                 : report[0] == '2' ? "unshare(CLONE_NEWUSER|CLONE_NEWNET)"
                                                    : "not allowed here (unshare failed)";
  layers.seccomp_socket = report[1] == '1';
  return layers;
}

// Between fork and exec only async-signal-safe calls: the grader has threads, and one may hold the
// allocator's lock at the fork, so `args` is built before it.
[[noreturn]] void exec_child(char* const* args, const std::string& cwd, const ChildLimits& limits, int out_fd, int err_fd,
                             bool netns, bool seccomp) {
  ::setpgid(0, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, 0);
  // Every other descriptor the grader holds stays out of the child.
  for (int fd = 3; fd < 1024; ++fd) ::close(fd);
  if (::chdir(cwd.c_str()) != 0) ::_exit(126);
  if (limits.isolate_network && netns) enter_network_namespace();
  apply_limits(limits);
  if (limits.isolate_network && seccomp) install_socket_filter();
  ::execv(args[0], args);
  ::_exit(127);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

const IsolationLayers& isolation_layers() {
  static const IsolationLayers layers = probe_layers();
  return layers;
}

std::string describe(const IsolationLayers& l) {
  return fmt::format(
      "rlimits (CPU, RLIMIT_DATA memory, file size, open files, no core): on; own process group killed at the "
      "wall-clock limit: on; capped output: on; network namespace: {}; seccomp filter killing socket(2): {}",
      l.network_namespace ? "on, " + l.network_namespace_how : "off, " + l.network_namespace_how,
      l.seccomp_socket ? "on" : "off (not allowed here)");
}

ChildResult run_child(const std::vector<std::string>& argv, const std::string& cwd, const ChildLimits& limits,
                      const std::string& seed_prefix, double first_deadline_seconds) {
  CORRIDOR_ASSERT(!argv.empty());
  const IsolationLayers& layers = isolation_layers();
  int out[2];
  int err[2];
  CORRIDOR_ASSERT(::pipe2(out, O_CLOEXEC) == 0 && ::pipe2(err, O_CLOEXEC) == 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  CORRIDOR_ASSERT_MSG(pid >= 0, "fork failed");
  if (pid == 0) exec_child(args.data(), cwd, limits, out[1], err[1], layers.network_namespace, layers.seccomp_socket);
  ::setpgid(pid, pid);  // also here, so that the kill below never races the child's own setpgid
  ::close(out[1]);
  ::close(err[1]);
  ChildResult r;
  std::string partial;
  std::uint64_t output_bytes = 0;
  double deadline = first_deadline_seconds;
  struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    const double left = deadline - seconds_since(start);
    if (left <= 0) {
      r.timed_out = true;
      break;
    }
    const int ready = ::poll(fds, 2, static_cast<int>(std::min(left * 1000.0, 200.0)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      output_bytes += static_cast<std::uint64_t>(n);
      if (i == 1) {
        r.err.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), err_bytes_max - std::min(err_bytes_max, r.err.size())));
        continue;
      }
      partial.append(buffer, static_cast<std::size_t>(n));
      std::size_t at = 0;
      for (std::size_t nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n', at)) {
        r.lines.push_back(partial.substr(at, nl - at));
        if (r.lines.back().starts_with(seed_prefix)) deadline = seconds_since(start) + limits.wall_seconds_per_seed;
        at = nl + 1;
      }
      partial.erase(0, at);
    }
    if (output_bytes > limits.output_bytes) {
      r.output_capped = true;
      break;
    }
  }
  ::kill(-pid, SIGKILL);  // the whole group: whatever the child started goes too
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!r.timed_out && !r.output_capped) {
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  }
  r.seconds = seconds_since(start);
  return r;
}

}  // namespace corridor::grade

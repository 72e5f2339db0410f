#include "explorers/memory_budget.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

namespace corridor {

namespace {

// The first number in a small file ("max" and unreadable files give nothing).
std::uint64_t number_in_file(const char* path) {
  std::FILE* f = std::fopen(path, "r");
  if (f == nullptr) return 0;
  char text[64] = {};
  const std::size_t size = std::fread(text, 1, sizeof text - 1, f);
  std::fclose(f);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text, text + size, value);
  (void)end;
  return ec == std::errc{} ? value : 0;
}

}  // namespace

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_bytes = ::sysconf(_SC_PAGESIZE);
  std::uint64_t bytes = pages > 0 && page_bytes > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_bytes)
                                                    : std::uint64_t{4} << 30;
  // cgroup v2, then v1 (whose "no limit" is a huge number, which the min leaves alone).
  for (const char* limit_file : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    const std::uint64_t limit = number_in_file(limit_file);
    if (limit > 0) bytes = std::min(bytes, limit);
  }
  return bytes;
}

std::uint64_t default_memory_budget_bytes() { return physical_memory_bytes() / 2; }

std::uint64_t resident_bytes() {
  // One open file per process: the search reads it between batches, and an open per read would
  // cost more than the read.
  static const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[128] = {};
  const ssize_t size = ::pread(fd, text, sizeof text - 1, 0);
  if (size <= 0) return 0;
  // "size resident shared text lib data dt", in pages.
  const char* space = std::find(text, text + size, ' ');
  std::uint64_t pages = 0;
  const auto [end, ec] = std::from_chars(space + 1, text + size, pages);
  (void)end;
  if (ec != std::errc{}) return 0;
  return pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace corridor

#pragma once
// Limits shared by the partitions of one check: a deadline, a memory budget (bytes of the memo
// tables and state stores of every partition together) and the cancel signal: the lowest partition
// found not linearizable, so that partitions after it stop (and the reported violation does not
// depend on thread timing).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace corridor::lincheck {

enum class SearchVerdict : std::uint8_t { linearizable, not_linearizable, out_of_time, out_of_memory, cancelled };

struct Budget {
  static constexpr std::uint32_t no_partition = std::numeric_limits<std::uint32_t>::max();

  std::chrono::steady_clock::time_point deadline;
  std::size_t memory_bytes_max = 0;
  std::atomic<std::size_t> memory_bytes_used{0};
  std::atomic<std::uint32_t> first_violation{no_partition};

  void report_violation(std::uint32_t partition) {
    std::uint32_t seen = first_violation.load();
    while (partition < seen && !first_violation.compare_exchange_weak(seen, partition)) {
    }
  }
  bool cancelled(std::uint32_t partition) const { return first_violation.load(std::memory_order_relaxed) < partition; }
};

}  // namespace corridor::lincheck

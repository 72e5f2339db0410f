#pragma once
// Limits shared by the partitions of one check: a deadline, a memory budget (bytes of the memo
// tables and state stores of every partition together) and the cancel signal: once one partition
// is found not linearizable, the others stop.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace corridor::lincheck {

enum class SearchVerdict : std::uint8_t { running, linearizable, not_linearizable, out_of_time, out_of_memory, cancelled };

struct Budget {
  std::chrono::steady_clock::time_point deadline;
  std::size_t memory_bytes_max = 0;
  std::atomic<std::size_t> memory_bytes_used{0};
  std::atomic<bool> violation{false};

  void report_violation() { violation.store(true); }
  bool violation_found() const { return violation.load(std::memory_order_relaxed); }
};

}  // namespace corridor::lincheck

#pragma once
// The live line of an exhaustive search: states/s, unique states, depth, queue. Redrawn in place
// every second on a terminal; a plain line every 10 s otherwise (logs stay readable).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

namespace corridor {

struct ProgressSnapshot {
  std::uint64_t unique_states = 0;
  std::uint64_t generated_states = 0;
  std::uint64_t queue = 0;
  std::uint32_t depth = 0;
};

class ProgressLine {
 public:
  // Does nothing when `out` is null.
  ProgressLine(std::FILE* out, bool terminal, std::function<ProgressSnapshot()> snapshot);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void run();
  void print(const ProgressSnapshot& now, double seconds, double states_per_s);

  std::FILE* out_;
  bool terminal_;
  std::function<ProgressSnapshot()> snapshot_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

}  // namespace corridor

#include "explorers/exhaustive_progress.hpp"

#include <fmt/core.h>

namespace corridor {

ProgressLine::ProgressLine(std::FILE* out, bool terminal, std::function<ProgressSnapshot()> snapshot)
    : out_(out), terminal_(terminal), snapshot_(std::move(snapshot)) {
  if (out_ != nullptr) thread_ = std::thread([this] { run(); });
}

ProgressLine::~ProgressLine() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (terminal_ && drawn_) {
    fmt::print(out_, "\r\033[K");
    std::fflush(out_);
  }
}

void ProgressLine::run() {
  const auto period = terminal_ ? std::chrono::seconds(1) : std::chrono::seconds(10);
  ProgressSnapshot before;
  auto before_time = start_;
  std::unique_lock lock(mutex_);
  // A bound on the loop: a search longer than 10 years of reporting gets no more lines.
  for (std::uint64_t ticks = 0; ticks < (std::uint64_t{1} << 32); ++ticks) {
    if (wake_.wait_for(lock, period, [this] { return stop_; })) return;
    const ProgressSnapshot now = snapshot_();
    const auto now_time = std::chrono::steady_clock::now();
    const double interval_s = std::chrono::duration<double>(now_time - before_time).count();
    const double rate = interval_s > 0 ? static_cast<double>(now.unique_states - before.unique_states) / interval_s : 0;
    print(now, std::chrono::duration<double>(now_time - start_).count(), rate);
    before = now;
    before_time = now_time;
  }
}

void ProgressLine::print(const ProgressSnapshot& now, double seconds, double states_per_s) {
  const std::string line =
      fmt::format("explore: {:.0f}s  {:.0f} unique states/s  {} unique  {} generated  depth {}  queue {}", seconds,
                  states_per_s, now.unique_states, now.generated_states, now.depth, now.queue);
  if (terminal_) {
    fmt::print(out_, "\r\033[K{}", line);
    drawn_ = true;
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

}  // namespace corridor

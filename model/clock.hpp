#pragma once
// A node's clocks. True time is hidden from nodes; each node reads its own wall clock (`now`,
// which may jump backwards) and its monotonic clock (never goes back, but drifts at the same
// rate). Both are piecewise linear in true time: a drift change or a jump starts a new piece.
#include <cstdint>

#include "model/assert.hpp"
#include "model/time.hpp"

namespace corridor {

// Drift is bounded so that a clock always moves forward and the arithmetic never overflows.
inline constexpr std::int64_t drift_ppm_limit = 500'000;

class NodeClock {
 public:
  NodeClock() = default;
  NodeClock(time_ns offset_ns, std::int64_t drift_ppm) : wall_base_ns_(offset_ns), drift_ppm_(drift_ppm) {
    CORRIDOR_ASSERT(drift_ppm > -drift_ppm_limit && drift_ppm < drift_ppm_limit);
  }

  time_ns wall(time_ns true_ns) const { return wall_base_ns_ + elapsed_local(true_ns); }
  time_ns monotonic(time_ns true_ns) const { return mono_base_ns_ + elapsed_local(true_ns); }
  std::int64_t drift_ppm() const { return drift_ppm_; }

  // The earliest true time (>= the current piece's start) at which monotonic() reaches mono_ns.
  time_ns true_time_at_monotonic(time_ns mono_ns) const;

  // Wall clock jumps by delta_ns (either sign) at true time t; the monotonic clock does not.
  void jump(time_ns true_ns, time_ns delta_ns);
  // From true time t on, the clock runs at (1 + ppm / 1e6) of true time.
  void set_drift(time_ns true_ns, std::int64_t drift_ppm);

 private:
  time_ns elapsed_local(time_ns true_ns) const {
    CORRIDOR_ASSERT(true_ns >= true_base_ns_);
    if (drift_ppm_ == 0) return true_ns - true_base_ns_;  // the common case, without a 128-bit division
    const int128 dt = true_ns - true_base_ns_;
    return static_cast<time_ns>(dt * (1'000'000 + drift_ppm_) / 1'000'000);
  }
  void rebase(time_ns true_ns);

  time_ns true_base_ns_ = 0;
  time_ns wall_base_ns_ = 0;
  time_ns mono_base_ns_ = 0;
  std::int64_t drift_ppm_ = 0;
};

}  // namespace corridor

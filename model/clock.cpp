#include "model/clock.hpp"

#include "model/assert.hpp"

namespace corridor {

time_ns NodeClock::true_time_at_monotonic(time_ns mono_ns) const {
  if (mono_ns <= mono_base_ns_) return true_base_ns_;
  const int128 local = mono_ns - mono_base_ns_;
  const int128 rate = 1'000'000 + drift_ppm_;
  // Ceiling division: the first true nanosecond at which the local clock has reached mono_ns.
  int128 dt = (local * 1'000'000 + rate - 1) / rate;
  time_ns t = true_base_ns_ + static_cast<time_ns>(dt);
  while (monotonic(t) < mono_ns) ++t;  // at most a step or two of rounding
  CORRIDOR_ASSERT(monotonic(t) >= mono_ns);
  return t;
}

void NodeClock::rebase(time_ns true_ns) {
  wall_base_ns_ = wall(true_ns);
  mono_base_ns_ = monotonic(true_ns);
  true_base_ns_ = true_ns;
}

void NodeClock::jump(time_ns true_ns, time_ns delta_ns) {
  rebase(true_ns);
  wall_base_ns_ += delta_ns;
}

void NodeClock::set_drift(time_ns true_ns, std::int64_t drift_ppm) {
  CORRIDOR_ASSERT(drift_ppm > -drift_ppm_limit && drift_ppm < drift_ppm_limit);
  rebase(true_ns);
  drift_ppm_ = drift_ppm;
}

}  // namespace corridor

#include "invariants/clock_sync.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace corridor::invariants {

namespace {

constexpr time_ns rounding_ns = 1'000;  // the clocks' integer arithmetic, with room to spare

double rho_of(const SimConfig& config) { return static_cast<double>(config.clock.drift_ppm) * 1e-6; }

time_ns ceil_ns(double ns) { return static_cast<time_ns>(std::ceil(ns)); }

time_ns floor_of(const DelaySpec& d) {
  switch (d.kind) {
    case DelaySpec::Kind::constant:
    case DelaySpec::Kind::uniform:
    case DelaySpec::Kind::exponential: return std::max<time_ns>(d.a_ns, 0);
    case DelaySpec::Kind::normal: return 0;
  }
  return 0;
}

// The rounds a leader can have begun by true time t: one at its start, then one a period of its
// monotonic clock, which runs at most (1 + rho) as fast as true time.
time_ns rounds_by(const SimConfig& config, const SyncTiming& timing, time_ns true_ns) {
  CORRIDOR_ASSERT(timing.period_ns > 0);
  const double local_ns = static_cast<double>(std::max<time_ns>(true_ns, 0)) * (1.0 + rho_of(config));
  return static_cast<time_ns>(std::floor(local_ns / static_cast<double>(timing.period_ns))) + 1;
}

time_ns accuracy_without_kept_jumps_ns(const SimConfig& config, const SyncTiming& timing, time_ns true_ns) {
  const time_ns drift_ns = ceil_ns(rho_of(config) * static_cast<double>(std::max<time_ns>(true_ns, 0)));
  return config.clock.skew_ns + drift_ns + rounds_by(config, timing, true_ns) * (2 * estimate_error_ns(config, timing) + rounding_ns);
}

}  // namespace

time_ns delay_ns_min(const SimConfig& config) {
  time_ns floor_ns = floor_of(config.link.delay);
  for (const LinkOverride& o : config.links) floor_ns = std::min(floor_ns, floor_of(o.spec.delay));
  return floor_ns;
}

time_ns estimate_error_ns(const SimConfig& config, const SyncTiming& timing) {
  const double rho = rho_of(config);
  CORRIDOR_ASSERT(rho < 0.5 && timing.rtt_ns_max > 0);
  const double rtt_true_ns = static_cast<double>(timing.rtt_ns_max) / (1.0 - rho);
  const double error_ns = rtt_true_ns / 2.0 - static_cast<double>(delay_ns_min(config)) + 1.5 * rho * rtt_true_ns + 1.0;
  return std::max<time_ns>(ceil_ns(error_ns), 1);
}

time_ns sync_share_ns(const SimConfig& config, const SyncTiming& timing) {
  const double rho = rho_of(config);
  const time_ns drift_ns = ceil_ns(2.0 * rho * static_cast<double>(timing.fresh_ns) / (1.0 - rho));
  return estimate_error_ns(config, timing) + drift_ns + rounding_ns;
}

time_ns berkeley_accuracy_ns(const SimConfig& config, const SyncTiming& timing, time_ns true_ns) {
  const time_ns base_ns = accuracy_without_kept_jumps_ns(config, timing, true_ns);
  // A jumped clock is never averaged when its jump puts it beyond the outlier threshold from every
  // clock of the envelope (README, "Berkeley: accuracy"); a smaller jump may be kept, and each
  // round may then average in a reading up to the threshold (and two estimates) off.
  const time_ns envelope_ns = accuracy_without_kept_jumps_ns(config, timing, config.time_limit_ns);
  const time_ns jump_ns = std::abs(config.clock.jump_ns);
  const bool jump_may_be_kept =
      config.clock.jumps > 0 && jump_ns <= timing.outlier_ns + envelope_ns + 2 * estimate_error_ns(config, timing);
  if (!jump_may_be_kept) return base_ns;
  return base_ns + rounds_by(config, timing, true_ns) * (timing.outlier_ns + 2 * estimate_error_ns(config, timing));
}

void ClockAdjustMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != "clock-adjust") return;
  const auto before_ns = static_cast<time_ns>(view.note_a);
  const auto after_ns = static_cast<time_ns>(view.note_b);
  if (after_ns >= before_ns) return;
  violation_ = Violation{.invariant = "clock-monotonic", .verdict = Verdict::safety, .step = view.step,
                         .true_ns = view.true_ns, .nodes = {view.actor}, .operations = {},
                         .message = fmt::format("node {}'s clock went back {} when it was adjusted (from {} to {} on its "
                                                "monotonic clock plus offset): an adjustment must slew, not step back",
                                                view.actor, format_duration_short(before_ns - after_ns),
                                                time_text(before_ns), time_text(after_ns))};
}

}  // namespace corridor::invariants

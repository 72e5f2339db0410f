#pragma once
// A node's synchronised clock: its wall clock (ctx.now()) plus an offset the protocol adjusts. An
// adjustment is slewed, never stepped: the offset moves toward its target at half the rate of the
// node's monotonic clock, so the clock runs at 1.5 or 0.5 times its own rate until the adjustment
// is in, and monotonic() plus the offset never goes back. Steps of the wall clock itself (a clock
// jump fault) do move the reading: that is a faulty clock, which the protocol must correct and
// the invariants do not trust until it has (invariants/clock_sync.hpp).
//
// A plain aggregate, so that node states holding it compare, hash and print for free.
#include <algorithm>
#include <cstdint>

#include "model/assert.hpp"
#include "model/time.hpp"

namespace corridor::protocols {

struct SoftwareClock {
  // The offset moves by at most 1 / slew_divisor of the monotonic time that passes.
  static constexpr time_ns slew_divisor = 2;

  time_ns offset_ns = 0;             // applied offset over the wall clock
  time_ns pending_ns = 0;            // the part of the last adjustment not yet slewed in
  time_ns slew_from_mono_ns = 0;     // monotonic reading since which pending_ns has been slewing
  time_ns measured_mono_ns = 0;      // monotonic reading of the measurement behind the last adjustment
  time_ns wall_minus_mono_ns = 0;    // now() - monotonic() when last adjusted (a later difference: the wall clock stepped)
  std::uint64_t round = 0;           // the round of the last adjustment
  std::uint32_t adjustments = 0;

  // The part of pending_ns slewed in by monotonic reading mono_ns.
  time_ns slewed_ns(time_ns mono_ns) const {
    const time_ns room_ns = std::max<time_ns>(mono_ns - slew_from_mono_ns, 0) / slew_divisor;
    return std::clamp(pending_ns, -room_ns, room_ns);
  }
  time_ns read(time_ns wall_ns, time_ns mono_ns) const { return wall_ns + offset_ns + slewed_ns(mono_ns); }
  // What the clock will read once the adjustment is in: the clock other nodes should be told.
  time_ns target(time_ns wall_ns) const { return wall_ns + offset_ns + pending_ns; }
  // The clock without the wall clock's own steps: never goes back under slewing.
  time_ns steady(time_ns mono_ns) const { return mono_ns + offset_ns + slewed_ns(mono_ns); }
  bool slewed_in(time_ns mono_ns) const { return slewed_ns(mono_ns) == pending_ns; }
  // Adjusted at least once, the adjustment slewed in, its measurement at most fresh_ns old on the
  // monotonic clock, and the wall clock not stepped since (read with the engine's clocks, which
  // see a step before the node runs a handler again).
  bool synchronised(time_ns wall_ns, time_ns mono_ns, time_ns fresh_ns) const {
    return adjustments > 0 && slewed_in(mono_ns) && mono_ns - measured_mono_ns <= fresh_ns &&
           wall_ns - mono_ns == wall_minus_mono_ns;
  }

  // Adjusts toward target_ns (what the clock should read now), slewing; replaces what was pending.
  void slew_to(time_ns target_ns, time_ns wall_ns, time_ns mono_ns, time_ns measured_mono_ns_in, std::uint64_t round_in) {
    settle(mono_ns);
    pending_ns = target_ns - (wall_ns + offset_ns);
    note_adjustment(wall_ns, mono_ns, measured_mono_ns_in, round_in);
  }
  // Sets the clock to target_ns at once, whichever way: the planted bug step-backwards.
  void step_to(time_ns target_ns, time_ns wall_ns, time_ns mono_ns, time_ns measured_mono_ns_in, std::uint64_t round_in) {
    settle(mono_ns);
    offset_ns = target_ns - wall_ns;
    pending_ns = 0;
    note_adjustment(wall_ns, mono_ns, measured_mono_ns_in, round_in);
  }

 private:
  // Folds the slewed part into the offset (the reading does not change).
  void settle(time_ns mono_ns) {
    const time_ns done_ns = slewed_ns(mono_ns);
    offset_ns += done_ns;
    pending_ns -= done_ns;
    slew_from_mono_ns = mono_ns;
  }
  void note_adjustment(time_ns wall_ns, time_ns mono_ns, time_ns measured_mono_ns_in, std::uint64_t round_in) {
    CORRIDOR_ASSERT(measured_mono_ns_in <= mono_ns);
    measured_mono_ns = measured_mono_ns_in;
    wall_minus_mono_ns = wall_ns - mono_ns;
    round = round_in;
    ++adjustments;
  }
};

}  // namespace corridor::protocols

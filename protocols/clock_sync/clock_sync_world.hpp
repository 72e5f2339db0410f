#pragma once
// What cristian and berkeley assume of their world and are run under, written once for both: the
// fault model and clocks of their campaigns and demo, and the badge on the delay assumption their
// round-trip filters rest on (each protocol's delay_ns_assumed; README, "The bounds").
#include <memory>
#include <vector>

#include "invariants/badges/message_delay.hpp"
#include "model/time.hpp"

namespace corridor::protocols::clock_sync_world {

inline constexpr const char* faults = "delay=uniform:5ms:10ms,loss=0.02,dup=0.02,pause=1";
inline constexpr const char* clock = "skew=20ms,drift=1000ppm,jump=1s,jumps=1";
inline constexpr const char* clock_jumping_back = "skew=20ms,drift=1000ppm,jump=-1s,jumps=1";

// The corridor the protocols assume: one-way delays within delay_ns_assumed. The round-trip filter
// is what keeps a late message (a pause, a long tail) out of the clocks; the badge shows how often
// the assumption is left.
inline std::vector<std::unique_ptr<invariants::BadgeMonitor>> badge_monitors(time_ns delay_ns_assumed) {
  std::vector<std::unique_ptr<invariants::BadgeMonitor>> m;
  m.push_back(std::make_unique<invariants::MessageDelayMonitor>(delay_ns_assumed));
  return m;
}

}  // namespace corridor::protocols::clock_sync_world

#include "invariants/hybrid_clock.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "model/units.hpp"

namespace corridor::invariants {

time_ns hlc_epsilon_ns(const SimConfig& config) {
  constexpr time_ns rounding_ns = 1'000;
  const double drift_ns = 2.0 * static_cast<double>(config.clock.drift_ppm) * 1e-6 * static_cast<double>(config.time_limit_ns);
  const time_ns jumps_ns = static_cast<time_ns>(config.clock.jumps) * std::abs(config.clock.jump_ns);
  return config.clock.skew_ns + static_cast<time_ns>(drift_ns) + jumps_ns + rounding_ns;
}

std::string_view HybridClockMonitor::invariant_name() const {
  switch (check_) {
    case Check::happened_before: return "hlc-happened-before";
    case Check::close_to_physical: return "hlc-close-to-physical";
    case Check::counter_bound: return "hlc-counter-bound";
  }
  return {};
}

void HybridClockMonitor::on_run_start(const RunInfo& info) {
  events_.assign(info.nodes, {});
  by_l_.clear();
  events_seen_ = 0;
  violation_.reset();
}

void HybridClockMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note || view.note != "hlc") return;
  if (view.actor >= events_.size() || view.actor >= view.vc.size()) return;  // not a node of the layout
  CORRIDOR_ASSERT_MSG(++events_seen_ <= events_max, "more HLC events in a run than the monitor follows");
  const HlcStamp stamp{static_cast<std::int64_t>(view.note_a), view.note_b};
  switch (check_) {
    case Check::happened_before: check_happened_before(view, stamp); break;
    case Check::close_to_physical: check_close_to_physical(view, stamp); break;
    case Check::counter_bound: check_counter_bound(view, stamp); break;
  }
  // Each check keeps only what it reads: the happened-before check each node's events, the
  // counter bound the events by l, the closeness check nothing.
  const std::uint32_t counter = view.vc[view.actor];
  if (check_ == Check::happened_before) {
    std::vector<Event>& mine = events_[view.actor];
    CORRIDOR_ASSERT_MSG(mine.empty() || mine.back().counter < counter, "a node's notes have increasing counters");
    mine.push_back({counter, stamp});
  } else if (check_ == Check::counter_bound) {
    by_l_[stamp.l].emplace_back(view.actor, counter);
  }
}

const HybridClockMonitor::Event* HybridClockMonitor::latest_at_most(NodeId j, std::uint32_t counter) const {
  const std::vector<Event>& theirs = events_[j];
  const auto after = std::upper_bound(theirs.begin(), theirs.end(), counter,
                                      [](std::uint32_t c, const Event& e) { return c < e.counter; });
  return after == theirs.begin() ? nullptr : &*(after - 1);
}

// Transitivity makes it enough to compare with each node's latest event before this one: every
// earlier event that happened before it happened before that one too, and was checked then.
void HybridClockMonitor::check_happened_before(const EventView& view, const HlcStamp& stamp) {
  const std::size_t nodes = std::min(events_.size(), view.vc.size());
  for (NodeId j = 0; j < nodes; ++j) {
    const std::uint32_t seen = j == view.actor ? view.vc[j] - 1 : view.vc[j];
    const Event* before = latest_at_most(j, seen);
    if (before == nullptr || before->stamp < stamp) continue;
    fail(view, fmt::format("node {}'s HLC event ({}, {}) happened after node {}'s ({}, {}) but is not stamped later",
                           view.actor, stamp.l, stamp.c, j, before->stamp.l, before->stamp.c));
    return;
  }
}

void HybridClockMonitor::check_close_to_physical(const EventView& view, const HlcStamp& stamp) {
  const time_ns ahead_ns = stamp.l - view.local_ns;
  if (ahead_ns >= 0 && ahead_ns <= epsilon_ns_) return;
  fail(view, ahead_ns < 0
                 ? fmt::format("node {}'s HLC l = {} is {} behind its clock (pt = {}): an HLC never falls behind", view.actor,
                               stamp.l, format_duration_short(-ahead_ns), view.local_ns)
                 : fmt::format("node {}'s HLC l = {} is {} ahead of its clock (pt = {}), more than epsilon = {}", view.actor,
                               stamp.l, format_duration_short(ahead_ns), view.local_ns, format_duration_short(epsilon_ns_)));
}

void HybridClockMonitor::check_counter_bound(const EventView& view, const HlcStamp& stamp) {
  std::uint64_t same_l_before = 0;
  if (const auto it = by_l_.find(stamp.l); it != by_l_.end()) {
    for (const auto& [j, counter] : it->second) {
      if (j < view.vc.size() && counter <= view.vc[j] && !(j == view.actor && counter == view.vc[j])) ++same_l_before;
    }
  }
  if (stamp.c <= same_l_before) return;
  fail(view, fmt::format("node {}'s HLC counter c = {} exceeds the {} event(s) with l = {} that happened before it",
                         view.actor, stamp.c, same_l_before, stamp.l));
}

void HybridClockMonitor::fail(const EventView& view, std::string message) {
  violation_ = Violation{.invariant = std::string(invariant_name()), .verdict = Verdict::safety, .step = view.step,
                         .true_ns = view.true_ns, .nodes = {view.actor}, .operations = {},
                         .message = std::move(message)};
}

}  // namespace corridor::invariants

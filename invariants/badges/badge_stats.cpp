#include "invariants/badges/badge_stats.hpp"

#include <algorithm>
#include <cmath>

#include "model/assert.hpp"

namespace corridor::invariants {

const char* to_string(BadgeTrend trend) {
  switch (trend) {
    case BadgeTrend::none: return "none";
    case BadgeTrend::stabilising: return "stabilising";
    case BadgeTrend::steady: return "steady";
    case BadgeTrend::cascading: return "cascading";
  }
  return "?";
}

BadgeStats::BadgeStats(std::uint32_t nodes) : nodes_(nodes), per_node_(nodes, 0), per_window_(windows_count, 0) {
  CORRIDOR_ASSERT(nodes > 0);
}

void BadgeStats::add_run(const std::vector<Badge>& badges, std::uint64_t events, time_ns duration_ns) {
  CORRIDOR_ASSERT(duration_ns > 0);
  ++runs_;
  events_ += events;
  duration_ns_ += duration_ns;
  badges_ += badges.size();
  for (const Badge& b : badges) {
    if (b.node < nodes_) ++per_node_[b.node];
    else if (b.node != no_node && b.node - nodes_ < clients_max) count_client(b.node - nodes_, 1);
    const auto window = static_cast<std::uint32_t>(std::clamp<time_ns>(
        static_cast<time_ns>(static_cast<int128>(b.true_ns) * windows_count / duration_ns), 0, windows_count - 1));
    ++per_window_[window];
    ++per_monitor_[b.monitor];
  }
  if (!badges.empty()) first_ns_.push_back(badges.front().true_ns);
}

void BadgeStats::count_client(std::uint32_t client, std::uint64_t badges) {
  CORRIDOR_ASSERT(client < clients_max);
  if (per_client_.size() <= client) per_client_.resize(std::size_t{client} + 1, 0);
  per_client_[client] += badges;
}

void BadgeStats::merge(const BadgeStats& other) {
  CORRIDOR_ASSERT(other.nodes_ == nodes_);
  runs_ += other.runs_;
  badges_ += other.badges_;
  events_ += other.events_;
  duration_ns_ += other.duration_ns_;
  for (std::size_t i = 0; i < per_node_.size(); ++i) per_node_[i] += other.per_node_[i];
  for (std::size_t i = 0; i < per_window_.size(); ++i) per_window_[i] += other.per_window_[i];
  for (std::size_t i = 0; i < other.per_client_.size(); ++i) count_client(static_cast<std::uint32_t>(i), other.per_client_[i]);
  for (const auto& [name, count] : other.per_monitor_) per_monitor_[name] += count;
  first_ns_.insert(first_ns_.end(), other.first_ns_.begin(), other.first_ns_.end());
}

double BadgeStats::simulated_seconds() const { return static_cast<double>(duration_ns_) / 1e9; }

double BadgeStats::per_1000_events() const {
  return events_ == 0 ? 0.0 : 1000.0 * static_cast<double>(badges_) / static_cast<double>(events_);
}

double BadgeStats::per_simulated_second() const {
  return duration_ns_ == 0 ? 0.0 : static_cast<double>(badges_) / simulated_seconds();
}

double BadgeStats::per_node_per_simulated_second() const { return per_simulated_second() / nodes_; }

std::uint32_t BadgeStats::emitters() const {
  return static_cast<std::uint32_t>(std::count_if(per_node_.begin(), per_node_.end(), [](std::uint64_t c) { return c > 0; }));
}

double BadgeStats::evenness() const {
  // Of the nodes' badges only: a client's are not a node's share (per_client).
  std::uint64_t node_badges = 0;
  for (std::uint64_t c : per_node_) node_badges += c;
  if (node_badges == 0 || nodes_ < 2) return node_badges == 0 ? 0.0 : 1.0;
  double entropy = 0.0;
  for (std::uint64_t c : per_node_) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / static_cast<double>(node_badges);
    entropy -= p * std::log(p);
  }
  return entropy / std::log(static_cast<double>(nodes_));
}

std::optional<time_ns> BadgeStats::first_drift_median_ns() const {
  if (first_ns_.empty()) return std::nullopt;
  std::vector<time_ns> sorted = first_ns_;
  std::sort(sorted.begin(), sorted.end());
  return sorted[(sorted.size() - 1) / 2];  // the lower median: a time some run really had
}

double BadgeStats::window_rate(std::uint32_t i) const {
  CORRIDOR_ASSERT(i < windows_count);
  if (duration_ns_ == 0) return 0.0;
  return static_cast<double>(per_window_[i]) / (simulated_seconds() / windows_count);
}

BadgeTrend BadgeStats::trend() const {
  if (badges_ == 0) return BadgeTrend::none;
  std::uint64_t early = 0;
  std::uint64_t late = 0;
  for (std::uint32_t i = 0; i < windows_count; ++i) (i < windows_count / 2 ? early : late) += per_window_[i];
  const double e = static_cast<double>(early);
  const double l = static_cast<double>(late);
  if (l > 1.5 * e) return BadgeTrend::cascading;
  if (l < e / 1.5) return BadgeTrend::stabilising;
  return BadgeTrend::steady;
}

}  // namespace corridor::invariants

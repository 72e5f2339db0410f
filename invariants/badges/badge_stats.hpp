#pragma once
// Badge statistics for one run or a campaign of runs (a run is a campaign of one), the numbers
// of the coherence lab:
//   - frequency: badges per node, per 1,000 events and per simulated second;
//   - symmetry: how many nodes emitted badges, and evenness, the Shannon entropy of the badge
//     share per node divided by ln(nodes): 1 when every node emits equally, 0 when one node emits
//     them all (and 0 without badges);
//   - time to first drift: the true time of a run's first badge (median over the runs that drifted);
//   - trend: each run is cut into `windows_count` equal windows of simulated time; with early =
//     badges in the first half of the windows and late = badges in the second half (summed over
//     runs), the drift is "cascading" when late > 1.5 x early, "stabilising" when late < early / 1.5,
//     "steady" in between, and "none" without badges.
// A badge observed by a client (an actor after the nodes, as in multi-paxos-kv's layout: client i
// is actor nodes + i) counts in the totals and rates, and in per_client instead of per_node: it
// has no share in emitters or evenness, since symmetry is a question about the system's nodes, and
// a client's badge (operation-latency) is about the system as one client sees it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/badge.hpp"

namespace corridor::invariants {

enum class BadgeTrend : std::uint8_t { none, stabilising, steady, cascading };
const char* to_string(BadgeTrend trend);

class BadgeStats {
 public:
  static constexpr std::uint32_t windows_count = 10;
  static constexpr std::uint32_t clients_max = 1024;  // per_client's length; badges of higher actors count in totals only

  explicit BadgeStats(std::uint32_t nodes);
  // One run's badges; `events` engine steps over `duration_ns` of simulated time.
  void add_run(const std::vector<Badge>& badges, std::uint64_t events, time_ns duration_ns);
  void merge(const BadgeStats& other);

  std::uint32_t nodes() const { return nodes_; }
  std::uint64_t runs() const { return runs_; }
  std::uint64_t runs_drifted() const { return first_ns_.size(); }
  std::uint64_t badges() const { return badges_; }
  std::uint64_t events() const { return events_; }
  double simulated_seconds() const;
  const std::vector<std::uint64_t>& per_node() const { return per_node_; }
  // Badges per client index (c0, c1, ...): as long as the highest client that emitted one.
  const std::vector<std::uint64_t>& per_client() const { return per_client_; }
  const std::vector<std::uint64_t>& per_window() const { return per_window_; }
  const std::map<std::string, std::uint64_t>& per_monitor() const { return per_monitor_; }

  double per_1000_events() const;
  double per_simulated_second() const;
  double per_node_per_simulated_second() const;
  std::uint32_t emitters() const;
  double evenness() const;
  std::optional<time_ns> first_drift_median_ns() const;
  // Badges per simulated second in window i, over all runs.
  double window_rate(std::uint32_t i) const;
  BadgeTrend trend() const;

 private:
  void count_client(std::uint32_t client, std::uint64_t badges);

  std::uint32_t nodes_;
  std::uint64_t runs_ = 0;
  std::uint64_t badges_ = 0;
  std::uint64_t events_ = 0;
  time_ns duration_ns_ = 0;  // summed over runs
  std::vector<std::uint64_t> per_node_;
  std::vector<std::uint64_t> per_client_;
  std::vector<std::uint64_t> per_window_;
  std::map<std::string, std::uint64_t> per_monitor_;
  std::vector<time_ns> first_ns_;  // per run that drifted
};

}  // namespace corridor::invariants

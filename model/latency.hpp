#pragma once
// Client operation latency: from an operation's invoke to its completion (ok or fail), in true
// time, per operation kind (the history's `f`), over every run of a campaign.
//
// The samples go into a log-linear histogram of fixed size (64 buckets per power of two: each
// value is kept to within 1/64 = 1.6% of itself, exact below 64 ns), not into a list: a campaign
// of thousands of runs has millions of operations, and a histogram's counts do not depend on the
// order runs finish in, so the percentiles are the same for any --jobs (the determinism contract).
// A percentile is reported as the highest value its bucket holds (never below the true value);
// the minimum and maximum are exact.
//
// An `info` completion (the client gave up: a timeout, a crash) and an invoke still open when the
// run ends have no latency: they are counted apart, so that a p99 is never read off only the
// operations that finished.
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "model/history.hpp"
#include "model/time.hpp"

namespace corridor {

class LatencyHistogram {
 public:
  static constexpr std::uint32_t sub_bucket_bits = 6;
  static constexpr std::uint32_t sub_buckets = 1u << sub_bucket_bits;  // 64
  // Values below sub_buckets are exact; each power of two from 2^6 to 2^63 has sub_buckets more.
  static constexpr std::size_t bucket_count = sub_buckets + (64 - sub_bucket_bits) * sub_buckets;

  void add(time_ns latency_ns);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  time_ns min_ns() const { return min_ns_; }
  time_ns max_ns() const { return max_ns_; }
  // The smallest bucket edge at or below which a share `q` (0 < q <= 1) of the samples lie; q = 1 is
  // the exact maximum. count() must be positive.
  time_ns percentile_ns(double q) const;

  static std::size_t bucket_of(std::uint64_t value);
  static std::uint64_t bucket_high(std::size_t bucket);  // the largest value bucket `bucket` holds

 private:
  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  time_ns min_ns_ = 0;
  time_ns max_ns_ = 0;
};

struct OperationLatency {
  LatencyHistogram completed;   // ok and fail
  std::uint64_t indeterminate = 0;  // info: the client does not know whether it took effect
  std::uint64_t open_at_end = 0;    // invoked, and neither completed nor given up when the run ended
};

// Per operation kind, ordered by name (so the printed table and the JSON are stable).
class LatencyStats {
 public:
  // Every operation of one run's history. A completion is matched to the open invoke of its process.
  void add_history(const History& history);
  void merge(const LatencyStats& other);
  const std::map<std::string, OperationLatency>& by_operation() const { return by_operation_; }
  bool empty() const { return by_operation_.empty(); }

 private:
  std::map<std::string, OperationLatency> by_operation_;
};

}  // namespace corridor

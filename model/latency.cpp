#include "model/latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "model/assert.hpp"

namespace corridor {

std::size_t LatencyHistogram::bucket_of(std::uint64_t value) {
  if (value < sub_buckets) return static_cast<std::size_t>(value);
  const std::uint32_t exponent = static_cast<std::uint32_t>(std::bit_width(value)) - 1;  // >= sub_bucket_bits
  const std::uint32_t shift = exponent - sub_bucket_bits;
  const std::uint64_t sub = (value >> shift) & (sub_buckets - 1);
  const std::size_t bucket = sub_buckets + static_cast<std::size_t>(shift) * sub_buckets + static_cast<std::size_t>(sub);
  CORRIDOR_ASSERT(bucket < bucket_count);
  return bucket;
}

std::uint64_t LatencyHistogram::bucket_high(std::size_t bucket) {
  CORRIDOR_ASSERT(bucket < bucket_count);
  if (bucket < sub_buckets) return bucket;
  const std::size_t shift = (bucket - sub_buckets) / sub_buckets;
  const std::uint64_t sub = (bucket - sub_buckets) % sub_buckets;
  // The bucket holds [(64 + sub) << shift, (64 + sub + 1) << shift); at the top it ends at 2^64 - 1.
  const std::uint64_t next = (sub_buckets + sub + 1) << shift;
  return next == 0 ? UINT64_MAX : next - 1;
}

void LatencyHistogram::add(time_ns latency_ns) {
  CORRIDOR_ASSERT_MSG(latency_ns >= 0, "an operation completed before it was invoked");
  min_ns_ = count_ == 0 ? latency_ns : std::min(min_ns_, latency_ns);
  max_ns_ = std::max(max_ns_, latency_ns);
  ++counts_[bucket_of(static_cast<std::uint64_t>(latency_ns))];
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  min_ns_ = count_ == 0 ? other.min_ns_ : std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
  for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
}

time_ns LatencyHistogram::percentile_ns(double q) const {
  CORRIDOR_ASSERT(count_ > 0);
  CORRIDOR_ASSERT(q > 0 && q <= 1);
  if (q >= 1) return max_ns_;
  // The rank of the sample at quantile q (1-based, nearest-rank definition).
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // Never above the exact maximum: the top bucket's edge can be.
      return std::min(max_ns_, static_cast<time_ns>(std::min<std::uint64_t>(bucket_high(i), INT64_MAX)));
    }
  }
  CORRIDOR_ASSERT_MSG(false, "the buckets hold fewer samples than the count");
  return max_ns_;
}

void LatencyStats::add_history(const History& history) {
  // The invoke each process has open (a client has at most one operation outstanding; a second
  // invoke before a completion replaces the first, which then counts as open at the end).
  std::unordered_map<std::uint32_t, const HistoryEvent*> open;
  for (const HistoryEvent& e : history) {
    if (e.type == OpType::invoke) {
      const auto [it, fresh] = open.try_emplace(e.process, &e);
      if (!fresh) {
        ++by_operation_[it->second->f].open_at_end;
        it->second = &e;
      }
      continue;
    }
    const auto it = open.find(e.process);
    if (it == open.end()) continue;  // a completion without its invoke: nothing to measure
    OperationLatency& op = by_operation_[it->second->f];
    if (e.type == OpType::info) {
      ++op.indeterminate;
    } else {
      op.completed.add(e.true_time_ns - it->second->true_time_ns);
    }
    open.erase(it);
  }
  for (const auto& [process, invoke] : open) ++by_operation_[invoke->f].open_at_end;
}

void LatencyStats::merge(const LatencyStats& other) {
  for (const auto& [name, theirs] : other.by_operation_) {
    OperationLatency& ours = by_operation_[name];
    ours.completed.merge(theirs.completed);
    ours.indeterminate += theirs.indeterminate;
    ours.open_at_end += theirs.open_at_end;
  }
}

}  // namespace corridor

// Client operation latency (model/latency.hpp): the histogram's percentiles against the exact
// nearest-rank value of the same samples, merging, and how a history's events are paired.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/latency.hpp"

namespace {

using corridor::History;
using corridor::HistoryEvent;
using corridor::LatencyHistogram;
using corridor::LatencyStats;
using corridor::OpType;
using corridor::time_ns;

time_ns exact_percentile(std::vector<time_ns> samples, double q) {
  std::sort(samples.begin(), samples.end());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size()))));
  return samples[rank - 1];
}

// Reported percentiles are never below the true one and at most 1/64 above it (exact below 64 ns).
RC_GTEST_PROP(Latency, PercentilesAreWithinOneBucketOfTheExactValue, ()) {
  const auto samples = *rc::gen::nonEmpty(rc::gen::container<std::vector<time_ns>>(
      rc::gen::oneOf(rc::gen::inRange<time_ns>(0, 200), rc::gen::inRange<time_ns>(0, 5'000'000'000))));
  LatencyHistogram h;
  for (const time_ns s : samples) h.add(s);
  RC_ASSERT(h.count() == samples.size());
  RC_ASSERT(h.min_ns() == *std::min_element(samples.begin(), samples.end()));
  RC_ASSERT(h.max_ns() == *std::max_element(samples.begin(), samples.end()));
  for (const double q : {0.01, 0.5, 0.9, 0.99, 1.0}) {
    const time_ns exact = exact_percentile(samples, q);
    const time_ns reported = h.percentile_ns(q);
    RC_ASSERT(reported >= exact);
    RC_ASSERT(static_cast<double>(reported) <= static_cast<double>(exact) * (1.0 + 1.0 / 64) + 1e-9);
  }
}

RC_GTEST_PROP(Latency, MergingIsAddingEverySample, ()) {
  const auto a = *rc::gen::container<std::vector<time_ns>>(rc::gen::inRange<time_ns>(0, 1'000'000'000));
  const auto b = *rc::gen::container<std::vector<time_ns>>(rc::gen::inRange<time_ns>(0, 1'000'000'000));
  LatencyHistogram ha, hb, all;
  for (const time_ns s : a) ha.add(s), all.add(s);
  for (const time_ns s : b) hb.add(s), all.add(s);
  ha.merge(hb);
  RC_ASSERT(ha.count() == all.count());
  if (all.count() > 0) {
    RC_ASSERT(ha.min_ns() == all.min_ns());
    RC_ASSERT(ha.max_ns() == all.max_ns());
    for (const double q : {0.5, 0.9, 0.99}) RC_ASSERT(ha.percentile_ns(q) == all.percentile_ns(q));
  }
}

// Every value has one bucket: the buckets are consecutive ranges from 0 to 2^64 - 1.
TEST(Latency, BucketsCoverEveryValueInOrder) {
  std::uint64_t low = 0;
  for (std::size_t b = 0; b < LatencyHistogram::bucket_count; ++b) {
    const std::uint64_t high = LatencyHistogram::bucket_high(b);
    ASSERT_GE(high, low) << b;
    ASSERT_EQ(LatencyHistogram::bucket_of(low), b) << b;
    ASSERT_EQ(LatencyHistogram::bucket_of(high), b) << b;
    low = high + 1;
  }
  EXPECT_EQ(low, 0u);  // the last bucket ends at 2^64 - 1
}

HistoryEvent event(std::uint32_t process, OpType type, const char* f, time_ns t) {
  HistoryEvent e;
  e.process = process;
  e.type = type;
  e.f = f;
  e.true_time_ns = t;
  return e;
}

// ok and fail complete an operation; info (the client gave up) and an invoke still open at the
// end have no latency and are counted apart; each completion pairs with its own process's invoke.
TEST(Latency, HistoryPairsEachCompletionWithItsProcesssInvoke) {
  const History h = {
      event(0, OpType::invoke, "put", 10), event(1, OpType::invoke, "get", 20), event(1, OpType::ok, "get", 25),
      event(0, OpType::fail, "put", 110),  event(1, OpType::invoke, "get", 30), event(1, OpType::info, "get", 90),
      event(2, OpType::invoke, "put", 40),
  };
  LatencyStats stats;
  stats.add_history(h);
  const auto& put = stats.by_operation().at("put");
  EXPECT_EQ(put.completed.count(), 1u);
  EXPECT_EQ(put.completed.max_ns(), 100);
  EXPECT_EQ(put.open_at_end, 1u);
  const auto& get = stats.by_operation().at("get");
  EXPECT_EQ(get.completed.count(), 1u);
  EXPECT_EQ(get.completed.max_ns(), 5);
  EXPECT_EQ(get.indeterminate, 1u);
  EXPECT_EQ(get.open_at_end, 0u);
}

}  // namespace

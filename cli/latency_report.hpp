#pragma once
// Client operation latency in `corridor run`'s summary, its summary.json and the demo's table
// (model/latency.hpp collects it).
#include <string>

#include <nlohmann/json.hpp>

#include "model/latency.hpp"

namespace corridor::cli {

// The percentiles every report gives, as (name, quantile), written once here.
struct LatencyPercentile {
  const char* name;
  double quantile;
};
inline constexpr LatencyPercentile latency_percentiles[] = {{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}};

// Lines for the human summary (empty when no operation was recorded).
std::string latency_text(const LatencyStats& stats);
// {"get": {"count": n, "p50_ns": .., "p90_ns": .., "p99_ns": .., "min_ns": .., "max_ns": ..,
//  "indeterminate": n, "open_at_end": n}, ...}; a kind with no completed operation has count 0
// and no percentiles.
nlohmann::json latency_json(const LatencyStats& stats);
// "p99 get 12ms, put 15ms" (the demo's table), or "" when nothing completed.
std::string latency_p99_cell(const LatencyStats& stats);

}  // namespace corridor::cli

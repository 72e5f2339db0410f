#include "cli/latency_report.hpp"

#include <fmt/format.h>

#include "model/units.hpp"

namespace corridor::cli {

std::string latency_text(const LatencyStats& stats) {
  if (stats.empty()) return {};
  std::string text = "  latency, invoke to completion in true time (percentiles within 1.6%, max exact):\n";
  std::size_t width = 0;
  for (const auto& [name, op] : stats.by_operation()) width = std::max(width, name.size());
  for (const auto& [name, op] : stats.by_operation()) {
    text += fmt::format("    {:<{}} {:>9} done", name, width, op.completed.count());
    if (op.completed.count() > 0) {
      for (const LatencyPercentile& p : latency_percentiles) {
        text += fmt::format("  {} {}", p.name, format_duration_short(op.completed.percentile_ns(p.quantile)));
      }
      text += fmt::format("  max {}", format_duration_short(op.completed.max_ns()));
    }
    if (op.indeterminate > 0) text += fmt::format("  {} indeterminate", op.indeterminate);
    if (op.open_at_end > 0) text += fmt::format("  {} open at the end", op.open_at_end);
    text += "\n";
  }
  return text;
}

nlohmann::json latency_json(const LatencyStats& stats) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, op] : stats.by_operation()) {
    nlohmann::json one = {{"count", op.completed.count()},
                          {"indeterminate", op.indeterminate},
                          {"open_at_end", op.open_at_end}};
    if (op.completed.count() > 0) {
      for (const LatencyPercentile& p : latency_percentiles) {
        one[fmt::format("{}_ns", p.name)] = op.completed.percentile_ns(p.quantile);
      }
      one["min_ns"] = op.completed.min_ns();
      one["max_ns"] = op.completed.max_ns();
    }
    j[name] = std::move(one);
  }
  return j;
}

std::string latency_p99_cell(const LatencyStats& stats) {
  std::string cell;
  for (const auto& [name, op] : stats.by_operation()) {
    if (op.completed.count() == 0) continue;
    cell += fmt::format("{}{} {}", cell.empty() ? "p99 " : ", ", name, format_duration_short(op.completed.percentile_ns(0.99)));
  }
  return cell;
}

}  // namespace corridor::cli

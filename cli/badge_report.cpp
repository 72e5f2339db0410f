#include "cli/badge_report.hpp"

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/units.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

using invariants::time_text;

std::string badge_block(const Badge& b, std::uint32_t nodes) {
  std::string details;
  for (const auto& [name, value] : b.details) details += fmt::format("{}{}={}", details.empty() ? "" : " ", name, value);
  return fmt::format(
      "[BADGE] type: {} module: {} node: {} context: {}\n"
      "        timestamp: local {} (true {}, step {})\n"
      "        monitor: {} ({} view) boundary: {}\n"
      "        details: {}\n",
      b.type, b.module, actor_name(b.node, nodes), b.context, time_text(b.local_ns), time_text(b.true_ns), b.step, b.monitor, b.view,
      b.boundary, details.empty() ? "-" : details);
}

std::string badges_text(const std::vector<Badge>& badges, std::uint32_t nodes, std::size_t shown_max) {
  std::string out;
  for (std::size_t i = 0; i < badges.size() && i < shown_max; ++i) out += badge_block(badges[i], nodes);
  if (badges.size() > shown_max) out += fmt::format("... and {} more badges (all are in the trace)\n", badges.size() - shown_max);
  return out;
}

std::string badge_stats_text(const invariants::BadgeStats& s) {
  if (s.badges() == 0) return fmt::format("badges: none in {} run(s): every monitored assumption held\n", s.runs());
  std::string per_node;
  for (std::size_t n = 0; n < s.per_node().size(); ++n) per_node += fmt::format("{}n{}={}", n ? " " : "", n, s.per_node()[n]);
  // Clients are not nodes (no share in evenness): a line of their own, only when one emitted.
  std::string per_client;
  for (std::size_t c = 0; c < s.per_client().size(); ++c) {
    if (s.per_client()[c] > 0) per_client += fmt::format("{}c{}={}", per_client.empty() ? "" : " ", c, s.per_client()[c]);
  }
  std::string per_monitor;
  for (const auto& [name, count] : s.per_monitor()) per_monitor += fmt::format("{}{}={}", per_monitor.empty() ? "" : " ", name, count);
  const auto first = s.first_drift_median_ns();
  return fmt::format(
      "badges: {} in {} run(s) ({} drifted): {:.2f} per 1,000 events, {:.2f} per simulated second ({:.3f} per node)\n"
      "  by monitor: {}\n"
      "  by node: {}  (emitters {}/{}, evenness {:.2f})\n"
      "{}"
      "  first drift: {} (median over drifted runs)   trend: {}\n",
      s.badges(), s.runs(), s.runs_drifted(), s.per_1000_events(), s.per_simulated_second(),
      s.per_node_per_simulated_second(), per_monitor, per_node, s.emitters(), s.nodes(), s.evenness(),
      per_client.empty() ? "" : fmt::format("  by client: {}\n", per_client),
      first ? time_text(*first) : "-", to_string(s.trend()));
}

}  // namespace corridor::cli

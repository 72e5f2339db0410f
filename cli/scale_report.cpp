#include "cli/scale_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "cli/badge_report.hpp"
#include "invariants/time_text.hpp"
#include "model/units.hpp"

namespace corridor::cli {

namespace {

using invariants::BadgeStats;

std::string first_drift_text(const BadgeStats& s) {
  const auto first = s.first_drift_median_ns();
  return first ? format_duration_short(*first) : "never";
}

std::string sensitivity_text(const ScaleRow& row, double stretch) {
  const auto ratio = time_sensitivity(row);
  if (ratio) return fmt::format("{:.2f}x", *ratio);
  return row.stretched.badges() > 0 ? fmt::format("appears at x{:g}", stretch) : "-";
}

struct Column {
  std::string title;
  std::string (*cell)(const ScaleRow&, const ScaleReport&);
};

const std::vector<Column>& columns() {
  static const std::vector<Column> c = {
      {"nodes", [](const ScaleRow& r, const ScaleReport&) { return fmt::format("{}", r.nodes); }},
      {"runs drifted", [](const ScaleRow& r, const ScaleReport&) {
         return fmt::format("{}/{}", r.stats.runs_drifted(), r.stats.runs());
       }},
      {"first drift (median)", [](const ScaleRow& r, const ScaleReport&) { return first_drift_text(r.stats); }},
      {"badges", [](const ScaleRow& r, const ScaleReport&) { return fmt::format("{}", r.stats.badges()); }},
      {"per node per sim s", [](const ScaleRow& r, const ScaleReport&) {
         return fmt::format("{:.3f}", r.stats.per_node_per_simulated_second());
       }},
      {"per 1,000 events", [](const ScaleRow& r, const ScaleReport&) { return fmt::format("{:.3f}", r.stats.per_1000_events()); }},
      {"emitters", [](const ScaleRow& r, const ScaleReport&) {
         return fmt::format("{}/{}", r.stats.emitters(), r.stats.nodes());
       }},
      {"evenness", [](const ScaleRow& r, const ScaleReport&) { return fmt::format("{:.2f}", r.stats.evenness()); }},
      {"time sensitivity", [](const ScaleRow& r, const ScaleReport& s) { return sensitivity_text(r, s.stretch); }},
      {"trend", [](const ScaleRow& r, const ScaleReport&) { return std::string(to_string(r.stats.trend())); }},
  };
  return c;
}

std::vector<std::string> monitor_names(const ScaleReport& report) {
  std::vector<std::string> names;
  for (const BadgeDeclaration& d : report.monitors) {
    if (std::find(names.begin(), names.end(), d.monitor) == names.end()) names.push_back(d.monitor);
  }
  for (const ScaleRow& row : report.rows) {
    for (const auto& [name, count] : row.stats.per_monitor()) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

double monitor_rate(const ScaleRow& row, const std::string& monitor) {
  const auto it = row.stats.per_monitor().find(monitor);
  if (it == row.stats.per_monitor().end() || row.stats.simulated_seconds() <= 0) return 0.0;
  return static_cast<double>(it->second) / row.stats.simulated_seconds() / row.nodes;
}

std::string per_node_text(const ScaleRow& row) {
  std::string out;
  for (std::size_t n = 0; n < row.stats.per_node().size(); ++n) out += fmt::format("{}n{}={}", n ? " " : "", n, row.stats.per_node()[n]);
  // Badges clients observed (operation-latency) are no node's: after the nodes, only when there are some.
  std::string clients;
  for (std::size_t c = 0; c < row.stats.per_client().size(); ++c) {
    if (row.stats.per_client()[c] > 0) clients += fmt::format(" c{}={}", c, row.stats.per_client()[c]);
  }
  if (!clients.empty()) out += "  clients:" + clients;
  return out;
}

// A round upper bound for an axis: 1, 2 or 5 times a power of ten.
double nice_ceiling(double v) {
  if (v <= 0) return 1.0;
  const double power = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * power >= v) return m * power;
  }
  return 10.0 * power;
}

}  // namespace

std::optional<double> time_sensitivity(const ScaleRow& row) {
  const double base = row.stats.per_simulated_second();
  if (base <= 0) return std::nullopt;
  return row.stretched.per_simulated_second() / base;
}

std::string scale_verdict(const ScaleReport& report) {
  std::string out = "verdict:";
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const ScaleRow& r = report.rows[i];
    out += fmt::format("{} at {} nodes drift is {}", i ? ";" : "", r.nodes, to_string(r.stats.trend()));
  }
  out += ".";
  if (report.rows.size() >= 2) {
    const ScaleRow& a = report.rows.front();
    const ScaleRow& b = report.rows.back();
    const double ra = a.stats.per_node_per_simulated_second();
    const double rb = b.stats.per_node_per_simulated_second();
    out += fmt::format(" From {} to {} nodes the badge rate per node goes from {:.3f} to {:.3f} per simulated second", a.nodes,
                       b.nodes, ra, rb);
    out += ra > 0 ? fmt::format(" (x{:.2f})", rb / ra) : "";
    out += fmt::format(", and the first drift comes at {} and {}.", first_drift_text(a.stats), first_drift_text(b.stats));
  }
  return out;
}

std::string scale_text(const ScaleReport& report) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> width;
  for (const Column& c : columns()) width.push_back(c.title.size());
  for (const ScaleRow& row : report.rows) {
    cells.emplace_back();
    for (std::size_t i = 0; i < columns().size(); ++i) {
      cells.back().push_back(columns()[i].cell(row, report));
      width[i] = std::max(width[i], cells.back().back().size());
    }
  }
  std::string out;
  auto line = [&](auto cell_of) {
    for (std::size_t i = 0; i < columns().size(); ++i) out += fmt::format("{}{:<{}}", i ? "  " : "", cell_of(i), width[i]);
    out += "\n";
  };
  line([&](std::size_t i) { return columns()[i].title; });
  for (const auto& row : cells) line([&](std::size_t i) { return row[i]; });
  out += "\nbadges per node per simulated second, by monitor:\n";
  for (const std::string& m : monitor_names(report)) {
    out += fmt::format("  {:<16}", m);
    for (const ScaleRow& row : report.rows) out += fmt::format("  {:>2} nodes {:>8.3f}", row.nodes, monitor_rate(row, m));
    out += "\n";
  }
  out += "\nbadges by node:\n";
  for (const ScaleRow& row : report.rows) out += fmt::format("  {:>2} nodes: {}\n", row.nodes, per_node_text(row));
  out += "\n" + scale_verdict(report) + "\n";
  return out;
}

std::string scale_markdown(const ScaleReport& report, const std::string& svg_link) {
  std::string md;
  md += "# Coherence badges: a worked example\n\n";
  md += "This file is generated; do not edit it by hand. It is the output of one command, run from the repository\n";
  md += "root (`scripts/badges_doc.sh` runs it with the built `corridor`; the test `BadgesDoc.IsCurrent` reruns it\n";
  md += "and fails if this file or its plot differ):\n\n";
  md += fmt::format("```sh\n{} --out docs --markdown docs/badges.md\n```\n\n", report.command);
  md += fmt::format("Protocol **{}**, variant `{}`: {} seeds per size, {} of simulated time per run, faults `{}`, clock `{}`.\n",
                    report.protocol, report.variant, report.seeds, format_duration(report.time_limit_ns),
                    report.faults.empty() ? "none" : report.faults, report.clock.empty() ? "ideal" : report.clock);
  md += "Every size runs the same corridors and the same load per node (one write per 20ms from the primary to\n";
  md += "each backup, one heartbeat per 50ms from each node to each other node).\n\n";
  md += "## Assumptions, corridors and boundaries\n\n";
  md += "| monitor | module | assumption (one sentence) | corridor | boundary |\n|---|---|---|---|---|\n";
  for (const BadgeDeclaration& d : report.monitors) {
    md += fmt::format("| {} | {} | {} | `{}` | {} |\n", d.monitor, d.module, d.assumption, d.corridor, d.boundary);
  }
  md += "\nThe monitors only observe: they get const views of events and of the world and a sink that can only\n";
  md += "append badges, so the runs below are exactly the runs without them (same events, same digest).\n\n";
  if (!report.rows.empty()) {
    const ScaleRow& big = report.rows.back();
    md += fmt::format("## Badges from several nodes\n\nThe first badge each node emitted in the first seed's run at {} nodes:\n\n```text\n",
                      big.nodes);
    for (const Badge& b : big.sample) md += badge_block(b);
    md += "```\n\n";
  }
  md += "## The comparison\n\n|";
  for (const Column& c : columns()) md += " " + c.title + " |";
  md += "\n|";
  for (std::size_t i = 0; i < columns().size(); ++i) md += "---|";
  md += "\n";
  for (const ScaleRow& row : report.rows) {
    md += "|";
    for (const Column& c : columns()) md += " " + c.cell(row, report) + " |";
    md += "\n";
  }
  md += "\nBadges per node per simulated second, by monitor:\n\n| monitor |";
  for (const ScaleRow& row : report.rows) md += fmt::format(" {} nodes |", row.nodes);
  md += "\n|---|";
  for (std::size_t i = 0; i < report.rows.size(); ++i) md += "---|";
  md += "\n";
  for (const std::string& m : monitor_names(report)) {
    md += fmt::format("| {} |", m);
    for (const ScaleRow& row : report.rows) md += fmt::format(" {:.3f} |", monitor_rate(row, m));
    md += "\n";
  }
  md += "\nBadges by node (symmetry):\n\n";
  for (const ScaleRow& row : report.rows) md += fmt::format("- {} nodes: {}\n", row.nodes, per_node_text(row));
  md += "\n" + scale_verdict(report) + "\n\n";
  if (!svg_link.empty()) md += fmt::format("![badge rate over time for each size]({})\n\n", svg_link);
  md += "## How to read it\n\n";
  md += "- **first drift**: the true time of a run's first badge, the median (lower) over the runs that drifted.\n";
  md += "- **frequency**: badges per node per simulated second, and per 1,000 engine steps.\n";
  md += "- **symmetry**: emitters is how many nodes emitted at least one badge; evenness is the Shannon entropy of\n";
  md += "  each node's share of the badges divided by ln(nodes): 1 when all nodes emit equally, 0 when one emits all.\n";
  md += fmt::format("- **time sensitivity**: the badge rate when every network delay bound and the clock skew, drift and\n"
                    "  jumps are multiplied by {:g} (same seeds), divided by the rate as run. 1 means the corridors are\n"
                    "  insensitive to timing; larger means timing pushes behaviour out of them.\n",
                    report.stretch);
  md += fmt::format("- **trend**: each run is cut into {} equal windows of simulated time; early = badges in the first half,\n"
                    "  late = badges in the second half (over all runs). cascading: late > 1.5 x early; stabilising:\n"
                    "  late < early / 1.5; steady otherwise; none without badges.\n",
                    BadgeStats::windows_count);
  return md;
}

std::string scale_svg(const ScaleReport& report) {
  constexpr int width = 640;
  constexpr int height = 360;
  constexpr int left = 60;
  constexpr int right = 130;
  constexpr int top = 30;
  constexpr int bottom = 45;
  constexpr int plot_w = width - left - right;
  constexpr int plot_h = height - top - bottom;
  static constexpr const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  const std::uint32_t windows = BadgeStats::windows_count;
  double y_max = 0;
  for (const ScaleRow& row : report.rows) {
    for (std::uint32_t i = 0; i < windows; ++i) y_max = std::max(y_max, row.stats.window_rate(i) / row.nodes);
  }
  const double top_value = nice_ceiling(y_max);
  const double seconds = static_cast<double>(report.time_limit_ns) / 1e9;
  auto x_of = [&](double t) { return left + plot_w * t / seconds; };
  auto y_of = [&](double v) { return top + plot_h * (1.0 - v / top_value); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"18\" font-size=\"14\">{}: badges per node per simulated second over time</text>\n",
      width, height, width, height, width, height, left, report.protocol);
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n", left, top + plot_h, left + plot_w, top + plot_h);
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n", left, top, left, top + plot_h);
  for (int i = 0; i <= 4; ++i) {
    const double v = top_value * i / 4;
    svg += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, y_of(v), left + plot_w, y_of(v));
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:g}</text>\n", left - 5, y_of(v) + 4, v);
    const double t = seconds * i / 4;
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:g}s</text>\n", x_of(t), top + plot_h + 16, t);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">simulated time (window of {:g}s)</text>\n",
                     left + plot_w / 2, height - 8, seconds / windows);
  for (std::size_t k = 0; k < report.rows.size(); ++k) {
    const ScaleRow& row = report.rows[k];
    const char* color = colors[k % std::size(colors)];
    std::string points;
    for (std::uint32_t i = 0; i < windows; ++i) {
      const double t = seconds * (i + 0.5) / windows;
      points += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x_of(t), y_of(row.stats.window_rate(i) / row.nodes));
    }
    svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color, points);
    const int ly = top + 10 + 18 * static_cast<int>(k);
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>\n", left + plot_w + 10, ly,
                       left + plot_w + 30, ly, color);
    svg += fmt::format("<text x=\"{}\" y=\"{}\">{} nodes</text>\n", left + plot_w + 35, ly + 4, row.nodes);
  }
  svg += "</svg>\n";
  return svg;
}

nlohmann::json scale_json(const ScaleReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ScaleRow& row : report.rows) {
    const auto& s = row.stats;
    const auto sensitivity = time_sensitivity(row);
    std::vector<double> window_rates;
    for (std::uint32_t i = 0; i < BadgeStats::windows_count; ++i) window_rates.push_back(s.window_rate(i) / row.nodes);
    rows.push_back({{"nodes", row.nodes},
                    {"runs", s.runs()},
                    {"runs_failed", row.runs_failed},
                    {"runs_drifted", s.runs_drifted()},
                    {"first_drift_median_ns", s.first_drift_median_ns().value_or(-1)},
                    {"badges", s.badges()},
                    {"per_node_per_simulated_second", s.per_node_per_simulated_second()},
                    {"per_1000_events", s.per_1000_events()},
                    {"per_node", s.per_node()},
                    {"per_client", s.per_client()},
                    {"by_monitor", s.per_monitor()},
                    {"emitters", s.emitters()},
                    {"evenness", s.evenness()},
                    {"time_sensitivity", sensitivity ? nlohmann::json(*sensitivity) : nlohmann::json(nullptr)},
                    {"trend", to_string(s.trend())},
                    {"window_rates_per_node", window_rates}});
  }
  return {{"protocol", report.protocol}, {"variant", report.variant}, {"command", report.command},
          {"faults", report.faults},     {"clock", report.clock},     {"time_limit_ns", report.time_limit_ns},
          {"seeds", report.seeds},       {"stretch", report.stretch}, {"sizes", rows},
          {"verdict", scale_verdict(report)}};
}

}  // namespace corridor::cli
